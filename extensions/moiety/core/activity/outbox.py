"""A durable queue of events for the service: nothing is lost while the service is down.

Each event is written to ``.git/moiety/outbox.sqlite`` (inside the repository's ``.git``, so it
is never versioned, and on the project's own volume, so it survives a restart of the server)
before anyone tries to send it, in a SQLite transaction that is synced to disk
(``synchronous=FULL``). The sender takes events in the order they were added, removes an event
once the service has accepted it, and otherwise schedules another try with exponential backoff.

Every event carries a stable idempotency ``key``, and the service stores an event once per key:
an event sent, accepted, and then sent again because the server died before it could remove it
from the outbox still appears once in the feed.

All methods are safe to call from several threads (one connection behind a lock).
"""

from __future__ import annotations

import json
import logging
import os
import random
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

OUTBOX_DIR = "moiety"
OUTBOX_FILE = "outbox.sqlite"
MAX_ERROR_CHARS = 500

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    added_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    last_error TEXT
)
"""


@dataclass(frozen=True)
class Pending:
    key: str
    body: dict
    attempts: int
    added_at: float


def outcome(status: int) -> str:
    """What to do after the service answered ``status`` (0: no answer at all).

    ``"delivered"`` for 2xx; ``"retry"`` for no answer, 408, 429 and 5xx (the service or the
    network may recover); ``"drop"`` for any other answer, which retrying cannot change.
    """
    if 200 <= status < 300:
        return "delivered"
    if status == 0 or status in (408, 429) or status >= 500:
        return "retry"
    return "drop"


def backoff_seconds(attempts: int, base: float = 1.0, cap: float = 300.0) -> float:
    """Delay before try number ``attempts + 1``: doubling from ``base``, at most ``cap``,
    with jitter so that many servers do not all retry at the same moment."""
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.75, 1.0)


def outbox_path(root: str | os.PathLike) -> Path:
    return Path(root) / ".git" / OUTBOX_DIR / OUTBOX_FILE


class Outbox:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.broken-{int(time.time())}")
            log.error("The outbox %s is unreadable (%s); moved it to %s", self.path, exc, aside)
            os.replace(self.path, aside)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute(_SCHEMA)
            db.execute("SELECT count(*) FROM outbox").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(self, body: dict, now: float | None = None) -> bool:
        """Keep ``body`` (with its ``key``) until delivered; ``False`` if the key is known."""
        key = body["key"]
        now = time.time() if now is None else now
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO outbox (key, body, added_at, next_at) VALUES (?, ?, ?, ?)",
                (key, json.dumps(body, ensure_ascii=False), now, now),
            )
        return cursor.rowcount == 1

    def due(self, now: float | None = None, limit: int = 50) -> list[Pending]:
        """Events whose next try is due, in the order they were added.

        Stops at the first event that is not due yet, so events reach the feed in order.
        """
        now = time.time() if now is None else now
        with self._lock:
            rows = self._db.execute(
                "SELECT key, body, attempts, added_at, next_at FROM outbox ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        ready = []
        for key, body, attempts, added_at, next_at in rows:
            if next_at > now:
                break
            ready.append(Pending(key, json.loads(body), attempts, added_at))
        return ready

    def next_try(self) -> float | None:
        """When the oldest event is due (a wall-clock time), or ``None`` if empty."""
        with self._lock:
            row = self._db.execute("SELECT next_at FROM outbox ORDER BY seq LIMIT 1").fetchone()
        return row[0] if row else None

    def remove(self, key: str) -> None:
        """The event was delivered, or dropped: forget it."""
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE key = ?", (key,))

    def retry_later(
        self,
        key: str,
        error: str,
        *,
        base: float = 1.0,
        cap: float = 300.0,
        now: float | None = None,
    ) -> float:
        """Record a failed try; returns the delay before the next one."""
        now = time.time() if now is None else now
        with self._lock:
            row = self._db.execute("SELECT attempts FROM outbox WHERE key = ?", (key,)).fetchone()
            if row is None:
                return 0.0
            attempts = row[0] + 1
            delay = backoff_seconds(attempts, base, cap)
            self._db.execute(
                "UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE key = ?",
                (attempts, now + delay, error[:MAX_ERROR_CHARS], key),
            )
        return delay

    def stats(self) -> dict:
        """``{pending, attempts, oldest_added_at, last_error}`` for status pages and tests."""
        with self._lock:
            pending, attempts, oldest = self._db.execute(
                "SELECT count(*), coalesce(sum(attempts), 0), min(added_at) FROM outbox"
            ).fetchone()
            row = self._db.execute(
                "SELECT last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY seq LIMIT 1"
            ).fetchone()
        return {
            "pending": pending,
            "attempts": attempts,
            "oldest_added_at": oldest,
            "last_error": row[0] if row else None,
        }
