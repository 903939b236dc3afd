"""One engine and session factories for the service DB: SQLite (WAL) or PostgreSQL.

SQLite: the ``sqlite3`` driver's legacy transaction handling is switched off and SQLAlchemy
emits ``BEGIN`` itself, so that DDL (migrations) and SAVEPOINTs are transactional. Sessions from
:attr:`Database.write_session` begin with ``BEGIN IMMEDIATE``: they take SQLite's write lock up
front (waiting up to ``busy_timeout``) instead of failing with "database is locked" when a read
transaction later tries to write after another connection has committed.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000
ANALYSIS_LIMIT = 1000
# Execution option: begin SQLite transactions with BEGIN IMMEDIATE (ignored elsewhere).
IMMEDIATE = "moiety_sqlite_immediate"


class DatabaseURLError(ValueError):
    """A database URL or path Moiety cannot use."""


def database_url(url_or_path: str | Path | URL) -> URL:
    """The SQLAlchemy URL for ``url_or_path``: a URL, or a filesystem path to a SQLite file.

    ``postgresql://`` (no driver named) means psycopg 3, the driver Moiety installs.
    """
    if isinstance(url_or_path, URL):
        url = url_or_path
    elif isinstance(url_or_path, Path) or "://" not in url_or_path:
        url = URL.create("sqlite", database=str(Path(url_or_path).absolute()))
    else:
        url = make_url(url_or_path)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    backend = url.get_backend_name()
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise DatabaseURLError(
            "An in-memory SQLite database is not shared between connections; "
            "give a file path such as sqlite:////var/lib/moiety/moiety.sqlite."
        )
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseURLError(
            f"Moiety stores its data in SQLite or PostgreSQL, not {backend!r}: "
            "use sqlite:///<path> or postgresql+psycopg://user@host/dbname."
        )
    return url


def make_engine(url_or_path: str | Path | URL, **kwargs) -> Engine:
    """An engine for the service DB, with Moiety's SQLite settings when it is SQLite."""
    url = database_url(url_or_path)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            _use_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _use_wal(cursor) -> None:
    """Put the file in WAL mode (it stays so). Several connections opening a new file at once
    (service replicas starting) race to switch it; SQLite answers "database is locked" at once
    to the losers, without its busy handler, so they look again until ``busy_timeout``."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def analyze(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    # ANALYZE writes its statistics: take the write lock up front, as writers do, so that it
    # waits for a concurrent writer instead of failing with "database is locked".
    with engine.execution_options(**{IMMEDIATE: True}).connect() as connection:
        connection.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


class Database:
    """The service DB: an engine, a session factory, and one for writing transactions.

    ``session()`` suits reads and short writes; use ``write_session()`` for a transaction that
    reads before it writes (it makes no difference on PostgreSQL). Functions in ``moiety.core``
    never commit: the caller owns the transaction, e.g. ``with db.write_session.begin() as s:``.
    """

    def __init__(self, url_or_path: str | Path | URL, **engine_kwargs):
        self.engine = make_engine(url_or_path, **engine_kwargs)
        self.session = sessionmaker(self.engine, expire_on_commit=False)
        self.write_session = sessionmaker(
            self.engine.execution_options(**{IMMEDIATE: True}), expire_on_commit=False
        )

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def analyze(self) -> None:
        """Refresh SQLite's query planner statistics (PostgreSQL's autovacuum does its own).

        Sampled (``analysis_limit``), so it takes milliseconds even with millions of events;
        the service runs it at start and may run it now and then. Without statistics SQLite
        can pick the wrong index when several filters combine.
        """
        analyze(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.dispose()


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name
