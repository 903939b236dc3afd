"""Delivering the outbox to the service: in order, retried with backoff, never lost.

Events go into the durable :class:`~moiety.core.activity.Outbox` first (:meth:`report` returns
once the event is on disk); one task sends them to ``POST <service>/events`` with the server's
own hub token. An event the service accepts (2xx, including 200 for a key it already has) is
removed. No answer, 408, 429 and 5xx keep it for another try after a growing delay; sending
stops at the first event that failed, so the feed receives events in the order they happened.
Any other 4xx means the event itself is wrong; it is logged and dropped.

Outbox operations run on one dedicated thread (SQLite syncs each change to disk), never on the
event loop. The token is sent only in the Authorization header and never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from ..core.activity import Outbox, outcome

SEND_TIMEOUT = 20.0


class Reporter:
    def __init__(
        self,
        outbox: Outbox,
        events_url: str,
        token: str,
        log: logging.Logger,
        *,
        retry_base: float = 1.0,
        retry_max: float = 300.0,
    ):
        self.outbox = outbox
        self.events_url = events_url
        self._token = token
        self.log = log
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.delivered = 0
        self.dropped = 0
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="moiety-outbox")
        self._wakeup = asyncio.Event()
        self.empty = asyncio.Event()
        """Set when a delivery round found the outbox empty; cleared by :meth:`report`."""
        self._task: asyncio.Task | None = None

    def __repr__(self) -> str:
        return f"Reporter({self.events_url!r})"

    async def _db(self, method, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, partial(method, *args, **kwargs))

    async def report(self, body: dict) -> None:
        """Keep ``body`` in the outbox (durably) and wake the sender."""
        self.empty.clear()
        await self._db(self.outbox.add, body)
        self._wakeup.set()

    async def stats(self) -> dict:
        stats = await self._db(self.outbox.stats)
        return {**stats, "delivered": self.delivered, "dropped": self.dropped}

    def start(self) -> None:
        if self._task is None and self.events_url and self._token:
            self._task = asyncio.create_task(self._deliver_forever(), name="moiety-outbox")
        elif not (self.events_url and self._token):
            self.log.warning(
                "Moiety: no service URL or hub token; activity is kept in the outbox unsent."
            )

    async def stop(self, grace: float = 3.0) -> None:
        """Try once more to deliver what is due (for at most ``grace`` s), then stop."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self.deliver_due(), grace)
        await self._db(self.outbox.close)
        self._thread.shutdown(wait=True)

    async def _deliver_forever(self) -> None:
        while True:
            self._wakeup.clear()
            try:
                await self.deliver_due()
                next_try = await self._db(self.outbox.next_try)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.log.exception("Moiety: delivering activity to the service failed")
                next_try = time.time() + self.retry_max
            timeout = None if next_try is None else max(0.0, next_try - time.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout)

    async def deliver_due(self) -> None:
        """Send every due event in order; stop at the first that must be tried again."""
        while True:
            pending = await self._db(self.outbox.due)
            if not pending:
                if await self._db(self.outbox.next_try) is None:
                    self.empty.set()
                return
            for item in pending:
                status, error = await self._send(item.body)
                verdict = outcome(status)
                if verdict == "retry":
                    delay = await self._db(
                        self.outbox.retry_later,
                        item.key,
                        error,
                        base=self.retry_base,
                        cap=self.retry_max,
                    )
                    self.log.warning(
                        "Moiety: the service did not take event %s (%s); %d events wait, "
                        "next try in %.1f s",
                        item.key,
                        error,
                        (await self._db(self.outbox.stats))["pending"],
                        delay,
                    )
                    return
                if verdict == "drop":
                    self.dropped += 1
                    self.log.error(
                        "Moiety: the service refused event %s (%s); dropped, since sending it "
                        "again cannot succeed.",
                        item.key,
                        error,
                    )
                else:
                    self.delivered += 1
                await self._db(self.outbox.remove, item.key)

    async def _send(self, body: dict) -> tuple[int, str]:
        request = HTTPRequest(
            self.events_url,
            method="POST",
            body=json.dumps(body, ensure_ascii=False),
            headers={"Authorization": f"token {self._token}", "Content-Type": "application/json"},
            request_timeout=SEND_TIMEOUT,
            connect_timeout=SEND_TIMEOUT,
        )
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except Exception as exc:  # connection refused, timeouts, DNS: the service is not there
            return 0, f"service unreachable: {type(exc).__name__}: {exc}"
        if 200 <= response.code < 300:
            return response.code, ""
        return response.code, f"{response.code} {_error_code(response.body)}"


def _error_code(body: bytes | None) -> str:
    try:
        answer = json.loads(body or b"{}")
        return f"{answer.get('error', '')}: {answer.get('message', '')}"[:300]
    except ValueError:
        return "(not JSON)"
