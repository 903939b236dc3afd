"""The feed events of discussions: ``thread.opened``, ``comment.added``, ``thread.resolved``,
``thread.reopened``, ``comment.edited``, ``comment.deleted``.

Each has the thread's ``path`` and ``data`` with the thread and comment ids, the anchor (cell
id, lines), an excerpt of the comment and its molecules; tags and mentions come from the body.
When a comment is edited or deleted, its event follows, so the feed never shows words that
were taken back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..store.discussion import Comment, Thread
from ..store.models import Event, EventMention, EventTag
from .events import record_event
from .markup import excerpt

EXCERPT_LENGTH = 280
MAX_SUMMARY = 500


def opened(session: Session, thread: Thread, comment: Comment) -> Event:
    return _record(session, "thread.opened", thread, comment, comment.author)


def commented(session: Session, thread: Thread, comment: Comment) -> Event:
    return _record(session, "comment.added", thread, comment, comment.author)


def resolved(session: Session, thread: Thread, actor: str) -> Event:
    first = thread.comments[0] if thread.comments else None
    return record_event(
        session,
        kind="thread.resolved",
        project=thread.project,
        actor=actor,
        summary=_cut(f"resolved a thread on {thread.path}"),
        path=thread.path,
        data={**_anchor(thread), "excerpt": _excerpt(first) if first else ""},
    )


def reopened(session: Session, thread: Thread, actor: str) -> Event:
    return record_event(
        session,
        kind="thread.reopened",
        project=thread.project,
        actor=actor,
        summary=_cut(f"reopened a thread on {thread.path}"),
        path=thread.path,
        data=_anchor(thread),
    )


def comment_changed(session: Session, comment: Comment, kind: str, actor: str) -> Event:
    """``comment.edited`` or ``comment.deleted``: who changed which comment, never the words
    (the comment's own event carries its current body, or none once deleted)."""
    thread = comment.thread
    verb = "edited" if kind == "comment.edited" else "deleted"
    return record_event(
        session,
        kind=kind,
        project=thread.project,
        actor=actor,
        summary=_cut(f"{verb} a comment on {thread.path}"),
        path=thread.path,
        data={**_anchor(thread), "comment": comment.id},
    )


def follow_comment(session: Session, comment: Comment) -> None:
    """Bring the comment's feed event in line with its edited (or deleted) body."""
    event = session.get(Event, comment.event_id) if comment.event_id is not None else None
    if event is None:
        return
    thread = comment.thread
    event.summary = _summary(event.kind, thread, comment)
    event.data = {**_data(thread, comment), **({"deleted": True} if comment.deleted_at else {})}
    _replace(event, "tags", EventTag, "tag", list(comment.tags or ()))
    _replace(event, "mentions", EventMention, "name", [m.name for m in comment.mentions])


def _record(session: Session, kind: str, thread: Thread, comment: Comment, actor: str) -> Event:
    return record_event(
        session,
        kind=kind,
        project=thread.project,
        actor=actor,
        summary=_summary(kind, thread, comment),
        path=thread.path,
        data=_data(thread, comment),
        tags=list(comment.tags or ()),
        mentions=[m.name for m in comment.mentions],
    )


def _summary(kind: str, thread: Thread, comment: Comment) -> str:
    verb = "opened a thread on" if kind == "thread.opened" else "commented on"
    if comment.deleted_at is not None:
        return _cut(f"{verb} {thread.path} (comment deleted by {comment.deleted_by})")
    return _cut(f"{verb} {thread.path}: {excerpt(comment.body, 140)}")


def _data(thread: Thread, comment: Comment) -> dict:
    return {
        **_anchor(thread),
        "comment": comment.id,
        "excerpt": _excerpt(comment),
        "molecules": list(comment.molecules or ()),
    }


def _anchor(thread: Thread) -> dict:
    return {
        "thread": thread.id,
        "cell_id": thread.cell_id,
        "line": thread.line,
        "line_end": thread.line_end,
    }


def _excerpt(comment: Comment) -> str:
    return "" if comment.deleted_at is not None else excerpt(comment.body, EXCERPT_LENGTH)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


def _replace(event: Event, attribute: str, model, column: str, values: list[str]) -> None:
    """Replace an event's tags or mentions, keeping rows whose value stays (keys collide)."""
    kept = {getattr(row, column): row for row in getattr(event, attribute)}
    rows = []
    for position, value in enumerate(values):
        row = kept.get(value) or model(**{column: value})
        row.position = position
        rows.append(row)
    setattr(event, attribute, rows)
