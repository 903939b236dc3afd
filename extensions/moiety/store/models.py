"""The service's tables: projects and their teams, events (the feed), tags, mentions, reactions.

Projects are keyed by their slug, which never changes (it names the project's hub account and
repository), so events carry the slug itself and the feed needs no join to filter by project.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import JsonDocument, PathString, UtcDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EventId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JsonDocument}


class Project(Base):
    __tablename__ = "projects"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255))
    template: Mapped[str | None] = mapped_column(String(64))

    teams: Mapped[list[ProjectTeam]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectTeam.team",
        lazy="selectin",
    )

    @property
    def team_names(self) -> list[str]:
        return [t.team for t in self.teams]


class ProjectTeam(Base):
    """A hub group (team) whose members work on a project."""

    __tablename__ = "project_teams"

    project_slug: Mapped[str] = mapped_column(
        ForeignKey("projects.slug", ondelete="CASCADE"), primary_key=True
    )
    team: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)

    project: Mapped[Project] = relationship(back_populates="teams")


class Event(Base):
    """One entry of the activity feed; ``id`` is the feed order and the stream's event id."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    project: Mapped[str] = mapped_column(ForeignKey("projects.slug", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    path: Mapped[str | None] = mapped_column(PathString)
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    key: Mapped[str | None] = mapped_column(String(255))

    tags: Mapped[list[EventTag]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventTag.position"
    )
    mentions: Mapped[list[EventMention]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventMention.position"
    )

    __table_args__ = (
        UniqueConstraint("project", "key"),
        Index(None, "project", "id"),
        Index(None, "actor", "id"),
        Index(None, "kind", "id"),
        Index(None, "path", "id"),
        # SQLite would otherwise reuse the id of a deleted newest row, and a stream client
        # resuming from that id would miss the new event.
        {"sqlite_autoincrement": True},
    )


class EventTag(Base):
    __tablename__ = "event_tags"

    event_id: Mapped[int] = mapped_column(
        EventId, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "tag", "event_id"),)


class EventFolder(Base):
    """A folder an event's path lies in, one row per level (``a/``, ``a/b/`` for ``a/b/c``):
    the feed's folder filter walks these in event order, as it walks tags."""

    __tablename__ = "event_folders"

    event_id: Mapped[int] = mapped_column(
        EventId, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    folder: Mapped[str] = mapped_column(PathString, primary_key=True)

    __table_args__ = (Index(None, "folder", "event_id"),)


class EventMention(Base):
    __tablename__ = "event_mentions"

    event_id: Mapped[int] = mapped_column(
        EventId, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "name", "event_id"),)


class Reaction(Base):
    __tablename__ = "reactions"

    event_id: Mapped[int] = mapped_column(
        EventId, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user: Mapped[str] = mapped_column(String(255), primary_key=True)
    emoji: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
