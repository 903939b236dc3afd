"""Versions of the project folder on behalf of people: the git core, off the event loop.

Every call runs the core's blocking git work in the server's thread pool; writers take the
core's writer lock there, so two snapshots at once both land, one after the other. Snapshots
and restores are reported to the service (through the outbox) before the caller is answered;
``on_commit(actor, commit)`` then hears of each commit made (the compounds' events are
computed from it in the background), and ``compounds`` adds the compound view to diffs.

Each commit is marked (:class:`~moiety.core.activity.pending_commits.PendingCommits`) before
its branch moves and unmarked once its events are out, so a server killed in between reports
it at its next start (:meth:`Versions.recover`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from functools import partial
from pathlib import Path

from ..core.activity import anchors, events
from ..core.activity.cells import cell_pairs
from ..core.activity.pending_commits import PendingCommits
from ..core.repo import SnapshotResult, diff, history, read_file_at, restore, snapshot
from ..core.repo.errors import UnsafePath
from ..core.repo.notebooks import is_notebook
from ..core.repo.paths import safe_relpath


class Versions:
    def __init__(
        self,
        root: Path,
        author_email: str,
        executor: Executor,
        report: Callable[[dict], Awaitable[None]],
        writer_timeout: float = 60.0,
    ):
        self.root = root
        self.author_email = author_email
        self.executor = executor
        self.report = report
        self.writer_timeout = writer_timeout
        self.on_commit: Callable[[str, str], Awaitable[None]] = _no_hook
        self.compounds = None
        self.pending = PendingCommits(root)

    def identity(self, name: str) -> tuple[str, str]:
        """Author name and e-mail of ``name``'s commits (``{name}`` filled in the template)."""
        return name, self.author_email.replace("{name}", name)

    async def _run(self, function, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, partial(function, *args, **kwargs))

    async def snapshot(
        self, user: str, message: str, paths: list[str] | None, *, auto: bool = False
    ) -> dict:
        record = {"kind": "snapshot", "actor": user, "message": message, "auto": auto}
        result = await self._run(
            snapshot,
            self.root,
            message,
            *self.identity(user),
            paths,
            timeout=self.writer_timeout,
            before_publish=partial(self._mark, record),
        )
        answer = {**result.to_json(), "paths": result.paths, "author": user}
        if not result.changed:
            since = f" since {result.commit[:12]}" if result.commit else ""
            answer["detail"] = f"Nothing changed{since}; no snapshot was made."
            return answer
        await self._announce(result.commit, self._record_of(result, record))
        return answer

    async def restore(self, user: str, path: str, commit: str, message: str | None) -> dict:
        record = {"kind": "restore", "actor": user, "path": path}
        result = await self._run(
            restore,
            self.root,
            path,
            commit,
            *self.identity(user),
            message,
            timeout=self.writer_timeout,
            before_publish=partial(self._mark, record),
        )
        answer = {**result.to_json(), "paths": result.paths, "author": user, "path": path}
        if result.saved_before is not None:
            await self._announce(result.saved_before, {"kind": "commit", "actor": user})
        if result.changed:
            await self._announce(result.commit, self._record_of(result, record))
        else:
            answer["detail"] = f"{path} is already as it was at {result.restored_from[:12]}."
        return answer

    # --- commits and their events, also after a kill ------------------------------------------

    def _mark(self, record: dict, result: SnapshotResult) -> None:
        """Runs in the git thread, between writing the commit and moving the branch to it."""
        self.pending.mark(result.commit, self._record_of(result, record))

    @staticmethod
    def _record_of(result: SnapshotResult, record: dict) -> dict:
        """What the events of ``result``'s commit need (``kind`` says which events)."""
        if record["kind"] == "restore" and result.restored_from is None:
            return {"kind": "commit", "actor": record["actor"]}  # saved before restoring
        return {
            **record,
            "paths": result.paths,
            "stored": result.added + result.modified,
            "restored_from": result.restored_from,
            "saved_before": result.saved_before,
        }

    async def _announce(self, commit: str, record: dict) -> None:
        """Put ``commit``'s events into the outbox, tell ``on_commit``, then unmark it."""
        actor = record["actor"]
        if record["kind"] == "snapshot":
            cells = await self._run(self._committed_cells, commit, record["stored"])
            await self.report(
                events.snapshot_created(
                    actor,
                    commit,
                    record["message"],
                    record["paths"],
                    cells,
                    auto=record["auto"],
                )
            )
        elif record["kind"] == "restore":
            await self.report(
                events.version_restored(
                    actor, record["path"], commit, record["restored_from"], record["saved_before"]
                )
            )
        await self.on_commit(actor, commit)
        await self._run(self.pending.unmark, commit)

    async def recover(self) -> int:
        """Report the commits a killed server made but did not report; how many there were."""
        found = await self._run(self.pending.published, self.writer_timeout)
        for commit, record in found:
            await self._announce(commit, record)
        return len(found)

    def _committed_cells(self, commit: str, paths: list[str]) -> dict[str, list]:
        found = {}
        for path in paths:
            if is_notebook(path):
                pairs = cell_pairs(read_file_at(self.root, path, commit))
                if pairs is not None:
                    found[path] = pairs
        return found

    async def history(self, path: str | None, limit: int, skip: int) -> list[dict]:
        commits = await self._run(history, self.root, path, limit, skip)
        return [commit.to_json() for commit in commits]

    async def diff(self, path: str, from_rev: str, to_rev: str) -> dict:
        answer = await self._run(diff, self.root, path, from_rev, to_rev)
        if self.compounds is not None:
            answer = await self.compounds.annotate_diff(answer)
        return answer

    async def anchors(self, path: str) -> dict:
        return (await self._run(anchors, self.root, path)).to_json()

    async def cells_of(self, path: str) -> list | None:
        """``[[cell_id, hash16]]`` of a notebook in the working copy (``None`` otherwise)."""
        if not is_notebook(path):
            return None
        return await self._run(self._working_cells, path)

    def _working_cells(self, path: str) -> list | None:
        try:
            return cell_pairs((self.root / safe_relpath(self.root, path)).read_bytes())
        except (OSError, UnsafePath):
            return None


async def _no_hook(actor: str, commit: str) -> None:
    """The default ``on_commit``: nothing else to do."""
