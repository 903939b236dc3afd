"""Recording events, the entries of the activity feed, and their API shape.

Functions here never commit: the caller owns the transaction. On PostgreSQL,
:func:`record_event` holds a transaction-scoped advisory lock until that commit, so events are
committed in id order; a live-stream client resuming after id N (``Last-Event-ID``) can then
never miss an event with a smaller id that committed later. SQLite has a single writer and
gives that order by itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from ..store.models import Event, EventFolder, EventMention, EventTag
from .errors import NotFound
from .event_fields import (
    EVENT_KINDS,
    MAX_KEY,
    MAX_PATH,
    MAX_SUMMARY,
    InvalidEvent,
    checked_data,
    checked_kind,
    checked_moment,
    checked_text,
    checked_words,
    folders_of,
)

__all__ = [
    "EVENT_KINDS",
    "EventNotFound",
    "InvalidEvent",
    "UnknownProject",
    "event_by_key",
    "get_event",
    "isoformat",
    "record_event",
    "serialize_event",
]

_ORDER_LOCK = select(func.pg_advisory_xact_lock(0x6D6F6576))
_INSERT_EVENT = insert(Event.__table__).returning(Event.id)
_INSERTS = {model: insert(model.__table__) for model in (EventFolder, EventTag, EventMention)}


class UnknownProject(InvalidEvent):
    code = "unknown-project"


class EventNotFound(NotFound):
    code = "event-not-found"


def record_event(
    session: Session,
    *,
    kind: str,
    project: str,
    actor: str,
    summary: str,
    path: str | None = None,
    data: dict[str, Any] | None = None,
    key: str | None = None,
    tags: Iterable[str] = (),
    mentions: Iterable[str] = (),
    created_at: datetime | None = None,
) -> Event:
    """Add an event to the feed and return it, or the event already recorded with ``key``.

    ``key`` makes recording idempotent per project: the same key again stores nothing and
    returns the first event, also when two transactions race (the unique constraint decides).
    """
    values = {
        "kind": checked_kind(kind),
        "project": checked_text("project", project, 64),
        "actor": checked_text("actor", actor, 255),
        "summary": checked_text("summary", summary, MAX_SUMMARY),
        "path": None if path is None else checked_text("path", path, MAX_PATH),
        "data": checked_data(data),
        "key": None if key is None else checked_text("key", key, MAX_KEY),
        "created_at": datetime.now(UTC) if created_at is None else checked_moment(created_at),
    }
    tags, mentions = checked_words("tag", tags), checked_words("mention", mentions)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_ORDER_LOCK)
    try:
        if key is None:
            return _insert(session, values, tags, mentions)
        with session.begin_nested():
            return _insert(session, values, tags, mentions)
    except IntegrityError:
        existing = event_by_key(session, project, key)
        if existing is not None:
            return existing
        # Everything else was checked above: only the project's foreign key is left.
        raise UnknownProject(f"There is no project {project!r}.") from None


def _insert(session: Session, values: dict, tags: list[str], mentions: list[str]) -> Event:
    """Core INSERTs, then the ORM object built from what was written (no reload, no unit of
    work): about twice the events per second of ``session.add`` and flush."""
    event_id = session.execute(_INSERT_EVENT, [values]).scalar_one()
    if values["path"] is not None:
        folders = [{"event_id": event_id, "folder": f} for f in folders_of(values["path"])]
        _insert_rows(session, EventFolder, folders)
    children = {}
    for name, model, column, items in (
        ("tags", EventTag, "tag", tags),
        ("mentions", EventMention, "name", mentions),
    ):
        rows = [{"event_id": event_id, column: v, "position": i} for i, v in enumerate(items)]
        _insert_rows(session, model, rows)
        children[name] = [_persistent(model(**row)) for row in rows]
    event = _persistent(Event(id=event_id, **values, **children))
    session.add(event)
    return event


def _insert_rows(session: Session, model, rows: list[dict]) -> None:
    if rows:
        session.execute(_INSERTS[model], rows if len(rows) > 1 else rows[0])


def _persistent(instance):
    """Mark an object built from a row just inserted as loaded from the database."""
    make_transient_to_detached(instance)
    return instance


def get_event(session: Session, event_id: int, visible: Collection[str]) -> Event:
    """The event with ``event_id`` if its project is one of ``visible``."""
    event = session.get(Event, event_id) if isinstance(event_id, int) else None
    if event is None or event.project not in visible:
        raise EventNotFound(f"There is no event {event_id} that you can see.")
    return event


def serialize_event(
    event: Event | Row,
    reactions: list[dict] | None = None,
    *,
    tags: list[str] | None = None,
    mentions: list[str] | None = None,
) -> dict[str, Any]:
    """The API shape of an event; ``reactions`` as :func:`moiety.core.reactions.summaries`.

    ``event`` may also be a row of the events table, given its ``tags`` and ``mentions``.
    """
    if tags is None:
        tags = [t.tag for t in event.tags]
    if mentions is None:
        mentions = [m.name for m in event.mentions]
    item = {
        "id": event.id,
        "kind": event.kind,
        "project": event.project,
        "actor": event.actor,
        "created_at": isoformat(event.created_at),
        "summary": event.summary,
        "data": event.data,
        "tags": tags,
        "mentions": mentions,
        "reactions": reactions or [],
    }
    if event.path is not None:
        item["path"] = event.path
    return item


def isoformat(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``, as browsers parse it."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_by_key(session: Session, project: str, key: str | None) -> Event | None:
    """The event recorded in ``project`` with idempotency ``key``, if any."""
    if key is None:
        return None
    return session.scalars(select(Event).where(Event.project == project, Event.key == key)).first()


_by_key = event_by_key
