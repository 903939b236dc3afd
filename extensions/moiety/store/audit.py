"""The audit trail: who changed what, when, kept for the record (append-only).

``audit_entries`` is written in the transaction of the change it records and never updated:
the migration adds a trigger that refuses UPDATEs on both databases. ``audit_memberships`` is
the last team membership the service saw in the hub, so that changes made while the service was
down are recorded at its next start.

The index on ``events (project, created_at)`` serves the digest, which reads a team's events
of a period.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, Event, EventId
from .types import utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    project: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(255))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (
        Index(None, "project", "id"),
        Index(None, "team", "id"),
        Index(None, "action", "id"),
        Index(None, "created_at"),
        {"sqlite_autoincrement": True},
    )


class AuditMembership(Base):
    """One person's place in a team (``role``: member or lead), as last seen in the hub."""

    __tablename__ = "audit_memberships"

    team: Mapped[str] = mapped_column(String(255), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)


Index("ix_events_project_created_at", Event.__table__.c.project, Event.__table__.c.created_at)
