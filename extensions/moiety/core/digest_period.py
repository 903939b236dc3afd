"""The period of a digest or an audit query, and who may read a team's digest and audit trail.

Moments are given as a date (``2026-11-16``, midnight UTC), a date and time
(``2026-11-16T09:00:00Z``; UTC when no zone is given) or a span back from now (``24h``, ``7d``,
``2w``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from .access import Caller
from .errors import Forbidden, InvalidInput, NotFound

DEFAULT_SINCE = "7d"
MAX_DAYS = 366
_SPAN = re.compile(r"(\d{1,5})([hdw])")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


class InvalidPeriod(InvalidInput):
    code = "invalid-period"


def parse_moment(name: str, value: str, now: datetime, *, end_of_day: bool = False) -> datetime:
    """A moment from ``value``: a span back from ``now`` (``24h``, ``7d``, ``2w``), a date
    (midnight UTC; the next midnight with ``end_of_day``), or a date and time (UTC if no zone)."""
    text = value.strip() if isinstance(value, str) else ""
    span = _SPAN.fullmatch(text.lower())
    try:
        if span:
            return now - int(span.group(1)) * _UNITS[span.group(2)]
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(), UTC) + timedelta(days=1 if end_of_day else 0)
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidPeriod(
            f"'{name}' is a date (2026-11-16), a date and time (2026-11-16T09:00:00Z), or a span "
            f"back from now such as 24h, 7d or 2w; not {value!r}."
        ) from None


def parse_since(value: str | None, now: datetime) -> datetime:
    """The start of a digest's period: in the past, at most :data:`MAX_DAYS` days back."""
    since = parse_moment("since", value or DEFAULT_SINCE, now)
    if since >= now:
        raise InvalidPeriod(f"'since' must be in the past; {value!r} is not.")
    if now - since > timedelta(days=MAX_DAYS):
        raise InvalidPeriod(f"A digest covers at most {MAX_DAYS} days; {value!r} is further back.")
    return since


def require_lead(caller: Caller, team: str, what: str) -> None:
    """Admins and the team's leads pass; its members get 403, others 404 (the team's
    existence does not leak to people outside it)."""
    if caller.admin or team in caller.lead_of:
        return
    if team in caller.teams:
        raise Forbidden(f"Only leads of {team} and admins can read its {what}.", code="not-a-lead")
    raise NotFound(f"There is no team {team!r} that you lead.", code="no-team")
