"""Comments in threads: markdown bodies with mentions, tags and molecules; edits, deletions
(a tombstone stays: "comment deleted by ..."), and emoji reactions from the feed's palette.

Bodies are stored verbatim and sanitized only when rendered (in the browser).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from ..store.discussion import Comment, CommentMention, CommentReaction, Thread
from . import audit
from .errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge
from .events import isoformat
from .markup import Markup, parse
from .posts import UnknownMention
from .reactions import normalize_emoji, summaries_from

MAX_BODY_BYTES = 64 * 1024


class InvalidComment(InvalidInput):
    code = "invalid-comment"


class EmptyComment(InvalidComment):
    code = "empty-comment"


class CommentTooLarge(TooLarge):
    code = "comment-too-large"


class CommentNotFound(NotFound):
    code = "comment-not-found"


class NotYourComment(Forbidden):
    code = "not-your-comment"


class CommentDeleted(Conflict):
    code = "comment-deleted"


def checked_body(body: object, project: str, members: Collection[str]) -> Markup:
    """The markup of a comment ``body``, refused if empty, too large, unreadable, or if it
    mentions someone outside ``members`` (the people of the project's teams)."""
    if not isinstance(body, str) or not body.strip():
        raise EmptyComment("A comment needs some text.")
    if "\x00" in body:
        raise InvalidComment("The comment contains a NUL character; remove it and try again.")
    try:
        size = len(body.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidComment("The comment is not valid Unicode text.") from None
    if size > MAX_BODY_BYTES:
        raise CommentTooLarge(
            f"The comment is {size // 1024} KiB; comments may be at most "
            f"{MAX_BODY_BYTES // 1024} KiB. Put large content in a file of the project and "
            "link to it."
        )
    markup = parse(body)
    strangers = [name for name in markup.mentions if name not in members]
    if strangers:
        raise UnknownMention(strangers, project)
    return markup


def new_comment(
    session: Session,
    thread: Thread,
    author: str,
    body: str,
    markup: Markup,
    created_at: datetime | None = None,
) -> Comment:
    """Add a comment to ``thread`` (body already checked) and flush it."""
    comment = Comment(
        author=author,
        body=body,
        created_at=created_at or datetime.now(UTC),
        tags=list(markup.tags),
        molecules=[m._asdict() for m in markup.molecules],
        mentions=[CommentMention(name=n, position=i) for i, n in enumerate(markup.mentions)],
    )
    thread.comments.append(comment)
    session.flush()
    return comment


def get_comment(session: Session, comment_id: object, visible: Collection[str]) -> Comment:
    """The comment ``comment_id`` if its project is one of ``visible``."""
    comment = None
    if isinstance(comment_id, int) and not isinstance(comment_id, bool):
        comment = session.get(Comment, comment_id, options=[selectinload(Comment.thread)])
    if comment is None or comment.thread.project not in visible:
        raise CommentNotFound(f"There is no comment {comment_id} that you can see.")
    return comment


def edit_comment(
    session: Session, comment: Comment, *, actor: str, body: str, members: Collection[str]
) -> list[str]:
    """Replace the body of ``actor``'s own comment; returns names newly mentioned."""
    if comment.author != actor:
        raise NotYourComment(
            f"This comment is {comment.author}'s; only its author can edit it. Reply instead."
        )
    if comment.deleted_at is not None:
        raise CommentDeleted("This comment was deleted; it cannot be edited.")
    markup = checked_body(body, comment.thread.project, members)
    if body == comment.body:
        return []
    before = {m.name for m in comment.mentions}
    now = datetime.now(UTC)
    _audit(session, "comment.edited", comment, actor, now, previous_body=comment.body, body=body)
    comment.body = body
    comment.tags = list(markup.tags)
    comment.molecules = [m._asdict() for m in markup.molecules]
    _set_mentions(comment, markup.mentions)
    comment.edited_at = now
    session.flush()
    return [name for name in markup.mentions if name not in before]


def delete_comment(session: Session, comment: Comment, *, actor: str, moderator: bool) -> bool:
    """Delete a comment, keeping a tombstone; the author, or a ``moderator`` (a lead of one
    of the project's teams, or an admin). Returns False if it was deleted already."""
    if comment.author != actor and not moderator:
        raise NotYourComment(
            "Only the comment's author, a lead of the project's teams or an admin can delete it."
        )
    if comment.deleted_at is not None:
        return False
    now = datetime.now(UTC)
    _audit(
        session,
        "comment.deleted",
        comment,
        actor,
        now,
        author=comment.author,
        body=comment.body,
        moderated=comment.author != actor,
    )
    comment.body = ""
    comment.tags = []
    comment.molecules = []
    _set_mentions(comment, [])
    comment.deleted_at = now
    comment.deleted_by = actor
    session.execute(delete(CommentReaction).where(CommentReaction.comment_id == comment.id))
    session.flush()
    return True


def _audit(
    session: Session, action: str, comment: Comment, actor: str, at: datetime, **details
) -> None:
    """Record ``action`` at the time ``at`` the comment itself carries (``edited_at``,
    ``deleted_at``), so the export can line its versions up with the audit trail."""
    thread = comment.thread
    audit.record(
        session,
        action=action,
        actor=actor,
        project=thread.project,
        target_type="comment",
        target_id=comment.id,
        details={"thread": thread.id, "path": thread.path, **details},
        created_at=at,
    )


def _set_mentions(comment: Comment, names: list[str]) -> None:
    """Replace the mentions, keeping rows of names that stay (their keys would collide)."""
    kept = {m.name: m for m in comment.mentions}
    mentions = []
    for position, name in enumerate(names):
        mention = kept.get(name) or CommentMention(name=name)
        mention.position = position
        mentions.append(mention)
    comment.mentions = mentions


def add_reaction(session: Session, comment: Comment, *, user: str, emoji: object) -> None:
    emoji = normalize_emoji(emoji)
    if comment.deleted_at is not None:
        raise CommentDeleted("This comment was deleted; it takes no reactions.")
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(CommentReaction)
        .values(comment_id=comment.id, user=user, emoji=emoji, created_at=datetime.now(UTC))
        .on_conflict_do_nothing()
    )


def remove_reaction(session: Session, comment: Comment, *, user: str, emoji: object) -> None:
    emoji = normalize_emoji(emoji)
    session.execute(
        delete(CommentReaction).where(
            CommentReaction.comment_id == comment.id,
            CommentReaction.user == user,
            CommentReaction.emoji == emoji,
        )
    )


def reaction_summaries(
    session: Session, comment_ids: Iterable[int], viewer: str | None
) -> dict[int, list[dict]]:
    """``[{emoji, names, count, reacted}]`` per comment, as events' reactions are shown."""
    ids = list(comment_ids)
    if not ids:
        return {}
    mine = func.max(case((CommentReaction.user == viewer, 1), else_=0))
    rows = session.execute(
        select(CommentReaction.comment_id, CommentReaction.emoji, func.count(), mine)
        .where(CommentReaction.comment_id.in_(bindparam("ids", expanding=True)))
        .group_by(CommentReaction.comment_id, CommentReaction.emoji),
        {"ids": ids},
    )
    return summaries_from(ids, rows)


def serialize_comment(comment: Comment, reactions: list[dict] | None = None) -> dict[str, Any]:
    deleted = comment.deleted_at is not None
    return {
        "id": comment.id,
        "thread": comment.thread_id,
        "author": comment.author,
        "body": comment.body,
        "created_at": isoformat(comment.created_at),
        "edited_at": None if comment.edited_at is None else isoformat(comment.edited_at),
        "edited": comment.edited_at is not None,
        "deleted": deleted,
        "deleted_by": comment.deleted_by,
        "deleted_at": None if comment.deleted_at is None else isoformat(comment.deleted_at),
        "tombstone": f"comment deleted by {comment.deleted_by}" if deleted else None,
        "tags": list(comment.tags or ()),
        "mentions": [m.name for m in comment.mentions],
        "molecules": list(comment.molecules or ()),
        "reactions": reactions or [],
        "event": comment.event_id,
    }
