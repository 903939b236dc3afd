"""Comment threads on project files: opening, replying, resolving and reopening, reading.

A thread is opened on a file of a project, optionally on one notebook cell or on lines of a
text file (:mod:`.thread_anchors`); its opening body is its first comment. Each change records
its feed event (:mod:`.thread_events`) and notifies the people it concerns
(:mod:`.notifications`). Functions here never commit; each returns a :class:`Change` telling the
caller what to publish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..store.discussion import Comment, Notification, Thread
from ..store.models import Event
from . import audit, paging, thread_events
from .comments import checked_body, new_comment, reaction_summaries, serialize_comment
from .cursors import DEFAULT_SECRET, InvalidCursor, decode_cursor, encode_cursor
from .errors import InvalidInput, NotFound
from .events import isoformat
from .notifications import MENTION, notify, notify_event
from .thread_anchors import Anchor, FileAnchors, anchor_fields

OPEN, RESOLVED = "open", "resolved"
STATE_FILTERS = (OPEN, RESOLVED, "all")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class ThreadNotFound(NotFound):
    code = "thread-not-found"


class InvalidThreadQuery(InvalidInput):
    code = "invalid-thread-query"


@dataclass
class Change:
    """What a write did: the thread, the comment and event it made, who was notified."""

    thread: Thread
    comment: Comment | None = None
    event: Event | None = None
    notifications: list[Notification] = field(default_factory=list)


def open_thread(
    session: Session,
    *,
    project: str,
    file: FileAnchors,
    anchor: Anchor,
    body: str,
    actor: str,
    members: Collection[str],
) -> Change:
    """Open a thread on ``file`` (as its project server sees it now) with ``body``.

    ``members``: the people of the project's teams, the only ones a body may mention.
    """
    markup = checked_body(body, project, members)
    now = datetime.now(UTC)
    thread = Thread(
        project=project,
        created_by=actor,
        state=OPEN,
        created_at=now,
        updated_at=now,
        **anchor_fields(project, anchor, file),
    )
    session.add(thread)
    comment = new_comment(session, thread, actor, body, markup, now)
    event = thread_events.opened(session, thread, comment)
    thread.event_id = comment.event_id = event.id
    _audit(session, "thread.opened", thread, actor, comment=comment.id, body=body)
    notes = notify_event(session, event, mentions=markup.mentions, thread_id=thread.id)
    return Change(thread, comment, event, notes)


def reply(
    session: Session,
    *,
    thread_id: object,
    body: str,
    actor: str,
    members: Collection[str],
    visible: Collection[str],
) -> Change:
    thread = get_thread(session, thread_id, visible)
    markup = checked_body(body, thread.project, members)
    before = participants(thread)
    comment = new_comment(session, thread, actor, body, markup)
    event = thread_events.commented(session, thread, comment)
    comment.event_id = event.id
    audit.record(
        session,
        action="comment.added",
        actor=actor,
        project=thread.project,
        target_type="comment",
        target_id=comment.id,
        details={"thread": thread.id, "path": thread.path, "body": body},
    )
    thread.updated_at = comment.created_at
    notes = notify_event(
        session, event, mentions=markup.mentions, participants=before, thread_id=thread.id
    )
    return Change(thread, comment, event, notes)


def set_state(
    session: Session, *, thread_id: object, state: str, actor: str, visible: Collection[str]
) -> Change:
    """Resolve or reopen a thread (no change, no event, if it is so already)."""
    if state not in (OPEN, RESOLVED):
        raise InvalidInput(f"A thread's state is 'open' or 'resolved', not {state!r}.")
    thread = get_thread(session, thread_id, visible)
    if thread.state == state:
        return Change(thread)
    now = datetime.now(UTC)
    thread.state, thread.updated_at = state, now
    _audit(session, "thread.reopened" if state == OPEN else "thread.resolved", thread, actor)
    if state == OPEN:
        thread.reopened_by, thread.reopened_at = actor, now
        return Change(thread, event=thread_events.reopened(session, thread, actor))
    thread.resolved_by, thread.resolved_at = actor, now
    event = thread_events.resolved(session, thread, actor)
    notes = notify_event(session, event, participants=participants(thread), thread_id=thread.id)
    return Change(thread, event=event, notifications=notes)


def _audit(session: Session, action: str, thread: Thread, actor: str, **details) -> None:
    anchor = {"cell_id": thread.cell_id, "line": thread.line, "line_end": thread.line_end}
    if action == "thread.opened":
        details = {**details, "anchor": anchor, "commit": thread.opened_commit}
    audit.record(
        session,
        action=action,
        actor=actor,
        project=thread.project,
        target_type="thread",
        target_id=thread.id,
        details={"path": thread.path, **details},
    )


def mention_on_edit(session: Session, comment: Comment, names: list[str]) -> list[Notification]:
    """People newly mentioned by an edit are notified of the comment's event (once)."""
    event = session.get(Event, comment.event_id) if comment.event_id is not None else None
    if event is None or not names:
        return []
    people = {name: MENTION for name in names if name != comment.author}
    return notify(session, event, people, comment.thread_id)


