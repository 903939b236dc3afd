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

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from ..store.models import Event, EventTag
from .cursors import DEFAULT_SECRET, decode_cursor, encode_cursor
from .errors import InvalidInput
from .events import EVENT_KINDS, serialize_event
from .markup import normalize_tag
from .reactions import summaries

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SINGLE = ("actor", "tag", "path", "before", "limit")


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
    query = _filtered(visible, filters)
    if query is None:
        return {"items": [], "next": None}
    if before is not None:
        query = query.where(Event.id < decode_cursor(before, secret))
    events = list(session.scalars(query.order_by(Event.id.desc()).limit(limit + 1)))
    more = len(events) > limit
    events = events[:limit]
    cursor = encode_cursor(events[-1].id, secret) if more else None
    return {"items": _serialized(session, events, viewer), "next": cursor}


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
    query = _filtered(visible, filters)
    if query is None:
        return []
    query = query.where(Event.id > after_id).order_by(Event.id).limit(parse_limit(limit))
    return _serialized(session, list(session.scalars(query)), viewer)


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


def _filtered(visible: Collection[str], filters: FeedFilter) -> Select | None:
    projects = set(visible) & filters.projects if filters.projects else set(visible)
    if not projects:
        return None
    query = (
        select(Event)
        .where(Event.project.in_(sorted(projects)))
        .options(selectinload(Event.tags), selectinload(Event.mentions))
    )
    if filters.actor is not None:
        query = query.where(Event.actor == filters.actor)
    if filters.kinds:
        query = query.where(Event.kind.in_(sorted(filters.kinds)))
    if filters.path is not None:
        if filters.path.endswith("/"):
            # Paths compare bytewise (see store.types), so the folder is one index range.
            end = filters.path[:-1] + chr(ord("/") + 1)
            query = query.where(Event.path >= filters.path, Event.path < end)
        else:
            query = query.where(Event.path == filters.path)
    if filters.tag is not None:
        tagged = select(EventTag.event_id).where(EventTag.tag == normalize_tag(filters.tag))
        query = query.where(Event.id.in_(tagged))
    return query


def _serialized(session: Session, events: list[Event], viewer: str | None) -> list[dict]:
    reactions = summaries(session, [e.id for e in events], viewer)
    return [serialize_event(e, reactions[e.id]) for e in events]
