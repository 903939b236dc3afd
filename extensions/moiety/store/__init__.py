"""The service's storage: SQLAlchemy models, one engine/session factory, Alembic migrations."""

from . import (
    audit,  # noqa: F401 -- registers the audit tables in Base.metadata
    discussion,  # noqa: F401 -- registers the discussion tables in Base.metadata
)
from .database import Database, DatabaseURLError, database_url, make_engine
from .migrate import SchemaMismatch, check, current_revision, head_revision, require_head, upgrade
from .models import (
    Base,
    Event,
    EventFolder,
    EventMention,
    EventTag,
    Project,
    ProjectTeam,
    Reaction,
)

__all__ = [
    "Base",
    "Database",
    "DatabaseURLError",
    "Event",
    "EventFolder",
    "EventMention",
    "EventTag",
    "Project",
    "ProjectTeam",
    "Reaction",
    "SchemaMismatch",
    "check",
    "current_revision",
    "database_url",
    "head_revision",
    "make_engine",
    "require_head",
    "upgrade",
]
