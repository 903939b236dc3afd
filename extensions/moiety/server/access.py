"""Letting in hub API tokens whose server access is granted through a group.

Team members reach a project server through a role with ``access:servers!group=<team>-projects``
and the service through ``access:servers!group=moiety-projects``. In a browser this works: the
hub resolves the group when it issues the OAuth token for the project server. But a plain hub
API token keeps the group filter, and JupyterHub's ``HubAuth.check_scopes`` does not resolve
group filters (its documentation says so): the single-user server compares
``access:servers!group=kinase-projects`` with ``access:servers!server=project-egfr-sar/`` and
answers 403, so the service could not call the project server with its own token.

The project server therefore also accepts ``access:servers!group=<g>`` for each hub group
``<g>`` its account belongs to, which is exactly the hub's meaning of such a scope. It reads its
groups with its own token (the hub lets every token read its owner's groups) at start and then
every ``refresh`` seconds, so a project given to another team, or taken from one, is followed
within that delay.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os

from tornado.httpclient import AsyncHTTPClient, HTTPRequest


class GroupAccess:
    def __init__(self, hub_auth, log: logging.Logger, refresh: float = 60.0):
        self.hub_auth = hub_auth
        self.log = log
        self.refresh = refresh
        self.base_scopes = set(hub_auth.access_scopes)
        self.groups: list[str] = []
        self._task: asyncio.Task | None = None

    @classmethod
    def for_server(cls, serverapp, log: logging.Logger, refresh: float = 60.0):
        """``None`` outside JupyterHub (no hub to ask)."""
        hub_auth = getattr(serverapp.identity_provider, "hub_auth", None)
        if hub_auth is None or not os.environ.get("JUPYTERHUB_API_TOKEN"):
            return None
        return cls(hub_auth, log, refresh)

    def start(self) -> None:
        """Re-read the groups every ``refresh`` seconds (call after a first :meth:`apply`)."""
        self._task = asyncio.create_task(self._refresh_forever(), name="moiety-group-access")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def apply(self, groups: list[str]) -> None:
        self.groups = sorted(groups)
        scopes = {f"access:servers!group={group}" for group in self.groups}
        self.hub_auth.access_scopes = self.base_scopes | scopes

    async def read_groups(self) -> list[str]:
        request = HTTPRequest(
            self.hub_auth.api_url.rstrip("/") + "/user",
            headers={"Authorization": f"token {os.environ['JUPYTERHUB_API_TOKEN']}"},
            request_timeout=20,
        )
        response = await AsyncHTTPClient().fetch(request)
        return list(json.loads(response.body).get("groups") or [])

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.refresh)
            try:
                groups = await self.read_groups()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.log.warning("Moiety: could not read this account's hub groups: %s", exc)
            else:
                if sorted(groups) != self.groups:
                    self.log.info("Moiety: tokens with access to the groups %s may enter", groups)
                self.apply(groups)
