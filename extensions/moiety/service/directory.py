"""Hub membership, read with the service's token and cached briefly."""

from __future__ import annotations

import asyncio
import time

from ..core.access import Directory
from .hub_api import HubAPI


class CachedDirectory:
    """The hub's teams as a :class:`Directory`, at most ``ttl`` seconds old.

    Concurrent requests share one refresh, so a burst of requests costs one hub call.
    """

    def __init__(self, hub: HubAPI, ttl: float):
        self.hub = hub
        self.ttl = ttl
        self._directory: Directory | None = None
        self._fetched_at = 0.0
        self._refreshing: asyncio.Future | None = None

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
        self._directory = directory
        self._fetched_at = time.monotonic()
        return directory
