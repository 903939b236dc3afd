"""Emoji reactions to feed events.

Reactions come from a fixed palette (:data:`PALETTE`), given as the emoji itself or one of its
short names (``"+1"``, ``":tada:"``). A palette rather than any Unicode emoji: Python's standard
library cannot tell an emoji grapheme from other text, and a small set keeps the picker, the
counts and the digest consistent (no ``❤`` and ``❤️`` counted apart). Reactions are stored as the
palette's emoji, so widening the palette later needs no migration.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime

from sqlalchemy import Select, bindparam, case, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..store.models import Event, Reaction
from .errors import InvalidInput
from .events import get_event

PALETTE: dict[str, tuple[str, ...]] = {
    "👍": ("+1", "thumbsup"),
    "👎": ("-1", "thumbsdown"),
    "😄": ("smile", "laugh"),
    "🎉": ("tada", "hooray"),
    "😕": ("confused",),
    "❤️": ("heart",),
    "🚀": ("rocket",),
    "👀": ("eyes",),
    "🤔": ("thinking",),
    "✅": ("check", "white_check_mark"),
    "🔥": ("fire",),
    "💡": ("bulb", "idea"),
    "🧪": ("test_tube",),
    "⚠️": ("warning",),
}
_VARIATION_SELECTOR = "\ufe0f"
_LOOKUP = {emoji.replace(_VARIATION_SELECTOR, ""): emoji for emoji in PALETTE} | {
    name: emoji for emoji, names in PALETTE.items() for name in names
}
_ORDER = {emoji: i for i, emoji in enumerate(PALETTE)}


class InvalidEmoji(InvalidInput):
    code = "invalid-emoji"


def normalize_emoji(value: object) -> str:
    """The palette emoji for ``value`` (an emoji or a short name), else :class:`InvalidEmoji`."""
    if isinstance(value, str):
        key = value.strip().strip(":").replace(_VARIATION_SELECTOR, "")
        emoji = _LOOKUP.get(key) or _LOOKUP.get(key.lower())
        if emoji:
            return emoji
    choices = " ".join(PALETTE)
    raise InvalidEmoji(f"{value!r} is not a reaction Moiety offers; use one of {choices}.")


def add_reaction(
    session: Session, *, event_id: int, user: str, emoji: str, visible: Collection[str]
) -> list[dict]:
    """React to an event (again: no change); returns its reactions as ``user`` sees them."""
    emoji, user = normalize_emoji(emoji), _checked_user(user)
    if not isinstance(event_id, int):
        get_event(session, event_id, visible)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = literal(datetime.now(UTC), Reaction.created_at.type)
    source = select(Event.id, literal(user), literal(emoji), now).where(
        Event.id == event_id, Event.project.in_(set(visible))
    )
    statement = insert(Reaction).from_select(
        [Reaction.event_id, Reaction.user, Reaction.emoji, Reaction.created_at], source
    )
    session.execute(statement.on_conflict_do_nothing())
    get_event(session, event_id, visible)
    return summaries(session, [event_id], user)[event_id]


def remove_reaction(
    session: Session, *, event_id: int, user: str, emoji: str, visible: Collection[str]
) -> list[dict]:
    """Take back a reaction (if there is none: no change); returns the event's reactions."""
    emoji, user = normalize_emoji(emoji), _checked_user(user)
    if not isinstance(event_id, int):
        get_event(session, event_id, visible)
    visible_event = select(Event.id).where(Event.id == event_id, Event.project.in_(set(visible)))
    session.execute(
        delete(Reaction).where(
            Reaction.event_id.in_(visible_event), Reaction.user == user, Reaction.emoji == emoji
        )
    )
    get_event(session, event_id, visible)
    return summaries(session, [event_id], user)[event_id]


def summaries(
    session: Session, event_ids: Iterable[int], viewer: str | None = None
) -> dict[int, list[dict]]:
    """For each event, ``[{emoji, names, count, reacted}]`` in palette order (``reacted``: by
    ``viewer``). Events without reactions map to an empty list."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = session.execute(counts(bindparam("ids", ids, expanding=True), viewer))
    return summaries_from(ids, rows)


def counts(event_ids, viewer: str | None) -> Select:
    """``(event_id, emoji, count, mine)`` for the events in ``event_ids`` (an IN operand)."""
    mine = func.max(case((Reaction.user == viewer, 1), else_=0))
    return (
        select(Reaction.event_id, Reaction.emoji, func.count().label("count"), mine.label("mine"))
        .where(Reaction.event_id.in_(event_ids))
        .group_by(Reaction.event_id, Reaction.emoji)
    )


def summaries_from(event_ids: Iterable[int], rows: Iterable) -> dict[int, list[dict]]:
    """Summaries as :func:`summaries` gives them, from rows of :func:`counts`."""
    result: dict[int, list[dict]] = {event_id: [] for event_id in event_ids}
    for event_id, emoji, count, mine in rows:
        names = list(PALETTE.get(emoji, ()))
        result[event_id].append(
            {"emoji": emoji, "names": names, "count": count, "reacted": bool(mine)}
        )
    for items in result.values():
        items.sort(key=lambda item: _ORDER.get(item["emoji"], len(_ORDER)))
    return result


def _checked_user(user: object) -> str:
    if not isinstance(user, str) or not user or len(user) > 255:
        raise InvalidInput(f"{user!r} is not a user name.")
    return user
