"""Discussion tables: comment threads anchored in project files, their comments, reactions to
comments and mentions in them, watches on projects and files, and people's notifications.

A thread's anchor is a path, optionally a notebook cell (its id) or a range of lines of a text
file. What the anchor looked like when the thread was opened is kept (the commit, the cell's
source hash, the lines' text), so that later saves tell whether the anchor is still ``current``,
``outdated`` (its cell or lines changed) or ``orphaned`` (its cell or file is gone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, EventId
from .types import JsonDocument, PathString, utcnow

RowId = EventId


class Thread(Base):
    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    project: Mapped[str] = mapped_column(ForeignKey("projects.slug", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(PathString)
    file_kind: Mapped[str | None] = mapped_column(String(16))
    cell_id: Mapped[str | None] = mapped_column(String(255))
    line: Mapped[int | None] = mapped_column(Integer)
    line_end: Mapped[int | None] = mapped_column(Integer)
    opened_path: Mapped[str] = mapped_column(PathString)
    opened_commit: Mapped[str | None] = mapped_column(String(64))
    cell_hash: Mapped[str | None] = mapped_column(String(64))
    line_text: Mapped[str | None] = mapped_column(Text)
    anchor_state: Mapped[str] = mapped_column(String(16), default="current")
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(255))
    resolved_at: Mapped[datetime | None] = mapped_column()
    reopened_by: Mapped[str | None] = mapped_column(String(255))
    reopened_at: Mapped[datetime | None] = mapped_column()
    event_id: Mapped[int | None] = mapped_column(
        EventId, ForeignKey("events.id", ondelete="SET NULL")
    )

    comments: Mapped[list[Comment]] = relationship(
        back_populates="thread",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Comment.id",
    )

    __table_args__ = (
        Index(None, "project", "path"),
        Index(None, "project", "state", "id"),
        {"sqlite_autoincrement": True},
    )


class Comment(Base):
    """One comment; the thread's first is its opening body. A deleted comment keeps its row
    (author, times, who deleted it) with the body emptied: the thread stays readable."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    thread_id: Mapped[int] = mapped_column(RowId, ForeignKey("threads.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(JsonDocument, default=list)
    molecules: Mapped[list[Any]] = mapped_column(JsonDocument, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()
    deleted_by: Mapped[str | None] = mapped_column(String(255))
    event_id: Mapped[int | None] = mapped_column(
        EventId, ForeignKey("events.id", ondelete="SET NULL")
    )

    thread: Mapped[Thread] = relationship(back_populates="comments")
    mentions: Mapped[list[CommentMention]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="CommentMention.position"
    )

    __table_args__ = (Index(None, "thread_id", "id"), {"sqlite_autoincrement": True})


class CommentMention(Base):
    __tablename__ = "comment_mentions"

    comment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "name", "comment_id"),)


class CommentReaction(Base):
    __tablename__ = "comment_reactions"

    comment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user: Mapped[str] = mapped_column(String(255), primary_key=True)
    emoji: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Watch(Base):
    """Someone follows a project (``path`` empty), a file, or a folder (``path`` ends in /)."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    user: Mapped[str] = mapped_column(String(255))
    project: Mapped[str] = mapped_column(ForeignKey("projects.slug", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(PathString, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("user", "project", "path"),
        Index(None, "project", "path"),
    )


class Notification(Base):
    """One event brought to one person's attention, for the strongest reason that applies."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    user: Mapped[str] = mapped_column(String(255))
    event_id: Mapped[int] = mapped_column(EventId, ForeignKey("events.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(16))
    thread_id: Mapped[int | None] = mapped_column(
        RowId, ForeignKey("threads.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        UniqueConstraint("user", "event_id"),
        Index(None, "user", "id"),
        {"sqlite_autoincrement": True},
    )
