"""Alembic migrations shipped in the package, run programmatically (no alembic.ini).

The service calls :func:`upgrade` at start; :func:`check` tells whether a database is at the
revision this version of Moiety expects, as JupyterHub's ``orm.check_db_revision`` does.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, NullPool
from sqlalchemy.engine import URL

from .database import IMMEDIATE, analyze, make_engine

SCRIPT_LOCATION = Path(__file__).with_name("migrations")
# Any constant will do: it makes concurrent upgrades of one PostgreSQL database take turns.
_UPGRADE_LOCK = 0x6D6F6965


class SchemaMismatch(RuntimeError):
    """The database is not at the schema revision this version of Moiety needs."""


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(url: str | Path | URL) -> str | None:
    """The revision the database is at, or None for a database Moiety has never migrated."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str | Path | URL, revision: str = "head") -> None:
    """Bring the database to ``revision`` (the newest by default) in one transaction.

    Concurrent upgrades of one database (several service replicas starting) take turns.
    """
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.execution_options(**{IMMEDIATE: True}).begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
            command.upgrade(alembic_config(connection), revision)
        analyze(engine)
    finally:
        engine.dispose()


def downgrade(url: str | Path | URL, revision: str) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def check(url: str | Path | URL) -> bool:
    """Whether the database is at the newest revision."""
    return current_revision(url) == head_revision()


def require_head(url: str | Path | URL) -> None:
    """Raise :class:`SchemaMismatch`, saying what to do, unless the database is at head."""
    current, head = current_revision(url), head_revision()
    if current != head:
        found = f"revision {current}" if current else "no Moiety schema"
        raise SchemaMismatch(
            f"The Moiety database has {found}; this version of Moiety needs revision {head}. "
            "Back up the database, then upgrade it (moiety.store.upgrade, which the service "
            "runs at start)."
        )
