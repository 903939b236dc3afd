"""Every version a comment had, read back from the audit trail, for the records export.

A comment row keeps only its current body (emptied when it is deleted); the audit trail keeps
the words each change replaced: ``comment.edited`` the previous body and the new one,
``comment.deleted`` the body as it was (:mod:`.comments`). A comment's versions, oldest first,
are ``{body, written_at, ended, ended_at, ended_by}``: ``ended`` is ``"edited"`` (replaced by
the next version), ``"deleted"`` or ``None`` (the comment reads so now).

Edits recorded before the audit trail existed (schema revision 0004) left no words behind:
such a comment's versions start at its last edit, and a deletion without its entry has the body
``None`` (not recorded).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.audit import AuditEntry
from ..store.discussion import Comment
from .events import isoformat

EDITED, DELETED = "edited", "deleted"


def versions_of(
    session: Session, project: str, comments: Iterable[Comment]
) -> dict[int, list[dict[str, Any]]]:
    """Comment id -> its versions, oldest first, for ``comments`` of ``project``."""
    comments = list(comments)
    changes = _changes(session, project, {str(c.id) for c in comments})
    return {c.id: _versions(c, changes.get(str(c.id), [])) for c in comments}


def _changes(session: Session, project: str, ids: set[str]) -> dict[str, list[AuditEntry]]:
    if not ids:
        return {}
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.project == project,
            AuditEntry.target_type == "comment",
            AuditEntry.action.in_(("comment.edited", "comment.deleted")),
        )
        .order_by(AuditEntry.id)
    )
    found: dict[str, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        if entry.target_id in ids:
            found[entry.target_id].append(entry)
    return found


def _versions(comment: Comment, entries: list[AuditEntry]) -> list[dict[str, Any]]:
    edits = [e for e in entries if e.action == "comment.edited"]
    deletion = next((e for e in entries if e.action == "comment.deleted"), None)
    versions = []
    written_at = comment.created_at if edits or comment.edited_at is None else comment.edited_at
    for edit in edits:
        body = edit.details.get("previous_body")
        versions.append(_version(body, written_at, EDITED, edit.created_at, edit.actor))
        written_at = edit.created_at
    if comment.deleted_at is None:
        versions.append(_version(comment.body, written_at, None, None, None))
    else:
        body = deletion.details.get("body") if deletion is not None else None
        versions.append(_version(body, written_at, DELETED, comment.deleted_at, comment.deleted_by))
    return versions


def _version(
    body: str | None,
    written_at: datetime,
    ended: str | None,
    ended_at: datetime | None,
    ended_by: str | None,
) -> dict[str, Any]:
    return {
        "body": body,
        "written_at": isoformat(written_at),
        "ended": ended,
        "ended_at": None if ended_at is None else isoformat(ended_at),
        "ended_by": ended_by,
    }
