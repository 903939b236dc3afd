"""Hub membership, read with the service's token and cached briefly.

Each refresh that finds the teams' members or leads changed records the change in the audit
trail (:func:`moiety.core.audit.record_membership`, actor ``hub``). The first refresh after a
start compares with the state last recorded in the database, so changes made while the service
was down are recorded too.
"""

from __future__ import annotations

import asyncio
import logging
import time

from ..core import audit
from ..core.access import Directory
from .hub_api import HubAPI

log = logging.getLogger("moiety.directory")


class CachedDirectory:
    """The hub's teams as a :class:`Directory`, at most ``ttl`` seconds old.

    Concurrent requests share one refresh, so a burst of requests costs one hub call.
    ``storage``: where membership changes are audited (set by the service once it is open).
    """

    def __init__(self, hub: HubAPI, ttl: float, storage=None):
        self.hub = hub
        self.ttl = ttl
        self.storage = storage
        self._directory: Directory | None = None
        self._fetched_at = 0.0
        self._refreshing: asyncio.Future | None = None
        self._audited: audit.Membership | None = None

    @property
    def current(self) -> Directory:
        return self._directory or Directory()

    def invalidate(self) -> None:
        self._fetched_at = 0.0

    async def get(self) -> Directory:
        if self._directory is not None and time.monotonic() - self._fetched_at < self.ttl:
            return self._directory
        if self._refreshing is None:
            self._refreshing = asyncio.ensure_future(self._refresh())
        refreshing = self._refreshing
        try:
            return await asyncio.shield(refreshing)
        finally:
            if self._refreshing is refreshing and refreshing.done():
                self._refreshing = None

    async def _refresh(self) -> Directory:
        directory = Directory.from_hub_groups(await self.hub.groups())
        await self._audit(directory)
        self._directory = directory
        self._fetched_at = time.monotonic()
        return directory

    async def _audit(self, directory: Directory) -> None:
        """Record membership changes; a failure is logged and retried at the next refresh."""
        seen = audit.memberships(directory)
        storage = self.storage
        if seen == self._audited or storage is None:
            return
        try:
            await storage.write(_record_membership, seen=seen)
        except Exception:
            log.exception("Moiety: could not record team membership changes in the audit trail")
            return
        self._audited = seen


def _record_membership(session, *, published, seen: audit.Membership) -> int:
    return audit.record_membership(session, seen)
