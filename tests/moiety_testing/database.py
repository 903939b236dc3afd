"""Fixtures for a fresh service database on SQLite and on PostgreSQL.

Every test that uses one of these fixtures runs twice, once per backend (ids ``sqlite`` and
``postgresql``; the PostgreSQL runs carry the ``postgres`` marker):

- ``db_backend``: ``"sqlite"`` or ``"postgresql"``.
- ``db_url``: the URL of a fresh, empty database (no tables) for this test alone, dropped after
  it. Give it to code that migrates on its own, such as the service at start.
- ``database``: a :class:`moiety.store.Database` at the newest schema with no rows (ids start at
  1), disposed after the test.
- ``db_session``: a session of ``database``; whatever the test left uncommitted is rolled back.

PostgreSQL is the server at ``postgresql+psycopg://postgres@127.0.0.1:5432/`` (or
``$MOIETY_TEST_POSTGRES``); each test session works in databases named
``moiety_test_<random>_*`` and drops them all at its end.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import MetaData, Table
from sqlalchemy.engine import make_url

from moiety.store import Database, upgrade

POSTGRES_SERVER = os.environ.get(
    "MOIETY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/"
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class PostgresDatabases:
    """Creates and drops this test session's databases on the PostgreSQL server."""

    def __init__(self, server_url: str):
        self.server = make_url(server_url)
        self.prefix = f"moiety_test_{secrets.token_hex(4)}"
        self._numbers = itertools.count()

    def _admin(self) -> psycopg.Connection:
        url = self.server.set(drivername="postgresql", database="postgres")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def create(self, suffix: str | None = None) -> str:
        name = f"{self.prefix}_{suffix or next(self._numbers)}"
        with self._admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def drop_all(self) -> None:
        with self._admin() as admin:
            names = admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", (self.prefix + "\\_%",)
            ).fetchall()
        for (name,) in names:
            self.drop(name)


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(POSTGRES_SERVER)
    yield databases
    databases.drop_all()


@pytest.fixture(params=BACKENDS)
def db_backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(db_backend, tmp_path, request) -> Iterator[str]:
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'moiety.sqlite'}"
        return
    databases = request.getfixturevalue("postgres_databases")
    name = databases.create()
    yield databases.url(name)
    databases.drop(name)


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("moiety-db") / "template.sqlite"
    upgrade(path)
    return str(path)


@pytest.fixture(scope="session")
def _migrated_postgres(postgres_databases) -> tuple[str, list[Table]]:
    """The URL of a migrated database, and its tables, dependents first."""
    url = postgres_databases.url(postgres_databases.create("migrated"))
    upgrade(url)
    with Database(url) as db:
        schema = MetaData()
        schema.reflect(db.engine)
    tables = [t for t in reversed(schema.sorted_tables) if t.name != "alembic_version"]
    return url, tables


def _empty_postgres(db: Database, tables: list[Table]) -> None:
    """Delete every row and restart the id sequences (much faster than TRUNCATE here)."""
    quote = db.engine.dialect.identifier_preparer.quote
    with db.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        for table in tables:
            connection.execute(table.delete())
        sequences = connection.exec_driver_sql(
            "SELECT schemaname, sequencename FROM pg_sequences"
        ).all()
        for schema, sequence in sequences:
            connection.exec_driver_sql(f"ALTER SEQUENCE {quote(schema)}.{quote(sequence)} RESTART")


@pytest.fixture
def database(db_backend, tmp_path, request) -> Iterator[Database]:
    if db_backend == "sqlite":
        path = tmp_path / "moiety.sqlite"
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_template"), path)
        db = Database(path)
    else:
        url, tables = request.getfixturevalue("_migrated_postgres")
        db = Database(url)
        _empty_postgres(db, tables)
    yield db
    db.dispose()


@pytest.fixture
def db_session(database):
    with database.session() as session:
        yield session
        session.rollback()
