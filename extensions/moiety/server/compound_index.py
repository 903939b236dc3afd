"""A project server's compounds: diffs, substructure search and ``compounds.changed`` events.

One of each per project server, all under ``.git/moiety/`` (never in the working tree, never
versioned): the identity cache (``identities/``, shared by every read of a compound file) and
the substructure index's files (``compound-index/``, by content hash). The index follows HEAD
by blob ids: it is synced in the background at start and after every snapshot or restore, and
a search first checks that HEAD has not moved since (commits made by hand are found then); a
file whose blob is already indexed or cached is never parsed again.

The project's compound settings (``moiety.toml`` at the project root, ``[compounds]``: a
table's SMILES column by file pattern, the tautomer choice; see ``core/chem/settings.py``) are
read from the working copy, so an edit takes effect at the next request: each use compares the
file's size and times with the last read's, and a change brings an Identifier with the new
settings (identities are cached by tautomer choice) and makes the next search re-read the
tables whose column changed (the index keys each file by its content and its column). An
invalid file answers 400 on the compound endpoints with what to fix; background work (events,
the index at start) keeps the last good settings meanwhile.

Chemistry runs on this object's own threads, never on the event loop (RDKit releases the
GIL while it matches, so searches on these threads leave the loop free). The events of a
commit are computed after the snapshot has answered, one commit after the other, and go
through the server's outbox like every other event. Each commit waiting for that is marked
in ``compound-pending/`` until its events are in the outbox, so a server killed meanwhile
reports them at its next start (the events' keys make a second report harmless).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from ..core.activity.outbox import OUTBOX_DIR
from ..core.chem import Identifier, SubstructureIndex, is_compound_file, parse_query
from ..core.chem.errors import ChemError
from ..core.chem.settings import CompoundSettings, InvalidSettings, SettingsFile
from ..core.compound_changes import commit_events, compound_diff
from ..core.repo import git, list_files, read_blobs

IDENTITY_DIR = "identities"
INDEX_DIR = "compound-index"
PENDING_DIR = "compound-pending"
DRAIN_SECONDS = 30.0
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def rearm_sigint() -> None:
    """Give SIGINT back to Python's handler (from the main thread, the only one allowed to).

    While RDKit matches a substructure it swaps the process's SIGINT handler for its own (its
    ``ControlCHandler``, to cancel long matches) and then puts back the one it found. Two
    matches on two threads interleave: the second saves RDKit's handler and puts it back last,
    so SIGINT stays with RDKit and the server ignores the hub's request to stop. Called after
    each piece of chemistry, so once the threads are idle Python has SIGINT again.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    handler = signal.getsignal(signal.SIGINT)
    if handler is not None:
        signal.signal(signal.SIGINT, handler)


