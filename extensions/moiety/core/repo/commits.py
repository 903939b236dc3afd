"""Building a commit without touching the working copy or the real index until it has landed.

Order of a commit, so that a kill at any moment leaves a sound repository and loses nothing:

1. ``git hash-object -w`` writes the blobs (git writes each object atomically);
2. a temporary index (``GIT_INDEX_FILE`` under ``.git/moiety-tmp``) gets the parent's tree and
   the changes, and ``git write-tree`` writes the new trees;
3. ``git commit-tree`` writes the commit, message on stdin; the caller's ``before_publish``
   hears of it now (the project server marks it, so that its events survive a kill after 4);
4. ``git update-ref <branch> <new> <old>`` moves the branch only if it still points to the
   parent (compare-and-swap): this is the one step that publishes the commit;
5. the real index is brought in line with the new commit (best effort: it is only a cache of
   what is committed, for people who run ``git status`` by hand).

A kill before step 4 leaves only unreferenced objects (``git fsck`` calls them dangling, which is
not an error) and temporary files that the next writer removes.
"""

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import git
from .errors import GitFailed, InvalidMessage, RepoError
from .worktree import MODE_DELETED, TreeEntry

MAX_MESSAGE_CHARS = 20_000
_ZERO = "0" * 40


@dataclass(frozen=True)
class Change:
    path: str
    mode: str
    blob: str

    @property
    def deleted(self) -> bool:
        return self.mode == MODE_DELETED


class BranchMoved(Exception):
    """The branch no longer points to the parent the commit was built on."""


def commit_message(message: object, default: str) -> bytes:
    """The message as git stores it: trailing spaces trimmed, one final newline."""
    if message is None:
        message = ""
    if not isinstance(message, str):
        raise InvalidMessage("The message must be text.")
    if "\0" in message:
        raise InvalidMessage("The message cannot contain a NUL character.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise InvalidMessage(f"The message is longer than {MAX_MESSAGE_CHARS} characters.")
    text = "\n".join(line.rstrip() for line in message.strip().splitlines()) or default
    return (text + "\n").encode("utf-8")


def head_state(root: Path) -> tuple[str, str | None]:
    """The branch HEAD is on, and its commit (``None`` on a branch without commits yet)."""
    done = git.run(root, ["rev-parse", "HEAD", "--symbolic-full-name", "HEAD"], ok_codes=(0, 128))
    if done.returncode == 0:
        commit, branch = done.stdout.decode().split()
    else:
        unborn = git.run(root, ["symbolic-ref", "-q", "HEAD"], ok_codes=(0, 1))
        commit, branch = None, unborn.stdout.decode().strip()
    if not branch.startswith("refs/heads/"):
        raise RepoError(
            "The project folder's HEAD is detached (not on a branch); check out its branch "
            "before saving a version."
        )
    return branch, commit


def write_blobs(root: Path, sources: Sequence[str]) -> list[str]:
    """Write each file (path relative to ``root``) as a blob, byte for byte; their ids in order."""
    if not sources:
        return []
    if any("\n" in source for source in sources):
        raise ValueError("write_blobs needs paths without newlines")
    stdin = "".join(source + "\n" for source in sources)
    output = git.run(
        root,
        ["hash-object", "-w", "--no-filters", "--stdin-paths"],
        input=os.fsencode(stdin),
    ).stdout
    blobs = output.decode().split()
    if len(blobs) != len(sources):
        raise GitFailed("git hash-object answered with fewer object ids than files it was given.")
    return blobs


def _index_info(changes: Sequence[Change]) -> bytes:
    ordered = sorted(changes, key=lambda change: not change.deleted)
    return b"".join(
        b"%s %s\t%s\0"
        % (
            change.mode.encode(),
            (_ZERO if change.deleted else change.blob).encode(),
            os.fsencode(change.path),
        )
        for change in ordered
    )


def build_commit(
    root: Path,
    scratch: Path,
    branch: str,
    parent: str | None,
    changes: Sequence[Change],
    message: bytes,
    identity: dict[str, str],
    before_publish: Callable[[str], None] | None = None,
) -> str:
    """Commit ``changes`` on top of ``parent`` and move ``branch`` to it; raise BranchMoved.

    ``before_publish(commit)`` is called once the commit exists and before the branch moves.
    """
    index_env = {"GIT_INDEX_FILE": str(scratch / "index")}
    git.run(root, ["read-tree", parent] if parent else ["read-tree", "--empty"], env=index_env)
    git.run(
        root,
        ["update-index", "-z", "--replace", "--index-info"],
        input=_index_info(changes),
        env=index_env,
    )
    tree = git.run(root, ["write-tree"], env=index_env).stdout.decode().strip()
    parents = ["-p", parent] if parent else []
    commit = git.run(
        root, ["commit-tree", *parents, "-F", "-", tree], input=message, env=identity
    ).stdout.decode()
    commit = commit.strip()
    if before_publish is not None:
        before_publish(commit)
    moved = git.run(
        root,
        ["update-ref", "-m", "moiety: commit", branch, commit, parent or ""],
        ok_codes=(0, 1, 128),
    )
    if moved.returncode != 0:
        if git.head_commit(root) != parent:
            raise BranchMoved
        raise GitFailed(f"git update-ref failed: {moved.stderr.decode('utf-8', 'replace')}")
    return commit


def refresh_index(root: Path, changes: Sequence[Change]) -> bool:
    """Bring the real index in line with a landed commit; ``False`` if git could not."""
    done = git.run(
        root,
        ["update-index", "-z", "--replace", "--index-info"],
        input=_index_info(changes),
        ok_codes=range(256),
    )
    return done.returncode == 0


def sync_index(
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
