"""Reactions: a palette of emoji, idempotent add and remove, counts and the viewer's own."""

import pytest

from moiety.core.errors import InvalidInput
from moiety.core.events import EventNotFound, record_event
from moiety.core.feed import read_feed
from moiety.core.projects import create_project
from moiety.core.reactions import (
    PALETTE,
    InvalidEmoji,
    add_reaction,
    normalize_emoji,
    remove_reaction,
    summaries,
)
from moiety.store import Reaction

VISIBLE = {"alpha"}


@pytest.fixture
def event_id(db_session):
    for slug in ("alpha", "hidden"):
        create_project(db_session, slug=slug, title=slug, teams=["kinase"], created_by="lee")
    event = record_event(
        db_session, kind="post.created", project="alpha", actor="ana", summary="hello"
    )
    db_session.commit()
    return event.id


def react(session, event_id, user, emoji, visible=VISIBLE):
    return add_reaction(session, event_id=event_id, user=user, emoji=emoji, visible=visible)


@pytest.mark.parametrize(
    ("given", "emoji"),
    [
        ("👍", "👍"),
        ("+1", "👍"),
        (":thumbsup:", "👍"),
        ("Tada", "🎉"),
        ("❤", "❤️"),
        ("❤️", "❤️"),
        (" ⚠️ ", "⚠️"),
        ("test_tube", "🧪"),
    ],
)
def test_normalize_emoji(given, emoji):
    assert normalize_emoji(given) == emoji


@pytest.mark.parametrize("bad", ["", "👍👍", "🦖", "thumbs", "<b>", None, 1, "👍🏽"])
def test_emoji_outside_the_palette(bad):
    with pytest.raises(InvalidEmoji, match="use one of 👍"):
        normalize_emoji(bad)


def test_every_palette_entry_round_trips():
    for emoji, names in PALETTE.items():
        assert normalize_emoji(emoji) == emoji
        assert all(normalize_emoji(name) == emoji for name in names)


def test_add_count_and_reacted(db_session, event_id):
    react(db_session, event_id, "ana", "+1")
    react(db_session, event_id, "bob", "👍")
    summary = react(db_session, event_id, "bob", "tada")
    db_session.commit()
    assert summary == [
        {"emoji": "👍", "names": ["+1", "thumbsup"], "count": 2, "reacted": True},
        {"emoji": "🎉", "names": ["tada", "hooray"], "count": 1, "reacted": True},
    ]
    seen_by_ana = summaries(db_session, [event_id], "ana")[event_id]
    assert [(r["emoji"], r["count"], r["reacted"]) for r in seen_by_ana] == [
        ("👍", 2, True),
        ("🎉", 1, False),
    ]
    anonymous = summaries(db_session, [event_id, 999])
    assert [r["reacted"] for r in anonymous[event_id]] == [False, False]
    assert anonymous[999] == []


def test_adding_twice_is_one_reaction(db_session, event_id):
    react(db_session, event_id, "ana", "👍")
    db_session.commit()
    summary = react(db_session, event_id, "ana", ":+1:")
    db_session.commit()
    assert summary[0]["count"] == 1
    assert db_session.query(Reaction).count() == 1


def test_remove_and_remove_again(db_session, event_id):
    react(db_session, event_id, "ana", "👍")
    react(db_session, event_id, "bob", "👍")
    db_session.commit()
    args = {"event_id": event_id, "user": "ana", "emoji": "+1", "visible": VISIBLE}
    assert remove_reaction(db_session, **args)[0] == {
        "emoji": "👍",
        "names": ["+1", "thumbsup"],
        "count": 1,
        "reacted": False,
    }
    assert remove_reaction(db_session, **args)[0]["count"] == 1
    assert remove_reaction(db_session, **(args | {"user": "bob"})) == []


def test_events_out_of_sight_are_not_found(db_session, event_id):
    hidden = record_event(
        db_session, kind="post.created", project="hidden", actor="ana", summary="secret"
    )
    db_session.commit()
    for target in (hidden.id, 10**9, "1"):
        with pytest.raises(EventNotFound):
            react(db_session, target, "ana", "👍")
        with pytest.raises(EventNotFound):
            remove_reaction(db_session, event_id=target, user="ana", emoji="👍", visible=VISIBLE)
    db_session.commit()
    assert db_session.query(Reaction).count() == 0


def test_feed_items_carry_reactions(db_session, event_id):
    react(db_session, event_id, "bob", "eyes")
    db_session.commit()
    mine = read_feed(db_session, VISIBLE, viewer="bob")["items"]
    theirs = read_feed(db_session, VISIBLE, viewer="ana")["items"]
    assert mine[0]["reactions"] == [{"emoji": "👀", "names": ["eyes"], "count": 1, "reacted": True}]
    assert theirs[0]["reactions"][0]["reacted"] is False
    assert mine[1]["reactions"] == []


def test_bad_user_name(db_session, event_id):
    with pytest.raises(InvalidInput, match="not a user name"):
        react(db_session, event_id, "", "👍")
