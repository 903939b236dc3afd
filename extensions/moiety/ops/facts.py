"""What a service DB holds, in a few numbers a person can compare after a restore."""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import NullPool, create_engine, func, inspect, select, table
from sqlalchemy.engine import URL, Connection

from ..store.models import Event, Project


def service_facts(connection: Connection) -> dict:
    """Schema revision, number and newest id of events, the project slugs, and the number of
    rows of every table (``rows``), which a restore must find again."""
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        return {"revision": None, "events": 0, "last_event_id": None, "projects": [], "rows": {}}
    count, last = connection.execute(select(func.count(Event.id), func.max(Event.id))).one()
    return {
        "revision": revision,
        "events": count,
        "last_event_id": last,
        "projects": project_slugs(connection),
        "rows": table_rows(connection),
    }


def project_slugs(connection: Connection) -> list[str]:
    return list(connection.execute(select(Project.slug).order_by(Project.slug)).scalars())


def table_rows(connection: Connection) -> dict[str, int]:
    """Table name -> number of rows, for every table of the database's default schema."""
    return {
        name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
        for name in sorted(inspect(connection).get_table_names())
    }


def sqlite_service_facts(path: Path) -> dict:
    """:func:`service_facts` of a SQLite file, read without changing it (no WAL switch)."""
    engine = create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return service_facts(connection)
    finally:
        engine.dispose()
