"""The service DB, used from the event loop without blocking it.

Every write runs on one thread, in order, so events commit in id order and reach live streams in
that order too (they are handed to the loop from the writer thread right after each commit,
before the write's caller resumes). Reads run on a small pool.

Committing writes that queue up together (group commit) was measured and gave nothing here:
writing an event costs CPU (statements, savepoints), not the commit's flush.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..store.database import Database

T = TypeVar("T")


class Storage:
    def __init__(self, url: str, *, readers: int = 4):
        self.db = Database(url)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="moiety-db-write")
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="moiety-db-read")
        self._after_commit: Callable[[list[dict]], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.pending = 0

    def on_commit(self, callback: Callable[[list[dict]], None]) -> None:
        """Call ``callback(published)`` on the loop after each write that published events."""
        self._loop = asyncio.get_running_loop()
        self._after_commit = callback

    async def read(self, fn: Callable[..., T], *args, **kwargs) -> T:
        def run():
            with self.db.session() as session:
                return fn(session, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._readers, run)

    async def write(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Run ``fn(session, *args, published=[...], **kwargs)`` in one transaction on the writer.

        ``fn`` appends the API shape of each event it records to ``published``; they go to the
        live streams once the transaction has committed.
        """

        def run():
            published: list[dict[str, Any]] = []
            with self.db.write_session.begin() as session:
                result = fn(session, *args, published=published, **kwargs)
            if published and self._after_commit and self._loop:
                self._loop.call_soon_threadsafe(self._after_commit, published)
            return result

        self.pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._writer, run)
        finally:
            self.pending -= 1

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        self.db.dispose()