def participants(thread: Thread) -> set[str]:
    """Who opened or commented in the thread."""
    return {thread.created_by} | {c.author for c in thread.comments}


def get_thread(session: Session, thread_id: object, visible: Collection[str]) -> Thread:
    thread = None
    if isinstance(thread_id, int) and not isinstance(thread_id, bool):
        thread = session.get(Thread, thread_id, options=[selectinload(Thread.comments)])
    if thread is None or thread.project not in visible:
        raise ThreadNotFound(f"There is no thread {thread_id} that you can see.")
    return thread


def list_threads(
    session: Session,
    *,
    project: str,
    path: str | None = None,
    state: str | None = None,
    cell_id: str | None = None,
    before: str | None = None,
    limit: object = None,
    secret: bytes = DEFAULT_SECRET,
) -> tuple[list[Thread], str | None]:
    """A page of the project's threads, newest first, and the cursor of the next page.

    ``path``: a file, or a folder ending in ``/``; ``state``: open (default), resolved, all.
    """
    state = state or OPEN
    if state not in STATE_FILTERS:
        raise InvalidThreadQuery(f"'state' is open, resolved or all, not {state!r}.")
    limit = _limit(limit)
    query = select(Thread).where(Thread.project == project)
    if path:
        if path.endswith("/"):
            query = query.where(Thread.path.startswith(path, autoescape=True))
        else:
            query = query.where(Thread.path == path)
    if cell_id is not None:
        query = query.where(Thread.cell_id == cell_id)
    if state != "all":
        query = query.where(Thread.state == state)
    if before is not None:
        try:
            query = query.where(Thread.id < decode_cursor(before, secret))
        except InvalidCursor:
            raise InvalidThreadQuery(
                "This cursor is not one Moiety gave out; start again without 'before'."
            ) from None
    threads = list(session.scalars(query.order_by(Thread.id.desc()).limit(limit + 1)))
    more = len(threads) > limit
    threads = threads[:limit]
    return threads, encode_cursor(threads[-1].id, secret) if more else None


def threads_of_project(session: Session, project: str) -> list[Thread]:
    """Every thread of ``project``, oldest first (for exports)."""
    query = select(Thread).where(Thread.project == project).order_by(Thread.id)
    return list(session.scalars(query))


def comments_of(session: Session, thread_ids: list[int]) -> dict[int, list[Comment]]:
    """The comments of each thread, oldest first, in one query."""
    found: dict[int, list[Comment]] = defaultdict(list)
    if thread_ids:
        query = (
            select(Comment)
            .where(Comment.thread_id.in_(thread_ids))
            .options(selectinload(Comment.mentions))
            .order_by(Comment.id)
        )
        for comment in session.scalars(query):
            found[comment.thread_id].append(comment)
    return found


def serialize_threads(
    session: Session, threads: list[Thread], viewer: str | None
) -> list[dict[str, Any]]:
    """Threads in the API shape, each with its comments (oldest first) and their reactions."""
    comments = comments_of(session, [t.id for t in threads])
    reactions = reaction_summaries(
        session, [c.id for items in comments.values() for c in items], viewer
    )
    return [
        serialize_thread(
            thread, [serialize_comment(c, reactions.get(c.id)) for c in comments[thread.id]]
        )
        for thread in threads
    ]


def serialize_thread(thread: Thread, comments: list[dict]) -> dict[str, Any]:
    return {
        "id": thread.id,
        "project": thread.project,
        "path": thread.path,
        "anchor": {"cell_id": thread.cell_id, "line": thread.line, "line_end": thread.line_end},
        "anchor_state": thread.anchor_state,
        "file_kind": thread.file_kind,
        "opened_path": thread.opened_path,
        "commit": thread.opened_commit,
        "cell_hash": thread.cell_hash,
        "state": thread.state,
        "created_by": thread.created_by,
        "created_at": isoformat(thread.created_at),
        "updated_at": isoformat(thread.updated_at),
        "resolved_by": thread.resolved_by,
        "resolved_at": _time(thread.resolved_at),
        "reopened_by": thread.reopened_by,
        "reopened_at": _time(thread.reopened_at),
        "event": thread.event_id,
        "comment_count": sum(1 for c in comments if not c["deleted"]),
        "comments": comments,
    }


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else isoformat(moment)


def _limit(value: object) -> int:
    return paging.parse_limit(
        value, default=DEFAULT_LIMIT, maximum=MAX_LIMIT, error=InvalidThreadQuery
    )
