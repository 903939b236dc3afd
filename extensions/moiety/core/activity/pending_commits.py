"""Commits whose events are not in the outbox yet, kept across a kill of the server.

A snapshot or restore is reported after its commit lands; a server killed in between would
lose the ``snapshot.created`` (and the compound changes) of a commit that is in the history.
So each commit is marked in ``.git/moiety/commit-pending/<commit>`` **before** the branch moves
to it (the core's ``before_publish``), with what its events need, and unmarked once they are in
the outbox. At the next start, :meth:`PendingCommits.published` answers the marked commits
that did land (they are reported again; their events are keyed by commit, so a second report
is harmless) and forgets those that never did (killed before the branch moved).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from ..repo import git
from ..repo.lock import writer_lock
from .outbox import OUTBOX_DIR

PENDING_DIR = "commit-pending"
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class PendingCommits:
    def __init__(self, root: Path):
        self.root = root
        self.folder = root / ".git" / OUTBOX_DIR / PENDING_DIR

    def mark(self, commit: str, record: dict) -> None:
        """Keep ``record`` (JSON) for ``commit``; written whole or not at all."""
        self.folder.mkdir(parents=True, exist_ok=True)
        staged = self.folder / f".{commit}.tmp"
        staged.write_text(json.dumps({**record, "marked_at": time.time_ns()}))
        os.replace(staged, self.folder / commit)

    def unmark(self, commit: str) -> None:
        (self.folder / commit).unlink(missing_ok=True)

    def published(self, timeout: float = 60.0) -> list[tuple[str, dict]]:
        """``(commit, record)`` of the marked commits that HEAD holds, oldest mark first.

        Taken under the writer lock, so no snapshot is between its mark and its branch move;
        marks of commits that never landed, and unreadable ones, are removed.
        """
        try:
            names = [p.name for p in self.folder.iterdir() if _COMMIT_ID.fullmatch(p.name)]
        except FileNotFoundError:
            return []
        found = []
        with writer_lock(self.root, timeout):
            head = git.head_commit(self.root)
            for commit in names:
                record = self._read(commit)
                if record is None or head is None or not self._holds(head, commit):
                    self.unmark(commit)
                    continue
                found.append((commit, record))
        found.sort(key=lambda item: item[1].get("marked_at", 0))
        return found

    def _read(self, commit: str) -> dict | None:
        try:
            record = json.loads((self.folder / commit).read_text())
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def _holds(self, head: str, commit: str) -> bool:
        done = git.run(
            self.root, ["merge-base", "--is-ancestor", commit, head], ok_codes=(0, 1, 128)
        )
        return done.returncode == 0
