"""Bringing a file back as it was at a commit, as a new commit: history is never rewritten."""

import dataclasses
import os
import stat
from functools import partial
from pathlib import Path

from . import git
from .blobs import blob_at, read_blob
from .commits import commit_message
from .errors import UnsafePath
from .lock import scratch_dir, writer_lock
from .paths import safe_relpath
from .snapshot import BeforePublish, SnapshotResult, commit_working_copy
from .worktree import MODE_EXECUTABLE, MODE_SYMLINK


def restore(
    root: str | os.PathLike,
    path: str,
    commit: str,
    author_name: str,
    author_email: str,
    message: str | None = None,
    *,
    timeout: float = 60.0,
    before_publish: BeforePublish | None = None,
) -> SnapshotResult:
    """Put ``path`` back as it was at ``commit`` in the working copy and commit that.

    Edits to the file that no snapshot holds yet are committed first (``saved_before``), so a
    restore never loses work. A restored notebook is its stored form, without outputs. If the
    file is already as it was at ``commit``, no commit is made (``changed=False``).
    ``before_publish`` hears of both commits before they land; the restoring one is told with
    ``restored_from`` (and ``saved_before``) set.
    """
    root = git.repo_root(root)
    relative = safe_relpath(root, path)
    identity = git.identity_env(author_name, author_email)
    source = git.resolve_commit(root, commit)
    entry = blob_at(root, source, relative, commit)
    body = commit_message(message, default=f"Restore {relative} as it was at {source[:12]}")
    with writer_lock(root, timeout):
        saved = None
        if os.path.lexists(root / relative):
            before = commit_working_copy(
                root,
                b"Save %s before restoring it\n" % relative.encode(),
                identity,
                [relative],
                before_publish,
            )
            saved = before.commit if before.changed else None
        _write_working(root, relative, entry.mode, read_blob(root, entry.blob))
        told = before_publish and partial(_restoring, before_publish, source, saved)
        result = commit_working_copy(root, body, identity, [relative], told)
    return dataclasses.replace(result, restored_from=source, saved_before=saved)


def _restoring(
    before_publish: BeforePublish, source: str, saved: str | None, result: SnapshotResult
) -> None:
    before_publish(dataclasses.replace(result, restored_from=source, saved_before=saved))


def _write_working(root: Path, relative: str, mode: str, data: bytes) -> None:
    """Replace the working file atomically (a kill leaves the old file or the new one)."""
    target = root / relative
    if target.is_dir() and not target.is_symlink():
        raise UnsafePath(f"{relative!r} is a folder in the working copy; move it away first.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with scratch_dir(root) as scratch:
        staged = scratch / "restored"
        if mode == MODE_SYMLINK:
            os.symlink(os.fsdecode(data), staged)
        else:
            staged.write_bytes(data)
            extra = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH if mode == MODE_EXECUTABLE else 0
            staged.chmod(0o644 | extra)
        os.replace(staged, target)
