"""Snapshots: a version of the project folder, committed on behalf of a person.

A snapshot that finds nothing to commit creates no commit: it answers ``changed=False`` with
the commit HEAD already points to, so callers can say "nothing changed since <commit>".
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import git
from .commits import (
    BranchMoved,
    Change,
    build_commit,
    commit_message,
    head_state,
    sync_index,
)
from .errors import ConcurrentUpdate
from .lock import scratch_dir, writer_lock
from .paths import safe_relpath
from .scan import remember, scan_changes
from .statcache import StatCache
from .worktree import TreeEntry, index_entries, select, tree_entries, untracked_paths

ATTEMPTS = 3

BeforePublish = Callable[["SnapshotResult"], None]
"""Told of a commit (as the result it will be) after it is written, before the branch moves to
it: a kill between the two leaves an unpublished commit, never a published one it was not told
of."""


@dataclass(frozen=True)
class SnapshotResult:
    commit: str | None
    """The new commit; HEAD if nothing changed (``None`` in a repository without commits)."""
    changed: bool
    parent: str | None = None
    added: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unstripped: list[dict] = field(default_factory=list)
    """Notebooks stored as they are because they could not be stripped: ``{path, reason}``."""
    restored_from: str | None = None
    """For :func:`~moiety.core.repo.restore.restore`: the commit the file was brought back from."""
    saved_before: str | None = None
    """For restore: the commit that saved the file's unsaved edits first, if it had any."""

    @property
    def paths(self) -> list[str]:
        return sorted(self.added + self.modified + self.deleted)

    def to_json(self) -> dict:
        return {
            "commit": self.commit,
            "changed": self.changed,
            "parent": self.parent,
            "added": self.added,
            "modified": self.modified,
            "deleted": self.deleted,
            "unstripped": self.unstripped,
            "restored_from": self.restored_from,
            "saved_before": self.saved_before,
        }


def snapshot(
    root: str | os.PathLike,
    message: str,
    author_name: str,
    author_email: str,
    paths: list[str] | None = None,
    *,
    timeout: float = 60.0,
    before_publish: BeforePublish | None = None,
) -> SnapshotResult:
    """Commit the working copy's changes (all of them, or those under ``paths``).

    Notebooks are committed stripped of outputs and execution counts, with their cell ids; the
    working copy is left as it is. Deleted files are committed as deletions.
    ``before_publish`` hears of the commit before it lands (see :data:`BeforePublish`).
    """
    root = git.repo_root(root)
    identity = git.identity_env(author_name, author_email)
    body = commit_message(message, default="Snapshot")
    requested = None if paths is None else [safe_relpath(root, path) for path in paths]
    with writer_lock(root, timeout):
        return commit_working_copy(root, body, identity, requested, before_publish)


def commit_working_copy(
    root: Path,
    message: bytes,
    identity: dict[str, str],
    requested: list[str] | None,
    before_publish: BeforePublish | None = None,
) -> SnapshotResult:
    """The snapshot itself; the caller holds the writer lock."""
    for _ in range(ATTEMPTS):
        branch, parent = head_state(root)
        tree = tree_entries(root, parent)
        index = index_entries(root)
        candidates = untracked_paths(root) | index.keys() | tree.keys()
        if requested is not None:
            candidates = select(candidates, tree, root, requested)
        cache = StatCache(root)
        with scratch_dir(root) as scratch:
            scan = scan_changes(root, scratch, tree, sorted(candidates), cache)
            if not scan.changes:
                remember(cache, scan, tree, {})
                sync_index(root, index, tree, [], candidates)
                return SnapshotResult(commit=parent, changed=False, parent=parent)
            told = before_publish and partial(_tell, before_publish, parent, tree, scan)
            try:
                commit = build_commit(
                    root, scratch, branch, parent, scan.changes, message, identity, told
                )
            except BranchMoved:
                continue
        sync_index(root, index, tree, scan.changes, candidates)
        remember(cache, scan, tree, {change.path: change for change in scan.changes})
        return _result(commit, parent, tree, scan.changes, scan.unstripped)
    raise ConcurrentUpdate(
        "The project's branch kept moving while saving (someone is committing by hand); try again."
    )


def _tell(before_publish: BeforePublish, parent: str | None, tree: dict, scan, commit: str) -> None:
    before_publish(_result(commit, parent, tree, scan.changes, scan.unstripped))


def _result(
    commit: str,
    parent: str | None,
    tree: dict[str, TreeEntry],
    changes: list[Change],
    unstripped: list[dict],
) -> SnapshotResult:
    return SnapshotResult(
        commit=commit,
        changed=True,
        parent=parent,
        added=sorted(c.path for c in changes if not c.deleted and c.path not in tree),
        modified=sorted(c.path for c in changes if not c.deleted and c.path in tree),
        deleted=sorted(c.path for c in changes if c.deleted),
        unstripped=unstripped,
    )
