"""Periods of digests and audit queries (spans, dates, dates and times, with clear refusals),
and who may read a team's digest and audit trail."""

from datetime import UTC, datetime, timedelta

import pytest

from moiety.core.access import Caller
from moiety.core.digest_period import InvalidPeriod, parse_moment, parse_since, require_lead
from moiety.core.errors import Forbidden, NotFound

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, NOW - timedelta(days=7)),
        ("7d", NOW - timedelta(days=7)),
        (" 24h ", NOW - timedelta(hours=24)),
        ("2W", NOW - timedelta(weeks=2)),
        ("2026-11-16", datetime(2026, 11, 16, tzinfo=UTC)),
        ("2026-11-20T09:15:00Z", datetime(2026, 11, 20, 9, 15, tzinfo=UTC)),
        ("2026-11-20T09:15:00", datetime(2026, 11, 20, 9, 15, tzinfo=UTC)),
        ("2026-11-20T11:15:00+02:00", datetime(2026, 11, 20, 9, 15, tzinfo=UTC)),
        ("2026-11-20T09:15:00.250Z", datetime(2026, 11, 20, 9, 15, 0, 250000, tzinfo=UTC)),
    ],
)
def test_since(value, expected):
    assert parse_since(value, NOW) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("yesterday", "is a date (2026-11-16), a date and time"),
        ("7", "span back from now such as 24h, 7d or 2w"),
        ("-7d", "not '-7d'"),
        ("7 days", "not '7 days'"),
        ("2026-13-01", "not '2026-13-01'"),
        ("2026-11-31", "not '2026-11-31'"),
        ("0d", "must be in the past"),
        ("2026-11-24", "must be in the past"),
        ("2027-01-01T00:00:00Z", "must be in the past"),
        ("400d", "at most 366 days"),
        ("2020-01-01", "at most 366 days"),
        ("99999w", "at most 366 days"),
        ("", "7d"),
    ],
)
def test_bad_since_is_explained(value, words):
    if value == "":
        assert parse_since(value, NOW) == NOW - timedelta(days=7)  # empty means the default
        return
    with pytest.raises(InvalidPeriod, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_since(value, NOW)


def test_a_date_as_the_end_of_a_period_includes_that_day():
    assert parse_moment("until", "2026-11-20", NOW, end_of_day=True) == datetime(
        2026, 11, 21, tzinfo=UTC
    )
    assert parse_moment("until", "2026-11-20T12:00:00Z", NOW, end_of_day=True) == datetime(
        2026, 11, 20, 12, tzinfo=UTC
    )
    with pytest.raises(InvalidPeriod, match="'until' is a date"):
        parse_moment("until", "soon", NOW)


@pytest.mark.parametrize(
    ("caller", "outcome"),
    [
        (Caller("lena", lead_of=frozenset({"kinase", "neuro"})), None),
        (Caller("root", admin=True), None),
        (Caller("bob", teams=frozenset({"kinase"})), Forbidden),
        (Caller("carol", teams=frozenset({"neuro"})), NotFound),
        (Caller("nora", lead_of=frozenset({"neuro"})), NotFound),
        (Caller("project-egfr-sar", project="egfr-sar"), NotFound),
    ],
)
def test_who_reads_a_teams_digest(caller, outcome):
    if outcome is None:
        require_lead(caller, "kinase", "digest")
        return
    with pytest.raises(outcome) as raised:
        require_lead(caller, "kinase", "digest")
    assert raised.value.code == ("not-a-lead" if outcome is Forbidden else "no-team")
