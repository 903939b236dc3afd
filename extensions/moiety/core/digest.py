"""The digest of a team's period: what changed in each of its projects, who was active, which
compounds were added or removed, which discussions were opened and which are still unresolved,
the most-reacted posts, and a per-day activity series; with team totals.

Two queries whatever the number of projects: the team's events of the period (index on
``events (project, created_at)``; of each event's ``data`` only the fields the digest shows,
never a snapshot's cells) with each post's reaction count, and the threads that are open or
were opened in the period. :mod:`.digest_markdown` renders the result for e-mail and chat.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from ..store.discussion import Comment, Thread
from ..store.models import Event, Reaction
from .accounts import project_account
from .digest_tally import MAX_ITEMS, CompoundTally, FileTally, restore, snapshot, thread
from .events import isoformat
from .projects import DEPLOYMENT_ACTOR, projects_of_teams

TOP_POSTS = 3
_DATA_FIELDS = (
    "count",
    "message",
    "commit",
    "auto",
    "paths",
    "from",
    "restored_from",
    "added",
    "removed",
    "changed",
    "highlights",
)
_FILE_KINDS = {
    "file.created": "created",
    "file.saved": "saved",
    "file.renamed": "renamed",
    "file.deleted": "deleted",
}


def build_digest(
    session: Session, *, team: str, since: datetime, until: datetime
) -> dict[str, Any]:
    """The digest of ``team`` for ``since`` <= time < ``until`` (see the module docstring)."""
    projects = projects_of_teams(session, [team])
    slugs = [p.slug for p in projects]
    events = defaultdict(list)
    for row in session.execute(_events_query(), {"slugs": slugs, "since": since, "until": until}):
        events[row.project].append(row)
    threads = defaultdict(list)
    for row in session.execute(_threads_query(), {"slugs": slugs, "since": since}):
        threads[row.project].append(row)
    days = _days(since, until)
    items = [
        _project(p.slug, p.title, events[p.slug], threads[p.slug], since, until, days)
        for p in projects
    ]
    people: Counter[str] = Counter()
    for item in items:
        people.update({person["name"]: person["events"] for person in item["people"]})
    return {
        "team": team,
        "since": isoformat(since),
        "until": isoformat(until),
        "totals": _totals(items),
        "people": _people(people),
        "activity": [
            {"date": day, "events": sum(i["activity"][n]["events"] for i in items)}
            for n, day in enumerate(days)
        ],
        "projects": items,
    }


@cache
def _events_query() -> Select:
    reactions = (
        select(func.count()).where(Reaction.event_id == Event.id).correlate(Event).scalar_subquery()
    )
    return (
        select(
            Event.id,
            Event.kind,
            Event.project,
            Event.actor,
            Event.created_at,
            Event.path,
            Event.summary,
            *(Event.data[name].label(f"data_{name}") for name in _DATA_FIELDS),
            case((Event.kind == "post.created", reactions), else_=0).label("reactions"),
        )
        .where(
            Event.project.in_(bindparam("slugs", expanding=True)),
            Event.created_at >= bindparam("since"),
            Event.created_at < bindparam("until"),
        )
        .order_by(Event.id)
    )


@cache
def _threads_query() -> Select:
    first = (
        select(Comment.body)
        .where(Comment.thread_id == Thread.id)
        .order_by(Comment.id)
        .limit(1)
        .correlate(Thread)
        .scalar_subquery()
    )
    comments = (
        select(func.count())
        .where(Comment.thread_id == Thread.id, Comment.deleted_at.is_(None))
        .correlate(Thread)
        .scalar_subquery()
    )
    return (
        select(
            Thread.id,
            Thread.project,
            Thread.path,
            Thread.state,
            Thread.created_by,
            Thread.created_at,
            Thread.updated_at,
            Thread.resolved_by,
            first.label("body"),
            comments.label("comments"),
        )
        .where(
            Thread.project.in_(bindparam("slugs", expanding=True)),
            or_(Thread.state == "open", Thread.created_at >= bindparam("since")),
        )
        .order_by(Thread.id)
    )


def _project(
    slug: str,
    title: str,
    events: list[Row],
    threads: list[Row],
    since: datetime,
    until: datetime,
    days: list[str],
) -> dict[str, Any]:
    people: Counter[str] = Counter(row.actor for row in events if row.actor != DEPLOYMENT_ACTOR)
    per_day = Counter(row.created_at.astimezone(UTC).date().isoformat() for row in events)
    files = {name: FileTally() for name in _FILE_KINDS.values()}
    snapshots, restores, posts = [], [], []
    compounds = CompoundTally()
    for row in events:
        if row.kind in _FILE_KINDS:
            files[_FILE_KINDS[row.kind]].add(row)
        elif row.kind == "snapshot.created":
            snapshots.append(snapshot(row))
        elif row.kind == "version.restored":
            restores.append(restore(row))
        elif row.kind == "compounds.changed":
            compounds.add(row)
        elif row.kind == "post.created":
            posts.append(row)
    opened = [thread(t, until) for t in threads if since <= t.created_at < until]
    unresolved = sorted((t for t in threads if t.state == "open"), key=lambda t: t.created_at)
    top = sorted((p for p in posts if p.reactions), key=lambda p: (-p.reactions, p.id))
    return {
        "slug": slug,
        "title": title,
        "url": f"/user/{project_account(slug)}/lab",
        "events": len(events),
        "people": _people(people),
        "activity": [{"date": day, "events": per_day.get(day, 0)} for day in days],
        "snapshots": _listed(snapshots),
        "files": {name: tally.as_json() for name, tally in files.items()},
        "restores": _listed(restores),
        "compounds": compounds.as_json(),
        "discussions": {
            "opened": _listed(opened),
            "unresolved": {
                "count": len(unresolved),
                "items": [thread(t, until) for t in unresolved[:MAX_ITEMS]],
            },
        },
        "posts": len(posts),
        "top_posts": [
            {
                "event": p.id,
                "actor": p.actor,
                "created_at": isoformat(p.created_at),
                "excerpt": p.summary,
                "reactions": p.reactions,
            }
            for p in top[:TOP_POSTS]
        ],
    }


def _totals(projects: list[dict]) -> dict[str, int]:
    def total(get) -> int:
        return sum(get(p) for p in projects)

    return {
        "projects": len(projects),
        "events": total(lambda p: p["events"]),
        "people": len({person["name"] for p in projects for person in p["people"]}),
        "snapshots": total(lambda p: p["snapshots"]["count"]),
        "files_created": total(lambda p: p["files"]["created"]["count"]),
        "saves": total(lambda p: p["files"]["saved"]["count"]),
        "files_renamed": total(lambda p: p["files"]["renamed"]["count"]),
        "files_deleted": total(lambda p: p["files"]["deleted"]["count"]),
        "restores": total(lambda p: p["restores"]["count"]),
        "compounds_added": total(lambda p: p["compounds"]["added"]),
        "compounds_removed": total(lambda p: p["compounds"]["removed"]),
        "compounds_changed": total(lambda p: p["compounds"]["changed"]),
        "threads_opened": total(lambda p: p["discussions"]["opened"]["count"]),
        "threads_unresolved": total(lambda p: p["discussions"]["unresolved"]["count"]),
        "posts": total(lambda p: p["posts"]),
    }


def _listed(items: list[dict]) -> dict[str, Any]:
    """``{count, items}``: how many in all, the first :data:`MAX_ITEMS` of them."""
    return {"count": len(items), "items": items[:MAX_ITEMS]}


def _people(counts: Counter[str]) -> list[dict[str, Any]]:
    """People by event count, most active first (then by name)."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"name": name, "events": n} for name, n in ranked]


def _days(since: datetime, until: datetime) -> list[str]:
    first = since.astimezone(UTC).date()
    last = (until - timedelta(microseconds=1)).astimezone(UTC).date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
