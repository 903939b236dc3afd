"""Notifications: feed events brought to one person's attention, with the reason why.

Reasons, strongest first: ``mention`` (the event's body names you), ``reply`` (activity in a
thread you opened or commented in), ``watch`` (activity on a project, folder or file you
watch). One notification per person per event, for the strongest reason; never for the person
who acted. Notifications are listed only while their project is visible to the person.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..store.discussion import Notification, Thread
from ..store.models import Event
from . import paging
from .accounts import is_project_account
from .cursors import DEFAULT_SECRET, InvalidCursor, decode_cursor, encode_cursor
from .errors import InvalidInput
from .events import isoformat
from .feed_queries import COLUMNS, serialize_rows
from .watches import event_paths, watchers

MENTION, REPLY, WATCH = "mention", "reply", "watch"
REASONS = (MENTION, REPLY, WATCH)
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_IDS = 1000


class InvalidNotificationQuery(InvalidInput):
    code = "invalid-notification-query"


def recipients(
    actor: str,
    *,
    mentions: Iterable[str] = (),
    participants: Iterable[str] = (),
    watching: Iterable[str] = (),
) -> dict[str, str]:
    """Who to notify and why: the strongest reason per person, never the actor, never a
    project's account (it cannot log in to read them)."""
    found: dict[str, str] = {}
    for reason, names in ((WATCH, watching), (REPLY, participants), (MENTION, mentions)):
        for name in names:
            if not is_project_account(name):
                found[name] = reason
    found.pop(actor, None)
    return found


def notify(
    session: Session, event: Event, people: dict[str, str], thread_id: int | None = None
) -> list[Notification]:
    """Create the notifications of ``event`` for ``people`` (name -> reason); someone already
    notified of this event is not notified again. Returns the new ones."""
    if not people:
        return []
    now = datetime.now(UTC)
    rows = [
        {
            "user": name,
            "event_id": event.id,
            "reason": reason,
            "thread_id": thread_id,
            "created_at": now,
        }
        for name, reason in sorted(people.items())
    ]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Notification).on_conflict_do_nothing().returning(Notification)
    return list(session.scalars(statement, rows))


def notify_event(
    session: Session,
    event: Event,
    *,
    mentions: Iterable[str] = (),
    participants: Iterable[str] = (),
    thread_id: int | None = None,
) -> list[Notification]:
    """Notify everyone ``event`` concerns: the mentioned, the thread's participants and the
    watchers of its project or paths."""
    watching = watchers(session, event.project, event_paths(event))
    people = recipients(
        event.actor, mentions=mentions, participants=participants, watching=watching
    )
    return notify(session, event, people, thread_id)


def parse_limit(value: object) -> int:
    return paging.parse_limit(
        value, default=DEFAULT_LIMIT, maximum=MAX_LIMIT, error=InvalidNotificationQuery
    )


def list_notifications(
    session: Session,
    user: str,
    visible: Collection[str],
    *,
    unread: bool = False,
    before: str | None = None,
    limit: object = None,
    secret: bytes = DEFAULT_SECRET,
) -> dict[str, Any]:
    """``{items, next, unread_count}``, newest first; ``before`` is a previous ``next``."""
    limit = parse_limit(limit)
    query = _mine(user, visible)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    if before is not None:
        try:
            query = query.where(Notification.id < decode_cursor(before, secret))
        except InvalidCursor:
            raise InvalidNotificationQuery(
                "This cursor is not one Moiety gave out; start again without 'before'."
            ) from None
    found = list(session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    return {
        "items": serialize_notifications(session, found, user),
        "next": encode_cursor(found[-1].id, secret) if more else None,
        "unread_count": unread_count(session, user, visible),
    }


def unread_count(session: Session, user: str, visible: Collection[str]) -> int:
    query = _mine(user, visible).where(Notification.read_at.is_(None))
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def mark_read(
    session: Session, user: str, *, ids: Iterable[int] | None = None, everything: bool = False
) -> int:
    """Mark the caller's notifications read (``ids``, or all); returns how many changed.
    Ids of other people's notifications are ignored."""
    query = update(Notification).where(Notification.user == user, Notification.read_at.is_(None))
    if not everything:
        ids = list(ids or ())
        if len(ids) > MAX_IDS:
            raise InvalidNotificationQuery(f"Mark at most {MAX_IDS} notifications at once.")
        query = query.where(Notification.id.in_(ids))
    result = session.execute(
        query.values(read_at=datetime.now(UTC)), execution_options={"synchronize_session": False}
    )
    return result.rowcount


def serialize_notifications(
    session: Session, notifications: list[Notification], viewer: str
) -> list[dict[str, Any]]:
    """The API shape of ``notifications``, each with its feed event and thread."""
    if not notifications:
        return []
    event_ids = sorted({n.event_id for n in notifications})
    rows = session.execute(select(*COLUMNS).where(Event.id.in_(event_ids))).all()
    events = {item["id"]: item for item in serialize_rows(session, rows, viewer)}
    thread_ids = {n.thread_id for n in notifications if n.thread_id is not None}
    threads = {
        t.id: thread_brief(t)
        for t in session.scalars(select(Thread).where(Thread.id.in_(thread_ids)))
    }
    return [
        serialize_notification(n, events[n.event_id], threads.get(n.thread_id))
        for n in notifications
    ]


def serialize_notification(
    notification: Notification, event: dict, thread: dict | None = None
) -> dict[str, Any]:
    item = {
        "id": notification.id,
        "event": event,
        "reason": notification.reason,
        "read": notification.read_at is not None,
        "created_at": isoformat(notification.created_at),
    }
    if thread is not None:
        item["thread"] = thread
    return item


def thread_brief(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.id,
        "project": thread.project,
        "path": thread.path,
        "cell_id": thread.cell_id,
        "line": thread.line,
        "state": thread.state,
        "anchor_state": thread.anchor_state,
    }


def _mine(user: str, visible: Collection[str]):
    """The user's notifications about events of ``visible`` projects: walked in the
    ``(user, id)`` index, each event found by its key."""
    return (
        select(Notification)
        .join(Event, Event.id == Notification.event_id)
        .where(Notification.user == user, Event.project.in_(set(visible)))
    )
