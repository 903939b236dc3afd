"""Posts: validation of the body and its mentions; tags, summary and molecules stored."""

import pytest

from moiety.core.feed import FeedFilter, read_feed
from moiety.core.posts import (
    MAX_BODY_BYTES,
    EmptyPost,
    InvalidPost,
    PostTooLarge,
    UnknownMention,
    create_post,
)
from moiety.core.projects import ProjectNotFound, create_project
from moiety.store import Event

MEMBERS = {"ana", "bob", "j.doe"}


@pytest.fixture
def project(db_session):
    create_project(db_session, slug="egfr", title="EGFR", teams=["kinase"], created_by="lee")
    db_session.commit()
    return "egfr"


def post(session, body, project="egfr", actor="ana", members=MEMBERS):
    return create_post(session, project=project, body=body, actor=actor, members=members)


def test_post_is_a_feed_event(db_session, project):
    body = (
        "New #EGFR hits, @Bob and @j.doe please check `#notatag`.\n\n"
        "```smiles\nc1ccc2[nH]ccc2c1 indole core\nCC(=O)Nc1ccccc1\n```\n"
        "<script>alert(1)</script>\n\nSee #potency"
    )
    event = post(db_session, body)
    db_session.commit()
    db_session.expunge_all()
    stored = db_session.get(Event, event.id)
    assert stored.kind == "post.created"
    assert stored.actor == "ana"
    assert stored.data["body"] == body
    assert stored.data["molecules"] == [
        {"smiles": "c1ccc2[nH]ccc2c1", "name": "indole core"},
        {"smiles": "CC(=O)Nc1ccccc1", "name": None},
    ]
    assert [t.tag for t in stored.tags] == ["egfr", "potency"]
    assert [m.name for m in stored.mentions] == ["bob", "j.doe"]
    assert stored.summary.startswith("New #EGFR hits, @Bob and @j.doe please check #notatag.")
    assert "[2 molecules]" in stored.summary
    tagged = read_feed(db_session, {"egfr"}, FeedFilter(tag="potency"))["items"]
    assert [item["id"] for item in tagged] == [event.id]


def test_summary_is_a_short_excerpt(db_session, project):
    words = " ".join(f"word{i}" for i in range(100))
    summary = post(db_session, f"# Title\n\n**{words}**").summary
    assert len(summary) <= 140
    assert summary.startswith("Title word0 word1")
    assert summary.endswith("…")
    assert "*" not in summary


@pytest.mark.parametrize("body", ["", "   \n\t ", None, 42])
def test_empty_posts(db_session, project, body):
    with pytest.raises(EmptyPost, match="needs some text"):
        post(db_session, body)


def test_size_limit_counts_bytes(db_session, project):
    post(db_session, "x" * MAX_BODY_BYTES)
    with pytest.raises(PostTooLarge, match="at most 64 KiB") as raised:
        post(db_session, "é" * (MAX_BODY_BYTES // 2 + 1))
    assert raised.value.status == 413


def test_unreadable_text(db_session, project):
    with pytest.raises(InvalidPost, match="NUL"):
        post(db_session, "a\x00b")
    with pytest.raises(InvalidPost, match="not valid Unicode"):
        post(db_session, "a\ud800b")


def test_mentions_must_be_project_members(db_session, project):
    with pytest.raises(UnknownMention, match="@mallory is not a member") as raised:
        post(db_session, "hi @ana and @Mallory")
    assert raised.value.names == ["mallory"]
    with pytest.raises(UnknownMention, match="@eve, @mallory are not members"):
        post(db_session, "@eve @mallory @eve")
    assert post(db_session, "mail ana@example.com, not a mention").mentions == []
    db_session.rollback()
    assert db_session.query(Event).filter_by(kind="post.created").count() == 0


def test_unknown_project(db_session, project):
    with pytest.raises(ProjectNotFound, match="no project 'ghost'"):
        post(db_session, "hello", project="ghost")
