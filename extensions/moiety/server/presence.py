"""Telling the service who is in the project now (``PUT <service>/presence``).

The people in the server's collaborative rooms (:class:`~moiety.core.activity.RoomPresence`)
are sent when someone joins or leaves (a second later, so a burst of tabs makes one report)
and every ``period`` seconds while anyone is there; the service forgets a report after a few
minutes, so a server that stops is soon shown empty. Presence is a live view, not a record:
a report that fails is not kept, the next one replaces it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from ..core.activity import RoomPresence


class PresenceReporter:
    def __init__(
        self,
        presence: RoomPresence,
        url: str,
        token: str,
        log: logging.Logger,
        *,
        period: float = 60.0,
        settle: float = 1.0,
    ):
        self.presence = presence
        self.url = url
        self._token = token
        self.log = log
        self.period = period
        self.settle = settle
        self._changed = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.last_sent: list[str] | None = None

    def changed(self) -> None:
        self._changed.set()

    def start(self) -> None:
        if self.url and self._token:
            self._task = asyncio.create_task(self._report_forever(), name="moiety-presence")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _report_forever(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), self.period)
                await asyncio.sleep(self.settle)  # one report for a burst of joins and leaves
            self._changed.clear()
            people = self.presence.everyone()
            if people or self.last_sent != people:
                await self.send(people)

    async def send(self, people: list[str]) -> None:
        request = HTTPRequest(
            self.url,
            method="PUT",
            body=json.dumps({"people": people}),
            headers={"Authorization": f"token {self._token}", "Content-Type": "application/json"},
            request_timeout=20,
        )
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except Exception as exc:
            self.log.info("Moiety: could not report presence (%s: %s)", type(exc).__name__, exc)
            return
        if response.code == 200:
            self.last_sent = people
        else:
            self.log.info("Moiety: the service answered %d to a presence report", response.code)
