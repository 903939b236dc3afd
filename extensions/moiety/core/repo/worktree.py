"""What is in the working copy and in a commit's tree, as a snapshot needs to compare them."""

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from . import git
from .errors import PathNotFound, RepoError

MODE_FILE = "100644"
MODE_EXECUTABLE = "100755"
MODE_SYMLINK = "120000"
MODE_DELETED = "0"


@dataclass(frozen=True)
class TreeEntry:
    path: str
    mode: str
    kind: str
    blob: str

    def to_json(self) -> dict:
        return {"path": self.path, "mode": self.mode, "blob": self.blob}


def tree_entries(root: Path, commit: str | None) -> dict[str, TreeEntry]:
    """Every file of ``commit`` (a full commit id) by path; empty for ``None``."""
    if commit is None:
        return {}
    output = git.run(root, ["ls-tree", "-r", "-z", "--full-tree", commit]).stdout
    entries = {}
    for record in output.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, blob = meta.decode().split(" ")
        path = os.fsdecode(raw_path)
        entries[path] = TreeEntry(path, mode, kind, blob)
    return entries


def index_entries(root: Path) -> dict[str, tuple[str, str]]:
    """The real index: ``(mode, blob)`` by path; a conflicted path has mode ``"conflict"``."""
    output = git.run(root, ["ls-files", "-z", "--stage"]).stdout
    entries: dict[str, tuple[str, str]] = {}
    for record in output.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, blob, stage = meta.decode().split(" ")
        path = os.fsdecode(raw_path)
        entries[path] = (mode, blob) if stage == "0" and path not in entries else ("conflict", "")
    return entries


def untracked_paths(root: Path) -> set[str]:
    """Files git does not track and that ``.gitignore`` does not exclude."""
    output = git.run(root, ["ls-files", "-z", "--others", "--exclude-standard"])
    return {path for path in git.split_z(output.stdout) if not path.endswith("/")}


def select(
    candidates: set[str], tree: dict[str, TreeEntry], root: Path, requested: list[str]
) -> set[str]:
    """The candidates a snapshot of ``requested`` paths covers (a folder covers what is in it).

    A file named explicitly is covered even if ``.gitignore`` excludes it.
    """
    chosen: set[str] = set()
    for path in requested:
        prefix = path + "/"
        inside = {c for c in candidates | tree.keys() if c.startswith(prefix)}
        if inside:
            chosen |= inside
        elif path in tree or os.path.lexists(root / path):
            chosen.add(path)
        else:
            raise PathNotFound(f"{path!r} is neither in the project folder nor in its history.")
    return chosen


class _ParentCheck:
    """Whether a path's parent folders are real folders of the repository, not symlinks."""

    def __init__(self, root: Path):
        self.root = str(root)
        self.known: dict[str, bool] = {"": True}

    def __call__(self, path: str) -> bool:
        parent = os.path.dirname(path)
        if parent not in self.known:
            expected = os.path.join(self.root, parent)
            self.known[parent] = os.path.realpath(expected) == expected
        return self.known[parent]


@dataclass(frozen=True)
class WorkingFile:
    mode: str
    data: bytes
    info: os.stat_result | None
    """``lstat`` before reading, or ``None`` if the file changed while it was being read."""


def file_mode(info: os.stat_result) -> str:
    if stat.S_ISLNK(info.st_mode):
        return MODE_SYMLINK
    return MODE_EXECUTABLE if info.st_mode & stat.S_IXUSR else MODE_FILE


def working_stat(root: Path, path: str, parents_ok=None) -> os.stat_result | None:
    """``lstat`` of ``path`` if it is a file or symlink in the working copy, else ``None``.

    A path under a symlinked folder counts as absent: reading it would follow the link,
    possibly out of the project.
    """
    if not (parents_ok or _ParentCheck(root))(path):
        return None
    try:
        info = os.lstat(root / path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return info if stat.S_ISLNK(info.st_mode) or stat.S_ISREG(info.st_mode) else None


def read_working(root: Path, path: str, parents_ok=None) -> WorkingFile | None:
    """The file ``path`` of the working copy as git would store it (a symlink is its target)."""
    info = working_stat(root, path, parents_ok)
    if info is None:
        return None
    full = root / path
    try:
        if stat.S_ISLNK(info.st_mode):
            return WorkingFile(MODE_SYMLINK, os.fsencode(os.readlink(full)), info)
        with open(full, "rb", opener=_no_follow) as handle:
            data = handle.read()
            after = os.fstat(handle.fileno())
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise RepoError(f"{path!r} in the project folder cannot be read ({exc.strerror}).") from exc
    stable = (after.st_mtime_ns, after.st_ctime_ns, after.st_size, after.st_ino) == (
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_size,
        info.st_ino,
    )
    return WorkingFile(file_mode(after), data, info if stable else None)


def _no_follow(path, flags):
    return os.open(path, flags | os.O_NOFOLLOW)


def parent_checker(root: Path) -> _ParentCheck:
    return _ParentCheck(root)
