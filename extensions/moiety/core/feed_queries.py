"""The SQL behind the feed, built once per shape of filter and reused with new parameters.

Building a SQLAlchemy statement costs more than running it here (a feed page is two indexed
queries of well under a millisecond), so statements are cached by which filters are present
and every value travels as a bound parameter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Row, Select, bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from ..store.models import Event, EventFolder, EventMention, EventTag
from .events import serialize_event
from .reactions import counts, summaries_from

Paging = Literal["before", "after"]
NEWEST = 2**63 - 1
"""The ``before`` cursor of the first page. The first page is asked as "before the largest
id there can be" rather than without a bound: SQLite then walks each project's ``(project,
id)`` index from its end and stops at a page, where without the bound it chose to sort every
event of the visible projects (68 ms instead of 2 ms at a million events)."""
COLUMNS = (
    Event.id,
    Event.kind,
    Event.project,
    Event.actor,
    Event.created_at,
    Event.path,
    Event.summary,
    Event.data,
)


def parameters(
    projects: set[str],
    actor: str | None,
    kinds: frozenset[str],
    tag: str | None,
    path: str | None,
) -> tuple[tuple, dict[str, Any]]:
    """The statement shape for these filters, and the values of its parameters."""
    values: dict[str, Any] = {"projects": sorted(projects)}
    if actor is not None:
        values["actor"] = actor
    if kinds:
        values["kinds"] = sorted(kinds)
    if tag is not None:
        values["tag"] = tag
    folder = path is not None and path.endswith("/")
    if path is not None:
        values["path"] = path
    shape = (actor is not None, bool(kinds), tag is not None, None if path is None else folder)
    return shape, values


@lru_cache(maxsize=256)
def page_query(shape: tuple, paging: Paging) -> Select:
    """Events of the visible projects passing the filters, ordered by id, ``:limit`` rows;
    ``:cursor`` is the id to page from (``before``: smaller ids, ``after``: larger)."""
    actor, kinds, tag, folder = shape
    query = select(*COLUMNS).where(Event.project.in_(bindparam("projects", expanding=True)))
    if actor:
        query = query.where(Event.actor == bindparam("actor"))
    if kinds:
        query = query.where(Event.kind.in_(bindparam("kinds", expanding=True)))
    if folder is False:
        query = query.where(Event.path == bindparam("path"))
    order = Event.id
    # Tags and folders are walked in their index's event order, joining each event: that is
    # what stops early, on both databases, once a page is found. So the query is ordered by
    # the joined row's copy of the id.
    if folder is True:
        query = query.join(EventFolder, EventFolder.event_id == Event.id)
        query = query.where(EventFolder.folder == bindparam("path"))
        order = EventFolder.event_id
    if tag:
        query = query.join(EventTag, EventTag.event_id == Event.id)
        query = query.where(EventTag.tag == bindparam("tag"))
        order = EventTag.event_id
    if paging == "before":
        query = query.where(order < bindparam("cursor"))
    else:
        query = query.where(order > bindparam("cursor"))
    query = query.order_by(order if paging == "after" else order.desc())
    return query.limit(bindparam("limit"))


def serialize_rows(session: Session, rows: Sequence[Row], viewer: str | None) -> list[dict]:
    """Rows of :func:`page_query` in the API shape, with tags, mentions and reactions."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    words: dict[str, defaultdict[int, list]] = {
        "tag": defaultdict(list),
        "mention": defaultdict(list),
    }
    reaction_rows = []
    for event_id, what, value, number, mine in session.execute(
        _extras(), {"ids": ids, "viewer": viewer}
    ):
        if what == "reaction":
            reaction_rows.append((event_id, value, number, mine))
        else:
            words[what][event_id].append((number, value))
    reactions = summaries_from(ids, reaction_rows)

    def ordered(what: str, event_id: int) -> list[str]:
        return [value for _, value in sorted(words[what][event_id])]

    return [
        serialize_event(
            row, reactions[row.id], tags=ordered("tag", row.id), mentions=ordered("mention", row.id)
        )
        for row in rows
    ]


@lru_cache(maxsize=1)
def _extras() -> Select:
    """``(event_id, "tag" | "mention" | "reaction", value, position or count, mine)`` for the
    events ``:ids``: everything a page shows besides the events, in one round trip."""
    ids = bindparam("ids", expanding=True)
    reacted = counts(ids, bindparam("viewer")).subquery()
    words = (
        select(model.event_id, literal(what), column, model.position, literal(0)).where(
            model.event_id.in_(ids)
        )
        for what, model, column in (
            ("tag", EventTag, EventTag.tag),
            ("mention", EventMention, EventMention.name),
        )
    )
    return union_all(
        *words,
        select(
            reacted.c.event_id,
            literal("reaction"),
            reacted.c.emoji,
            reacted.c.count,
            reacted.c.mine,
        ),
    )
