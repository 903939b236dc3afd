"""Identities on disk: one SQLite file in a cache directory, keyed by the digest of a record.

A row holds the identity key and canonical SMILES, or the reason RDKit refused the record, so a
record that failed once is not parsed again either. Rows never go stale: the digest covers the
structure text, the standardization options and the RDKit version (``Identifier``). Several
processes may share the file (WAL mode, a busy timeout); a file that is not a readable database
is moved aside and started afresh, since it is only a cache.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from threading import Lock

from .errors import ChemError, InputTooLarge, InvalidMolecule

FILE_NAME = "identities.sqlite"
CHUNK = 500
Row = tuple[bytes, str | None, str | None, str | None]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS identity ("
    " digest BLOB PRIMARY KEY, key TEXT, smiles TEXT, error TEXT) WITHOUT ROWID"
)


def error_to_text(error: ChemError) -> str:
    if isinstance(error, InvalidMolecule):
        fields = {"reason": error.reason, "kind": error.kind, "position": error.position}
        return json.dumps({"type": "invalid", **fields})
    kind = "too-large" if isinstance(error, InputTooLarge) else "other"
    return json.dumps({"type": kind, "message": str(error)})


def error_from_text(text: str, structure: str) -> ChemError:
    fields = json.loads(text)
    if fields["type"] == "invalid":
        return InvalidMolecule(
            structure, fields["reason"], kind=fields["kind"], position=fields["position"]
        )
    if fields["type"] == "too-large":
        return InputTooLarge(fields["message"])
    return ChemError(fields["message"])


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class IdentityStore:
    """Rows ``(digest, key, smiles, error)`` in ``cache_dir/identities.sqlite``; thread-safe."""

    def __init__(self, cache_dir: str | Path):
        self.path = Path(cache_dir) / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = Lock()
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            self.path.replace(self.path.with_suffix(".broken"))
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get_many(self, digests: Iterable[bytes]) -> dict[bytes, Row]:
        found: dict[bytes, Row] = {}
        with self._lock:
            for chunk in _chunks(list(digests)):
                marks = ",".join("?" * len(chunk))
                query = f"SELECT digest, key, smiles, error FROM identity WHERE digest IN ({marks})"  # noqa: S608 -- only placeholders
                for row in self._db.execute(query, chunk):
                    found[row[0]] = row
        return found

    def put_many(self, rows: Iterable[Row]) -> None:
        rows = list(rows)
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany("INSERT OR IGNORE INTO identity VALUES (?, ?, ?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM identity").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
