"""What every paged list shares: the ``limit`` a caller may ask for."""

from __future__ import annotations

from .errors import InvalidInput


def parse_limit(
    value: object, *, default: int, maximum: int, error: type[InvalidInput] = InvalidInput
) -> int:
    """``limit`` as given in a query (None: ``default``), checked to be 1..``maximum``."""
    if value is None:
        return default
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if isinstance(value, bool) or not 1 <= limit <= maximum:
        raise error(f"'limit' must be a whole number from 1 to {maximum}.")
    return limit