class ProjectCompounds:
    def __init__(
        self,
        root: Path,
        report: Callable[[dict], Awaitable[None]],
        log: logging.Logger,
        *,
        threads: int = 2,
        search_threads: int = -1,
        in_memory: bool = False,
        tautomers: bool = False,
    ):
        self.root = root
        self.report = report
        self.log = log
        cache = root / ".git" / OUTBOX_DIR
        self.identity_dir = cache / IDENTITY_DIR
        self.settings_file = SettingsFile(root, CompoundSettings(tautomers=tautomers))
        self.identifier = Identifier.shared(self.identity_dir, self.settings_file.settings)
        """The Identifier of the last good settings (``identifier.settings``)."""
        self._settings_lock = threading.Lock()
        self.index = SubstructureIndex(
            cache / INDEX_DIR, num_threads=search_threads, in_memory=in_memory
        )
        self.pending = cache / PENDING_DIR
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="moiety-chem")
        self.synced: str | None = None
        """The commit the index holds (``None`` before the first sync)."""
        self.synced_settings: CompoundSettings | None = None
        self._sync_lock = asyncio.Lock()
        self._commits: asyncio.Queue = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []

    async def _run(self, function, *args, **kwargs):
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.executor, partial(function, *args, **kwargs))
        finally:
            rearm_sigint()

    def start(self) -> None:
        """Start the background work, beginning with the commits a previous run left."""
        for actor, commit in self._marked():
            self._commits.put_nowait((actor, commit))
        self._tasks = [
            asyncio.create_task(self._events_forever(), name="moiety-compound-events"),
            asyncio.create_task(self._sync_quietly(), name="moiety-compound-index"),
        ]

    async def stop(self) -> None:
        """Report the compound changes of the commits already made (for at most
        ``DRAIN_SECONDS``), then stop; call before the outbox stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._commits.join(), DRAIN_SECONDS)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.executor.shutdown(wait=False, cancel_futures=True)

    # --- settings ------------------------------------------------------------------------------

    def _identifier_now(self) -> Identifier:
        """The Identifier of the settings in force; raises InvalidSettings (on a thread)."""
        with self._settings_lock:
            try:
                self.settings_file.read()
            finally:
                settings = self.settings_file.settings  # the last good ones
                if settings != self.identifier.settings:
                    self.identifier = Identifier.shared(self.identity_dir, settings)
                    self.log.info("Moiety: compound settings are now %s", settings)
            return self.identifier

    async def current(self) -> Identifier:
        """The Identifier of the settings in force; raises InvalidSettings (for requests)."""
        return await asyncio.to_thread(self._identifier_now)

    async def _settled(self) -> Identifier:
        """The Identifier of the last good settings (for background work)."""
        try:
            return await self.current()
        except InvalidSettings as error:
            self.log.warning("Moiety: %s (the last good settings stay in force)", error)
            return self.identifier

    # --- diffs ---------------------------------------------------------------------------------

    async def diff(self, path: str, from_rev: str, to_rev: str) -> dict:
        identifier = await self.current()
        return await self._run(compound_diff, self.root, path, from_rev, to_rev, identifier)

    async def annotate_diff(self, answer: dict) -> dict:
        """The general diff's answer, with ``compounds`` for a compound file: the compound
        diff, or ``None`` for a side too large to compare, and ``compounds_error`` when a side
        cannot be read as compounds (e.g. a CSV without a SMILES column)."""
        if not is_compound_file(answer["path"]):
            return answer
        if answer["kind"] == "too-large":
            return {**answer, "compounds": None}
        try:
            identifier = await self.current()
            sides = (answer["path"], answer["from"], answer["to"], identifier)
            compounds = await self._run(compound_diff, self.root, *sides)
        except ChemError as error:
            problem = {"error": error.code.replace("_", "-"), "message": str(error)}
            return {**answer, "compounds": None, "compounds_error": problem}
        for label in ("path", "from", "to"):
            compounds.pop(label)
        return {**answer, "compounds": compounds}

    # --- search --------------------------------------------------------------------------------

    async def search(self, query: str, kind: str, limit: int, cursor: str | None) -> dict:
        """A page of records matching ``query`` in the compound files at HEAD, with the commit
        searched. A bad query is refused before the index is brought up to date."""
        parse_query(query, kind)
        await self.current()
        commit = await self.sync()
        page = await self._run(self.index.search, query, kind=kind, limit=limit, cursor=cursor)
        return {**page.to_dict(), "commit": commit}

    async def sync(self) -> str | None:
        """Bring the index to HEAD (read with the settings in force) if HEAD or the settings
        moved; the commit it then holds."""
        head = await asyncio.to_thread(git.head_commit, self.root)  # not behind chemistry
        settings = self.identifier.settings
        if head == self.synced and head is not None and settings == self.synced_settings:
            return head
        async with self._sync_lock:
            head = await asyncio.to_thread(git.head_commit, self.root)  # the latest, after waiting
            settings = self.identifier.settings
            if head != self.synced or head is None or settings != self.synced_settings:
                report = await self._run(self._sync_to, head, settings)
                self.synced, self.synced_settings = head, settings
                if report.parsed or report.removed:
                    self.log.info(
                        "Moiety: compound index at %s: parsed %s, removed %s, skipped %s",
                        (head or "-")[:12],
                        report.parsed,
                        report.removed,
                        sorted(report.skipped),
                    )
        return self.synced

    def _sync_to(self, head: str | None, settings: CompoundSettings):
        files = {e.path: e.blob for e in list_files(self.root, head)} if head else {}
        return self.index.sync(
            files,
            lambda path: read_blobs(self.root, [files[path]])[files[path]],
            settings.smiles_column,
        )

    async def _sync_quietly(self) -> None:
        try:
            await self._settled()
            await self.sync()
        except asyncio.CancelledError:
            raise
        except Exception:
            self.log.exception("Moiety: could not bring the compound index up to date")

    # --- events --------------------------------------------------------------------------------

    async def committed(self, actor: str, commit: str) -> None:
        """A snapshot or restore by ``actor`` made ``commit``: mark it, then report its
        compound changes in the background and bring the index to HEAD."""
        await asyncio.to_thread(self._mark, actor, commit)
        self._commits.put_nowait((actor, commit))

    def _mark(self, actor: str, commit: str) -> None:
        self.pending.mkdir(parents=True, exist_ok=True)
        (self.pending / commit).write_text(actor)

    def _marked(self) -> list[tuple[str, str]]:
        """``(actor, commit)`` of the marked commits, oldest first."""
        try:
            marks = [m for m in self.pending.iterdir() if _COMMIT_ID.fullmatch(m.name)]
        except FileNotFoundError:
            return []
        marks.sort(key=lambda mark: mark.stat().st_mtime_ns)
        return [(mark.read_text(), mark.name) for mark in marks]

    async def _events_forever(self) -> None:
        while True:
            actor, commit = await self._commits.get()
            try:
                await self._report_commit(actor, commit)
            finally:
                self._commits.task_done()
            await self._sync_quietly()

    async def _report_commit(self, actor: str, commit: str) -> None:
        """Put the commit's events into the outbox and unmark it; a commit that fails is
        logged and unmarked too (it would fail again), unless the server is stopping."""
        try:
            identifier = await self._settled()
            bodies = await self._run(commit_events, self.root, commit, actor, identifier)
            for body in bodies:
                await self.report(body)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.log.exception("Moiety: could not report the compound changes of %s", commit)
        await asyncio.to_thread((self.pending / commit).unlink, missing_ok=True)
