"""Reading the activity feed: newest first, filtered, paged by an opaque cursor.

Pages are keyset-paginated on the event id (``id < cursor``), never OFFSET: a page deep in the
feed costs what the first page costs, and events recorded while someone pages (they get larger
ids) neither repeat nor hide older events on later pages.

Filters (all optional, combined with AND) narrow the caller's visible projects, which are
required and always applied:

- ``project`` (repeatable): only these projects (others the caller cannot see give nothing);
- ``actor``: events by this user; ``kind`` (repeatable): events of these kinds;
- ``tag``: events tagged so (``#`` optional, any case);
- ``path``: events about exactly this file, or, if it ends with ``/``, about anything under
  that folder (``notebooks/`` matches ``notebooks/a.ipynb`` and ``notebooks/x/b.ipynb``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Row, Select, bindparam, select
from sqlalchemy.orm import Session

from ..store.models import Event, EventMention, EventTag
from .cursors import DEFAULT_SECRET, decode_cursor, encode_cursor
from .errors import InvalidInput
from .events import EVENT_KINDS, serialize_event
from .markup import normalize_tag
from .reactions import summaries

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SINGLE = ("actor", "tag", "path", "before", "limit")
_COLUMNS = (
    Event.id,
    Event.kind,
    Event.project,
    Event.actor,
    Event.created_at,
    Event.path,
    Event.summary,
    Event.data,
)


class InvalidFeedQuery(InvalidInput):
    code = "invalid-feed-query"


@dataclass(frozen=True)
class FeedFilter:
    projects: frozenset[str] = frozenset()
    actor: str | None = None
    kinds: frozenset[str] = frozenset()
    tag: str | None = None
    path: str | None = None

    def __post_init__(self):
        unknown = sorted(set(self.kinds) - EVENT_KINDS)
        if unknown:
            known = ", ".join(sorted(EVENT_KINDS))
            raise InvalidFeedQuery(f"Unknown event kind {unknown[0]!r}; the kinds are {known}.")
        if self.tag is not None and normalize_tag(self.tag) is None:
            raise InvalidFeedQuery(f"{self.tag!r} is not a tag: a letter, then letters or digits.")
        if self.path is not None and not self.path.strip("/"):
            raise InvalidFeedQuery("The path filter must name a file, or a folder ending in '/'.")
        if self.actor is not None and not self.actor:
            raise InvalidFeedQuery("The actor filter must name a user.")

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, Sequence[str]]) -> FeedFilter:
        """Filters from query arguments (name -> all values given), as in ``GET /feed``."""
        for name in _SINGLE:
            if len(arguments.get(name, ())) > 1:
                raise InvalidFeedQuery(f"Give '{name}' at most once.")

        def one(name: str) -> str | None:
            values = arguments.get(name)
            return values[0] if values else None

        return cls(
            projects=frozenset(arguments.get("project", ())),
            actor=one("actor"),
            kinds=frozenset(arguments.get("kind", ())),
            tag=one("tag"),
            path=one("path"),
        )


def parse_limit(value: int | str | None) -> int:
    """``limit`` as given (None: the default), checked to be 1..MAX_LIMIT."""
    if value is None:
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if isinstance(value, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidFeedQuery(f"'limit' must be a whole number from 1 to {MAX_LIMIT}.")
    return limit


def read_feed(
    session: Session,
    visible: Collection[str],
    filters: FeedFilter = FeedFilter(),
    *,
    before: str | None = None,
    limit: int | str | None = None,
    viewer: str | None = None,
    secret: bytes = DEFAULT_SECRET,
) -> dict[str, Any]:
    """One page, newest first: ``{"items": [...], "next": cursor or None}``.

    ``visible``: slugs of the projects the caller may see. ``before``: the ``next`` of the
    previous page. ``viewer``: whose reactions count as ``reacted``. ``secret`` signs cursors.
    """
    limit = parse_limit(limit)
    found = _filtered(visible, filters)
    if found is None:
        return {"items": [], "next": None}
    query, order = found
    if before is not None:
        query = query.where(order < decode_cursor(before, secret))
    rows = session.execute(query.order_by(order.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1].id, secret) if more else None
    return {"items": _serialized(session, rows, viewer), "next": cursor}


def events_after(
    session: Session,
    visible: Collection[str],
    after_id: int,
    filters: FeedFilter = FeedFilter(),
    *,
    limit: int = MAX_LIMIT,
    viewer: str | None = None,
) -> list[dict[str, Any]]:
    """Events with an id greater than ``after_id``, oldest first: the live stream's catch-up
    after ``Last-Event-ID``. At most ``limit``; call again from the last id for more."""
    found = _filtered(visible, filters)
    if found is None:
        return []
    query, order = found
    query = query.where(order > after_id).order_by(order).limit(parse_limit(limit))
    return _serialized(session, session.execute(query).all(), viewer)


def parse_last_event_id(value: str | None) -> int:
    """The ``Last-Event-ID`` header as an event id (0 if absent)."""
    if value is None or value == "":
        return 0
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise InvalidFeedQuery("Last-Event-ID must be the id of an event from this stream.")
    return int(value)


def latest_event_id(session: Session) -> int:
    """The newest event id (0 if none): where a new live stream starts."""
    return session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0


def _filtered(visible: Collection[str], filters: FeedFilter) -> tuple[Select, Any] | None:
    """The query for ``filters`` within ``visible``, and the id column to order and page by."""
    projects = set(visible) & filters.projects if filters.projects else set(visible)
    if not projects:
        return None
    query = select(*_COLUMNS).where(Event.project.in_(_values("projects", projects)))
    if filters.actor is not None:
        query = query.where(Event.actor == filters.actor)
    if filters.kinds:
        query = query.where(Event.kind.in_(_values("kinds", filters.kinds)))
    if filters.path is not None:
        if filters.path.endswith("/"):
            # Paths compare bytewise (see store.types), so the folder is one index range.
            end = filters.path[:-1] + chr(ord("/") + 1)
            query = query.where(Event.path >= filters.path, Event.path < end)
        else:
            query = query.where(Event.path == filters.path)
    if filters.tag is None:
        return query, Event.id
    # Walking the tag's index in event order and joining each event is what stops early, on
    # both databases, once a page is found; so order by the tag row's copy of the id.
    query = query.join(EventTag, EventTag.event_id == Event.id).where(
        EventTag.tag == normalize_tag(filters.tag)
    )
    return query, EventTag.event_id


def _serialized(session: Session, rows: Sequence[Row], viewer: str | None) -> list[dict]:
    """Rows in the API shape, with tags, mentions and reactions in three more queries.

    Plain rows rather than ORM objects and relationship loading: a third of the time per page.
    """
    if not rows:
        return []
    ids = [row.id for row in rows]
    tags = _grouped(session, EventTag.tag, EventTag, ids)
    mentions = _grouped(session, EventMention.name, EventMention, ids)
    reactions = summaries(session, ids, viewer)
    return [
        serialize_event(row, reactions[row.id], tags=tags[row.id], mentions=mentions[row.id])
        for row in rows
    ]


def _grouped(session: Session, column, model, ids: list[int]) -> defaultdict[int, list[str]]:
    grouped: defaultdict[int, list[str]] = defaultdict(list)
    query = select(model.event_id, column).where(model.event_id.in_(_values("ids", ids)))
    for event_id, value in session.execute(query.order_by(model.event_id, model.position)):
        grouped[event_id].append(value)
    return grouped


def _values(name: str, values: Collection) -> BindParameter:
    """One expanding parameter for an IN list: SQLAlchemy then skips coercing each value."""
    return bindparam(name, sorted(values), expanding=True)
