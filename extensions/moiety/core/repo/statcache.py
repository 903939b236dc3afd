"""Remembering which working files are unchanged since they were last committed.

Stripping a notebook costs milliseconds (nbformat parses and validates it twice), so a snapshot
of a project with a hundred notebooks would spend a second re-stripping files nobody touched.
Like git's index, this cache keys each file by its ``lstat`` (mtime, ctime, size, inode, mode)
and remembers the blob its stored form was committed as. A file whose ``lstat`` still matches,
and whose remembered blob is still the one at HEAD, is known unchanged without reading it.

Racy timestamps are handled as git does: a file is only remembered if it was last modified
well before the snapshot started reading, so a later edit within the file system's timestamp
granularity cannot go unnoticed; and the ctime in the key changes on any write or ``touch``.
The cache is a plain JSON file replaced atomically under the writer lock; if it is missing,
unreadable or made by other versions of nbstripout or nbformat, it is ignored.
"""

import json
import os
import time
from importlib.metadata import version
from pathlib import Path

from .lock import TMP_DIR

CACHE_FILE = "moiety-stat-cache.json"
RACY_MARGIN_NS = 2_000_000_000
_VERSION = f"1 nbstripout {version('nbstripout')} nbformat {version('nbformat')}"


def stat_key(info: os.stat_result) -> list[int]:
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_mode]


class StatCache:
    def __init__(self, root: Path):
        self.path = root / ".git" / CACHE_FILE
        self.started_ns = time.time_ns()
        self.entries: dict[str, list] = {}
        try:
            saved = json.loads(self.path.read_text())
            if saved.get("version") == _VERSION and isinstance(saved.get("entries"), dict):
                self.entries = saved["entries"]
        except (OSError, ValueError, AttributeError):
            pass

    def lookup(self, path: str, info: os.stat_result) -> str | None:
        """The blob remembered for ``path`` if its ``lstat`` is unchanged, else ``None``."""
        entry = self.entries.get(path)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == stat_key(info):
            return entry[1]
        return None

    def remember(self, path: str, info: os.stat_result, blob: str) -> None:
        if info.st_mtime_ns < self.started_ns - RACY_MARGIN_NS:
            self.entries[path] = [stat_key(info), blob]
        else:
            self.entries.pop(path, None)

    def forget(self, path: str) -> None:
        self.entries.pop(path, None)

    def save(self) -> None:
        staged = self.path.parent / TMP_DIR / f"{CACHE_FILE}.{os.getpid()}"
        staged.parent.mkdir(exist_ok=True)
        staged.write_text(json.dumps({"version": _VERSION, "entries": self.entries}))
        os.replace(staged, self.path)
