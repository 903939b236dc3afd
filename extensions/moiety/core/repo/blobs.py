"""Reading files as they were at a commit, and listing a commit's files with their blob ids."""

import os
import re
from collections.abc import Iterable
from pathlib import Path

from . import git
from .errors import PathNotFound, RepoError
from .paths import safe_relpath
from .worktree import MODE_SYMLINK, TreeEntry, tree_entries

_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def entry_at(root: Path, commit: str, path: str) -> TreeEntry | None:
    """The tree entry of ``path`` (already safe) at ``commit`` (a full id), or ``None``."""
    listing = git.run(root, ["ls-tree", "-z", "--full-tree", commit, "--", path]).stdout
    for record in listing.split(b"\0"):
        meta, _, raw_path = record.partition(b"\t")
        if os.fsdecode(raw_path) == path:
            mode, kind, blob = meta.decode().split(" ")
            return TreeEntry(path, mode, kind, blob)
    return None


def blob_at(root: Path, commit: str, path: str, rev_label: str | None = None) -> TreeEntry:
    """Like :func:`entry_at`, but raises :class:`PathNotFound` unless ``path`` is a file there."""
    entry = entry_at(root, commit, path)
    label = rev_label or commit[:12]
    if entry is None:
        raise PathNotFound(f"{path!r} does not exist at {label}.")
    if entry.kind != "blob":
        raise PathNotFound(f"{path!r} is a folder at {label}, not a file.")
    return entry


def read_blob(root: Path, blob: str) -> bytes:
    return git.run(root, ["cat-file", "blob", blob]).stdout


def read_at(root: Path, commit: str, path: str, rev_label: str | None = None) -> bytes:
    """The bytes of ``path`` (already safe) at ``commit`` (a full id), by one git child."""
    if not path.isprintable():
        return read_blob(root, blob_at(root, commit, path, rev_label).blob)
    answer = git.run(root, ["cat-file", "--batch"], input=f"{commit}:{path}\n".encode()).stdout
    header, _, content = answer.partition(b"\n")
    fields = header.rsplit(b" ", 2)
    if len(fields) == 3 and fields[1] == b"blob" and fields[2].isdigit():
        return content[: int(fields[2])]
    blob_at(root, commit, path, rev_label)
    raise PathNotFound(f"{path!r} cannot be read at {rev_label or commit[:12]}.")


def read_file_at(root: str | os.PathLike, path: str, rev: str = "HEAD") -> bytes:
    """The bytes of ``path`` as committed at ``rev`` (for a symlink: its target)."""
    root = git.repo_root(root)
    relative = safe_relpath(root, path)
    return read_at(root, git.resolve_commit(root, rev), relative, rev)


def list_files(root: str | os.PathLike, rev: str = "HEAD") -> list[TreeEntry]:
    """Every file at ``rev`` (default HEAD) with its mode and blob id, sorted by path.

    Symlinks and submodules are left out: their blobs are not file contents.
    """
    root = git.repo_root(root)
    if rev == "HEAD" and git.head_commit(root) is None:
        return []
    entries = tree_entries(root, git.resolve_commit(root, rev))
    return [
        entry
        for _, entry in sorted(entries.items())
        if entry.kind == "blob" and entry.mode != MODE_SYMLINK
    ]


def read_blobs(root: str | os.PathLike, blobs: Iterable[str]) -> dict[str, bytes]:
    """Contents of many blobs by id, read by one ``git cat-file --batch``."""
    root = git.repo_root(root)
    wanted = list(dict.fromkeys(blobs))
    for blob in wanted:
        if not isinstance(blob, str) or not _OBJECT_ID.fullmatch(blob):
            raise RepoError(f"{blob!r} is not a full blob id.")
    if not wanted:
        return {}
    output = git.run(
        root, ["cat-file", "--batch"], input="".join(b + "\n" for b in wanted).encode()
    ).stdout
    contents, offset = {}, 0
    for blob in wanted:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].decode().split(" ")
        if len(header) != 3 or header[1] != "blob":
            raise PathNotFound(f"There is no file content with id {blob}.")
        size = int(header[2])
        start = header_end + 1
        contents[blob] = output[start : start + size]
        offset = start + size + 1
    return contents
