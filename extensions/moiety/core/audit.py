"""The audit trail: every change to projects, team membership, threads and comments, recorded
with who, when, what (action, project or team, target) and details, for regulated records.

Entries are added in the transaction of the change they record (:func:`record`) and never
changed: there is no API to edit or remove them, and the database refuses UPDATEs. Comment
entries keep the words: ``comment.added`` its body, ``comment.edited`` the previous body and the
new one, ``comment.deleted`` the body as it was, so the full history survives edits and
deletions. Membership is compared with the last state recorded (:func:`record_membership`), so
changes made in the hub while the service was down are recorded at its next start.

Reading (:func:`read_page`) is newest first, keyset-paged on the entry id like the feed; leads
read the entries of their teams' projects and their teams' membership, admins everything.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from ..store.audit import AuditEntry, AuditMembership
from ..store.models import ProjectTeam
from . import paging
from .access import Directory
from .cursors import DEFAULT_SECRET, InvalidCursor, decode_cursor, encode_cursor
from .errors import InvalidInput
from .events import isoformat

ACTIONS = frozenset(
    {
        "project.created",
        "member.added",
        "member.removed",
        "lead.added",
        "lead.removed",
        "thread.opened",
        "thread.resolved",
        "thread.reopened",
        "thread.moved",
        "comment.added",
        "comment.edited",
        "comment.deleted",
    }
)
HUB = "hub"
MEMBER, LEAD = "member", "lead"
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
CSV_COLUMNS = [
    "id",
    "created_at",
    "actor",
    "action",
    "project",
    "team",
    "target_type",
    "target_id",
    "details",
]
_MEMBERSHIP_LOCK = select(func.pg_advisory_xact_lock(0x6D6F6175))


class InvalidAuditQuery(InvalidInput):
    code = "invalid-audit-query"


def record(
    session: Session,
    *,
    action: str,
    actor: str,
    target_type: str,
    target_id: object,
    project: str | None = None,
    team: str | None = None,
    details: dict[str, Any] | None = None,
    created_at: datetime | None = None,
) -> None:
    """Add one entry to the audit trail, in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not an audited action")
    entry = {
        "created_at": created_at or datetime.now(UTC),
        "actor": actor,
        "action": action,
        "project": project,
        "team": team,
        "target_type": target_type,
        "target_id": str(target_id),
        "details": details or {},
    }
    session.execute(insert(AuditEntry), [entry])


Membership = frozenset[tuple[str, str, str]]


def memberships(directory: Directory) -> Membership:
    """``(team, role, name)`` for every member and lead of every team of ``directory``."""
    return frozenset(
        (team, role, name)
        for role, teams in ((MEMBER, directory.members), (LEAD, directory.leads))
        for team, names in teams.items()
        for name in names
    )


def record_membership(session: Session, seen: Membership) -> int:
    """Record how the hub's membership ``seen`` differs from the last state recorded
    (``member.added``, ``lead.removed``, ...; actor ``hub``) and keep ``seen`` as the new
    state. Returns how many entries were added.

    The first time (nothing recorded yet) everyone is recorded as added, with
    ``details.initial``. Concurrent callers (several service replicas) take turns, so a change
    is recorded once.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_MEMBERSHIP_LOCK)
    columns = (AuditMembership.team, AuditMembership.role, AuditMembership.name)
    known = {tuple(row) for row in session.execute(select(*columns))}
    initial = not known
    added, removed = sorted(seen - known), sorted(known - seen)
    now = datetime.now(UTC)
    for change, rows in (("added", added), ("removed", removed)):
        for team, role, name in rows:
            record(
                session,
                action=f"{role}.{change}",
                actor=HUB,
                team=team,
                target_type="user",
                target_id=name,
                details={"initial": True} if initial else {},
                created_at=now,
            )
    for team, role, name in removed:
        session.execute(
            delete(AuditMembership).where(
                AuditMembership.team == team,
                AuditMembership.role == role,
                AuditMembership.name == name,
            )
        )
    if added:
        rows = [{"team": t, "role": r, "name": n} for t, r, n in added]
        session.execute(insert(AuditMembership), rows)
    return len(added) + len(removed)


@dataclass(frozen=True)
class AuditQuery:
    """Filters of ``GET /audit``; ``until`` is exclusive."""

    project: str | None = None
    team: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self):
        if self.action is not None and self.action not in ACTIONS:
            known = ", ".join(sorted(ACTIONS))
            raise InvalidAuditQuery(
                f"{self.action!r} is not an audited action; use one of {known}."
            )


def parse_limit(value: object, default: int = DEFAULT_LIMIT) -> int:
    return paging.parse_limit(value, default=default, maximum=MAX_LIMIT, error=InvalidAuditQuery)


def read_page(
    session: Session,
    query: AuditQuery,
    *,
    lead_of: Collection[str] | None,
    before: str | None = None,
    limit: int = DEFAULT_LIMIT,
    secret: bytes = DEFAULT_SECRET,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of entries, newest first, and the cursor of the next page (or None).

    ``lead_of``: the teams a lead reads (their projects' entries and their membership), or
    None for an admin, who reads everything.
    """
    statement = select(AuditEntry)
    if lead_of is not None:
        statement = statement.where(_of_teams(lead_of))
    if query.project is not None:
        statement = statement.where(AuditEntry.project == query.project)
    if query.team is not None:
        statement = statement.where(_of_teams([query.team]))
    if query.action is not None:
        statement = statement.where(AuditEntry.action == query.action)
    if query.since is not None:
        statement = statement.where(AuditEntry.created_at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditEntry.created_at < query.until)
    if before is not None:
        try:
            statement = statement.where(AuditEntry.id < decode_cursor(before, secret))
        except InvalidCursor:
            raise InvalidAuditQuery(
                "This cursor is not one Moiety gave out; start again without 'before'."
            ) from None
    found = list(session.scalars(statement.order_by(AuditEntry.id.desc()).limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    cursor = encode_cursor(found[-1].id, secret) if more else None
    return [serialize_entry(entry) for entry in found], cursor


def _of_teams(teams: Iterable[str]):
    """Entries of the teams' projects, or about the teams' membership."""
    teams = sorted(set(teams))
    projects = select(ProjectTeam.project_slug).where(ProjectTeam.team.in_(teams))
    return or_(AuditEntry.team.in_(teams), AuditEntry.project.in_(projects))


def serialize_entry(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": isoformat(entry.created_at),
        "actor": entry.actor,
        "action": entry.action,
        "project": entry.project,
        "team": entry.team,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "details": entry.details,
    }


def to_csv(items: list[dict[str, Any]]) -> str:
    """Entries as CSV with a header row; ``details`` as JSON; cells a spreadsheet would run as
    formulas start with ``'`` (as in the discussions export)."""
    from .discussion_export import _cell as csv_cell  # it imports threads, which audit

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = [item[column] for column in CSV_COLUMNS[:-1]]
        row.append(json.dumps(item["details"], ensure_ascii=False, sort_keys=True))
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()
