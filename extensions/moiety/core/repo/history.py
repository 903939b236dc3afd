"""A project's history: the commits that touched a path, and what changed between two commits."""

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import git
from .errors import RepoError
from .paths import safe_relpath

MAX_LIMIT = 1000
_STATUS = re.compile(rb"[ACDMRTUXB][0-9]*")
_STATUS_NAMES = {
    "A": "added",
    "C": "copied",
    "D": "deleted",
    "M": "modified",
    "R": "renamed",
    "T": "type-changed",
}
_FORMAT = "--format=%H%x00%an%x00%ae%x00%ct%x00%B"


@dataclass(frozen=True)
class Commit:
    commit: str
    author: str
    email: str
    message: str
    created_at: str
    changes: list[dict] = field(default_factory=list)
    """``{status, path}`` and, for renames and copies, ``old_path``."""

    @property
    def paths(self) -> list[str]:
        return [change["path"] for change in self.changes]

    def to_json(self) -> dict:
        return {
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "message": self.message,
            "created_at": self.created_at,
            "paths": self.paths,
            "changes": self.changes,
        }


def iso_utc(epoch_seconds: int) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat().replace("+00:00", "Z")


def history(
    root: str | os.PathLike, path: str | None = None, limit: int = 50, skip: int = 0
) -> list[Commit]:
    """Commits newest first, those that touched ``path`` if given (following renames of a file).

    ``skip`` commits are passed over first, for paging.
    """
    root = git.repo_root(root)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise RepoError(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
        raise RepoError("skip must be a whole number, 0 or more.")
    head = git.head_commit(root)
    if head is None:
        return []
    args = ["log", "-z", _FORMAT, "--name-status", f"--max-count={limit}", f"--skip={skip}", head]
    if path is not None:
        relative = safe_relpath(root, path)
        follow = not _is_folder(root, head, relative)
        args += [*(["--follow"] if follow else []), "--", relative]
    else:
        args.append("--")
    return parse_log(git.run(root, args).stdout)


def _is_folder(root: Path, head: str, relative: str) -> bool:
    if os.path.lexists(root / relative):
        return (root / relative).is_dir()
    listing = git.run(root, ["ls-tree", "-z", head, "--", relative]).stdout
    return b" tree " in listing.split(b"\t", 1)[0]


def parse_log(output: bytes) -> list[Commit]:
    """Parse ``git log -z`` with :data:`_FORMAT` and ``--name-status``."""
    tokens = output.split(b"\0")
    commits, i = [], 0
    while i + 4 < len(tokens):
        commit_id = tokens[i].lstrip(b"\n").decode()
        name, email, when, body = tokens[i + 1 : i + 5]
        i += 5
        changes = []
        while i < len(tokens) and _STATUS.fullmatch(tokens[i].lstrip(b"\n")):
            status = tokens[i].lstrip(b"\n").decode()
            kind = _STATUS_NAMES.get(status[0], "changed")
            if status[0] in "RC":
                old, new = os.fsdecode(tokens[i + 1]), os.fsdecode(tokens[i + 2])
                changes.append({"status": kind, "path": new, "old_path": old})
                i += 3
            else:
                changes.append({"status": kind, "path": os.fsdecode(tokens[i + 1])})
                i += 2
        commits.append(
            Commit(
                commit=commit_id,
                author=name.decode("utf-8", "replace"),
                email=email.decode("utf-8", "replace"),
                message=body.decode("utf-8", "replace").rstrip("\n"),
                created_at=iso_utc(int(when)),
                changes=changes,
            )
        )
    return commits


def changed_paths(root: str | os.PathLike, from_rev: str, to_rev: str) -> list[dict]:
    """Files that differ between two commits: ``{status, path}``, status added/modified/deleted."""
    root = git.repo_root(root)
    old = git.resolve_commit(root, from_rev)
    new = git.resolve_commit(root, to_rev)
    output = git.run(root, ["diff-tree", "-r", "-z", "--no-renames", "--name-status", old, new])
    tokens = output.stdout.split(b"\0")
    return [
        {"status": _STATUS_NAMES.get(status.decode()[0], "changed"), "path": os.fsdecode(path)}
        for status, path in zip(tokens[0::2], tokens[1::2], strict=False)
        if status
    ]
