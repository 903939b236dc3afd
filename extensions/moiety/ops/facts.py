"""What a service DB holds, in a few numbers a person can compare after a restore."""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import NullPool, create_engine, func, select
from sqlalchemy.engine import URL, Connection

from ..store.models import Event, Project


def service_facts(connection: Connection) -> dict:
    """Schema revision, number and newest id of events, and the project slugs."""
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        return {"revision": None, "events": 0, "last_event_id": None, "projects": []}
    count, last = connection.execute(select(func.count(Event.id), func.max(Event.id))).one()
    slugs = connection.execute(select(Project.slug).order_by(Project.slug)).scalars().all()
    return {"revision": revision, "events": count, "last_event_id": last, "projects": list(slugs)}


def sqlite_service_facts(path: Path) -> dict:
    """:func:`service_facts` of a SQLite file, read without changing it (no WAL switch)."""
    engine = create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return service_facts(connection)
    finally:
        engine.dispose()
