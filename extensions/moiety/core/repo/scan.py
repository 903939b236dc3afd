"""Finding what changed between the working copy and a commit, as a snapshot commits it."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from .commits import Change, write_blobs
from .notebooks import blob_id, strip_for_storage
from .statcache import StatCache
from .worktree import (
    MODE_DELETED,
    MODE_SYMLINK,
    TreeEntry,
    file_mode,
    parent_checker,
    read_working,
    working_stat,
)


@dataclass
class Scan:
    """The changes to commit, notebooks that could not be stripped, and the files read."""

    changes: list[Change] = field(default_factory=list)
    unstripped: list[dict] = field(default_factory=list)
    read: list[tuple[str, os.stat_result | None]] = field(default_factory=list)


def scan_changes(
    root: Path, scratch: Path, tree: dict[str, TreeEntry], candidates: list[str], cache: StatCache
) -> Scan:
    """Compare the ``candidates`` in the working copy with ``tree``; write changed blobs.

    Files the stat cache knows unchanged are not read. Blobs go through one
    ``git hash-object -w --stdin-paths``: a file stored as it is by its own path, anything
    else (stripped notebooks, symlink targets, odd names) through a file in ``scratch``.
    """
    parents_ok = parent_checker(root)
    scan, pending = Scan(), []
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


def remember(
    cache: StatCache, scan: Scan, tree: dict[str, TreeEntry], changed: dict[str, Change]
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
