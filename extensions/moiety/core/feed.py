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

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import Event
from . import paging
from .cursors import DEFAULT_SECRET, decode_cursor, encode_cursor
from .errors import InvalidInput
from .events import EVENT_KINDS
from .feed_queries import NEWEST, page_query, parameters, serialize_rows
from .markup import normalize_tag

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
            raise InvalidFeedQuery(
                f"{self.tag!r} is not a tag: a letter, then letters, digits, '-' or '_'."
            )
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
    return paging.parse_limit(
        value, default=DEFAULT_LIMIT, maximum=MAX_LIMIT, error=InvalidFeedQuery
    )


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
    found = _query(visible, filters)
    if found is None:
        return {"items": [], "next": None}
    shape, values = found
    values["limit"] = limit + 1
    values["cursor"] = NEWEST if before is None else decode_cursor(before, secret)
    query = page_query(shape, "before")
    rows = session.execute(query, values).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1].id, secret) if more else None
    return {"items": serialize_rows(session, rows, viewer), "next": cursor}


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
    found = _query(visible, filters)
    if found is None:
        return []
    shape, values = found
    values.update(cursor=after_id, limit=parse_limit(limit))
    rows = session.execute(page_query(shape, "after"), values).all()
    return serialize_rows(session, rows, viewer)


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


def _query(visible: Collection[str], filters: FeedFilter) -> tuple[tuple, dict] | None:
    projects = set(visible) & filters.projects if filters.projects else set(visible)
    if not projects:
        return None
    tag = None if filters.tag is None else normalize_tag(filters.tag)
    return parameters(projects, filters.actor, filters.kinds, tag, filters.path)
