"""Snapshots: a version of the project folder, committed on behalf of a person.

A snapshot that finds nothing to commit creates no commit: it answers ``changed=False`` with
the commit HEAD already points to, so callers can say "nothing changed since <commit>".
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import git
from .commits import (
    BranchMoved,
    Change,
    build_commit,
    commit_message,
    head_state,
    refresh_index,
    write_blobs,
)
from .errors import ConcurrentUpdate
from .lock import scratch_dir, writer_lock
from .notebooks import blob_id, strip_for_storage
from .paths import safe_relpath
from .statcache import StatCache
from .worktree import (
    MODE_DELETED,
    MODE_SYMLINK,
    TreeEntry,
    file_mode,
    index_entries,
    parent_checker,
    read_working,
    select,
    tree_entries,
    untracked_paths,
    working_stat,
)

ATTEMPTS = 3


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
) -> SnapshotResult:
    """Commit the working copy's changes (all of them, or those under ``paths``).

    Notebooks are committed stripped of outputs and execution counts, with their cell ids; the
    working copy is left as it is. Deleted files are committed as deletions.
    """
    root = git.repo_root(root)
    identity = git.identity_env(author_name, author_email)
    body = commit_message(message, default="Snapshot")
    requested = None if paths is None else [safe_relpath(root, path) for path in paths]
    with writer_lock(root, timeout):
        return commit_working_copy(root, body, identity, requested)


def commit_working_copy(
    root: Path, message: bytes, identity: dict[str, str], requested: list[str] | None
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
            scan = _scan(root, scratch, tree, sorted(candidates), cache)
            if not scan.changes:
                _remember(cache, scan, tree, {})
                _sync_index(root, index, tree, [], candidates)
                return SnapshotResult(commit=parent, changed=False, parent=parent)
            try:
                commit = build_commit(
                    root, scratch, branch, parent, scan.changes, message, identity
                )
            except BranchMoved:
                continue
        _sync_index(root, index, tree, scan.changes, candidates)
        _remember(cache, scan, tree, {change.path: change for change in scan.changes})
        return _result(commit, parent, tree, scan.changes, scan.unstripped)
    raise ConcurrentUpdate(
        "The project's branch kept moving while saving (someone is committing by hand); try again."
    )


def _sync_index(
    root: Path,
    index: dict[str, tuple[str, str]],
    tree: dict[str, TreeEntry],
    changes: list[Change],
    scope: set[str],
) -> None:
    """Make the real index agree with the new commit on ``scope`` (the paths looked at).

    This also repairs an index left behind by a writer killed after moving the branch.
    """
    committed = {path: (entry.mode, entry.blob) for path, entry in tree.items()}
    for change in changes:
        if change.deleted:
            committed.pop(change.path, None)
        else:
            committed[change.path] = (change.mode, change.blob)
    updates = [
        Change(path, *committed[path]) if path in committed else Change(path, MODE_DELETED, "")
        for path in sorted(scope)
        if committed.get(path) != index.get(path)
    ]
    if updates:
        refresh_index(root, updates)


@dataclass
class _Scan:
    changes: list[Change] = field(default_factory=list)
    unstripped: list[dict] = field(default_factory=list)
    read: list[tuple[str, os.stat_result | None]] = field(default_factory=list)


def _scan(
    root: Path, scratch: Path, tree: dict[str, TreeEntry], candidates: list[str], cache: StatCache
) -> _Scan:
    """Compare the working copy with ``tree``; write the blobs of what changed."""
    parents_ok = parent_checker(root)
    scan, pending = _Scan(), []
    for path in candidates:
        before = tree.get(path)
        info = working_stat(root, path, parents_ok)
        if _known_unchanged(cache, path, info, before):
            continue
        working = read_working(root, path, parents_ok) if info is not None else None
        if working is None:
            cache.forget(path)
            if before is not None and before.kind == "blob":
                scan.changes.append(Change(path, MODE_DELETED, ""))
            continue
        scan.read.append((path, working.info))
        stored, reason = strip_for_storage(path, working.data)
        if before is not None and before.mode == working.mode and before.blob == blob_id(stored):
            continue
        if stored is working.data and working.mode != MODE_SYMLINK and _plain(path):
            source = path
        else:
            source = str((scratch / str(len(pending))).relative_to(root))
            (root / source).write_bytes(stored)
        pending.append((path, working.mode, source, reason))
    blobs = write_blobs(root, [source for _, _, source, _ in pending])
    for (path, mode, _, reason), blob in zip(pending, blobs, strict=True):
        before = tree.get(path)
        if before is not None and (before.mode, before.blob) == (mode, blob):
            continue
        scan.changes.append(Change(path, mode, blob))
        if reason:
            scan.unstripped.append({"path": path, "reason": reason})
    return scan


def _known_unchanged(
    cache: StatCache, path: str, info: os.stat_result | None, before: TreeEntry | None
) -> bool:
    if info is None or before is None or before.mode != file_mode(info):
        return False
    return cache.lookup(path, info) == before.blob


def _remember(
    cache: StatCache, scan: _Scan, tree: dict[str, TreeEntry], changed: dict[str, Change]
) -> None:
    """Record the files read by this snapshot with the blobs they are now committed as."""
    for path, info in scan.read:
        committed = changed[path].blob if path in changed else tree[path].blob
        if info is None:
            cache.forget(path)
        else:
            cache.remember(path, info, committed)
    cache.save()


def _plain(path: str) -> bool:
    """Whether ``git hash-object --stdin-paths`` reads ``path`` literally (one line, unquoted)."""
    return path.isprintable() and not path.startswith('"')


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
