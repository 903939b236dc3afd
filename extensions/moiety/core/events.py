"""Recording events, the entries of the activity feed, and their API shape.

Functions here never commit: the caller owns the transaction. On PostgreSQL,
:func:`record_event` holds a transaction-scoped advisory lock until that commit, so events are
committed in id order; a live-stream client resuming after id N (``Last-Event-ID``) can then
never miss an event with a smaller id that committed later. SQLite has a single writer and
gives that order by itself.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from ..store.models import Event, EventMention, EventTag
from .errors import InvalidInput, NotFound
from .markup import normalize_name, normalize_tag

EVENT_KINDS = frozenset(
    {
        "project.created",
        "member.joined",
        "file.created",
        "file.saved",
        "file.renamed",
        "file.deleted",
        "snapshot.created",
        "version.restored",
        "post.created",
        "thread.opened",
        "comment.added",
        "thread.resolved",
        "compounds.changed",
        "molecule.shared",
    }
)
MAX_SUMMARY = 500
MAX_PATH = 1024
MAX_KEY = 255
MAX_DATA_BYTES = 256 * 1024
_ORDER_LOCK = 0x6D6F6576


class InvalidEvent(InvalidInput):
    code = "invalid-event"


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
        "kind": _checked_kind(kind),
        "project": project,
        "actor": _checked_text("actor", actor, 255),
        "summary": _checked_text("summary", summary, MAX_SUMMARY),
        "path": None if path is None else _checked_text("path", path, MAX_PATH),
        "data": _checked_data(data),
        "key": None if key is None else _checked_text("key", key, MAX_KEY),
        "created_at": created_at or datetime.now(UTC),
    }
    tags, mentions = _checked("tag", tags), _checked("mention", mentions)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_ORDER_LOCK)))
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
    event_id = session.execute(insert(Event.__table__).returning(Event.id), [values]).scalar_one()
    children = {}
    for name, model, column, items in (
        ("tags", EventTag, "tag", tags),
        ("mentions", EventMention, "name", mentions),
    ):
        rows = [{"event_id": event_id, column: v, "position": i} for i, v in enumerate(items)]
        if rows:
            session.execute(insert(model.__table__), rows)
        children[name] = [_persistent(model(**row)) for row in rows]
    event = _persistent(Event(id=event_id, **values, **children))
    session.add(event)
    return event


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


def _checked_kind(kind: str) -> str:
    if kind not in EVENT_KINDS:
        known = ", ".join(sorted(EVENT_KINDS))
        raise InvalidEvent(f"{kind!r} is not a kind of event Moiety knows; use one of {known}.")
    return kind


def _checked_text(field: str, value: object, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEvent(f"The event's {field} must be non-empty text.")
    if not _storable(value):
        raise InvalidEvent(f"The event's {field} has a NUL or an unpaired surrogate character.")
    if len(value) > limit:
        raise InvalidEvent(f"The event's {field} is longer than {limit} characters.")
    return value


def _checked_data(data: object) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidEvent("The event's data must be a JSON object.")
    try:
        text = json.dumps(data, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        raise InvalidEvent(f"The event's data is not plain JSON: {e}.") from None
    if not all(_storable(s) for s in _strings(data)):
        raise InvalidEvent("The event's data has a NUL or an unpaired surrogate character.")
    if len(text.encode()) > MAX_DATA_BYTES:
        raise InvalidEvent(f"The event's data is larger than {MAX_DATA_BYTES // 1024} KiB.")
    return data


def _checked(what: str, values: Iterable[str], *, limit: int = 50) -> list[str]:
    normalize = normalize_tag if what == "tag" else normalize_name
    if isinstance(values, str):
        raise InvalidEvent(f"The event's {what}s must be a list, not {values!r}.")
    found: dict[str, None] = {}
    for value in values:
        normal = normalize(value) if isinstance(value, str) else None
        if normal is None:
            raise InvalidEvent(f"{value!r} is not a valid {what}.")
        found.setdefault(normal)
    if len(found) > limit:
        raise InvalidEvent(f"An event can have at most {limit} {what}s.")
    return list(found)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _storable(text: str) -> bool:
    """Whether PostgreSQL can store ``text`` (it refuses NUL and invalid UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
