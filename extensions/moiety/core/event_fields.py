"""The checks an event's fields pass before it is stored, with reasons a person can act on."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from .errors import InvalidInput
from .markup import normalize_name, normalize_tag

EVENT_KINDS = frozenset(
    {
        "project.created",
        "member.joined",
        "file.created",
        "file.saved",
        "file.renamed",
        "file.deleted",
        "snapshot.created",
        "version.restored",
        "post.created",
        "thread.opened",
        "comment.added",
        "thread.resolved",
        "thread.reopened",
        "comment.edited",
        "comment.deleted",
        "compounds.changed",
        "molecule.shared",
    }
)
MAX_SUMMARY = 500
MAX_PATH = 1024
MAX_KEY = 255
MAX_DATA_BYTES = 256 * 1024
MAX_TAGS = 50
MAX_FOLDER_DEPTH = 32


class InvalidEvent(InvalidInput):
    code = "invalid-event"


def checked_text(field: str, value: object, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEvent(f"The event's {field} must be non-empty text.")
    if not storable(value):
        raise InvalidEvent(f"The event's {field} has a NUL or an unpaired surrogate character.")
    if len(value) > limit:
        raise InvalidEvent(f"The event's {field} is longer than {limit} characters.")
    return value


def checked_kind(kind: str) -> str:
    if kind not in EVENT_KINDS:
        known = ", ".join(sorted(EVENT_KINDS))
        raise InvalidEvent(f"{kind!r} is not a kind of event Moiety knows; use one of {known}.")
    return kind


def checked_moment(moment: object) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise InvalidEvent("The event's time must be a datetime with a time zone.")
    return moment


def checked_data(data: object) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidEvent("The event's data must be a JSON object.")
    try:
        text = json.dumps(data, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        raise InvalidEvent(f"The event's data is not plain JSON: {e}.") from None
    if not all(storable(s) for s in _strings(data)):
        raise InvalidEvent("The event's data has a NUL or an unpaired surrogate character.")
    if len(text.encode()) > MAX_DATA_BYTES:
        raise InvalidEvent(f"The event's data is larger than {MAX_DATA_BYTES // 1024} KiB.")
    return data


def checked_words(what: str, values: Iterable[str]) -> list[str]:
    """Tags or mentions (``what``), normalized and deduplicated in order."""
    normalize = normalize_tag if what == "tag" else normalize_name
    if isinstance(values, str):
        raise InvalidEvent(f"The event's {what}s must be a list, not {values!r}.")
    found: dict[str, None] = {}
    for value in values:
        normal = normalize(value) if isinstance(value, str) else None
        if normal is None:
            raise InvalidEvent(f"{value!r} is not a valid {what}.")
        found.setdefault(normal)
    if len(found) > MAX_TAGS:
        raise InvalidEvent(f"An event can have at most {MAX_TAGS} {what}s.")
    return list(found)


def folders_of(path: str) -> list[str]:
    """The folders ``path`` lies in, outermost first: ``a/b/c.csv`` -> ``a/``, ``a/b/``."""
    parts = path.split("/")[:-1][:MAX_FOLDER_DEPTH]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def storable(text: str) -> bool:
    """Whether PostgreSQL can store ``text`` (it refuses NUL and invalid UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
