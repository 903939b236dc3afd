"""Copying a live SQLite database with SQLite's online backup API.

``Connection.backup`` copies the pages of one consistent read transaction: in WAL mode (the
service DB) writers carry on meanwhile; with a rollback journal (the hub's default) a writer
waits for the copy, which takes milliseconds for a hub DB. The copy is switched to a rollback
journal so that the backup is one self-contained file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import OpsError

BUSY_TIMEOUT_S = 30


def copy_database(source: Path, dest: Path) -> None:
    """Copy the SQLite database ``source`` to ``dest`` (which must not exist) and check it."""
    if not source.is_file():
        raise OpsError(
            f"There is no SQLite database at {source}: give the deployment's data directory "
            "(--data-dir or MOIETY_DATA_DIR)."
        )
    try:
        # mode=rw: never create an empty database where one was expected.
        src = sqlite3.connect(
            f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S
        )
    except sqlite3.Error as e:
        raise OpsError(f"Cannot open the SQLite database {source}: {e}") from None
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dst.close()
    except sqlite3.Error as e:
        raise OpsError(f"Copying the SQLite database {source} failed: {e}") from None
    finally:
        src.close()
    if verdict != "ok":
        raise OpsError(
            f"The copy of {source} fails SQLite's integrity check ({verdict}); the database "
            f"itself may be damaged: run `sqlite3 {source} 'PRAGMA integrity_check'`."
        )


def alembic_revision(path: Path) -> str | None:
    """The Alembic revision recorded in a SQLite file (the hub's and the service's both use
    Alembic), or ``None`` if it has none."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return row[0] if row else None
