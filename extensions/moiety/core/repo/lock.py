"""One writer per repository, across threads and processes, and recovery after a killed writer.

The lock is ``fcntl.flock`` on ``.git/moiety-writer.flock``. Each acquisition opens the file
anew, and flock locks belong to an open file description, so two threads of one process exclude
each other exactly like two processes do. The kernel drops the lock when its holder dies, so a
killed writer never leaves the repository locked.

While holding it, a writer removes what a killed writer can leave behind: git's own ``*.lock``
files for the index and refs (git refuses to run while they exist) and Moiety's temporary files
under ``.git/moiety-tmp``. This is safe against Moiety's writers, which all take this lock; a git
command typed by hand in the project folder at that very moment is not protected by it.
"""

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import RepositoryBusy

LOCK_FILE = "moiety-writer.flock"
TMP_DIR = "moiety-tmp"
_GIT_LOCKS = ("index.lock", "HEAD.lock", "packed-refs.lock")


@contextmanager
def writer_lock(root: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the repository's writer lock; raise :class:`RepositoryBusy` after ``timeout`` s."""
    fd = os.open(root / ".git" / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        _acquire(fd, timeout)
        try:
            recover_after_killed_writer(root)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RepositoryBusy(
                    "Another change to this project is still being saved; try again in a moment."
                ) from None
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.1)


def recover_after_killed_writer(root: Path) -> list[str]:
    """Remove stale git lock files and temporary files; call only while holding the lock."""
    git_dir = root / ".git"
    stale = [git_dir / name for name in _GIT_LOCKS]
    stale += (git_dir / "refs").rglob("*.lock")
    removed = []
    for path in stale:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(str(path.relative_to(git_dir)))
    shutil.rmtree(git_dir / TMP_DIR, ignore_errors=True)
    return removed


@contextmanager
def scratch_dir(root: Path) -> Iterator[Path]:
    """A private temporary folder inside ``.git`` (same file system as the working copy)."""
    parent = root / ".git" / TMP_DIR
    parent.mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
