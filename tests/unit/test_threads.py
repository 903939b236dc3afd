"""Comment threads in core: opening on a cell or lines, replies, edits, deletions, resolution,
reactions and reading, with the feed events and notifications each makes."""

import pytest

from moiety.core import comments, thread_events, threads
from moiety.core.errors import InvalidInput, NotFound
from moiety.core.events import get_event
from moiety.core.posts import UnknownMention
from moiety.core.projects import create_project
from moiety.core.reactions import InvalidEmoji
from moiety.core.thread_anchors import (
    Anchor,
    FileAnchors,
    InvalidAnchor,
    NoSuchCell,
    NoSuchFile,
)
from moiety.store import Event, Project
from moiety.store.discussion import Comment, Notification

MEMBERS = {"alice", "bob", "lena"}
VISIBLE = {"egfr"}
NOTEBOOK = FileAnchors(
    path="notebooks/explore.ipynb",
    exists=True,
    kind="notebook",
    commit="c0ffee" * 6 + "beef",
    cells=[
        {"id": "intro", "index": 0, "hash": "1111111111111111"},
        {"id": "pic50", "index": 1, "hash": "2222222222222222"},
    ],
)
TEXT = FileAnchors(
    path="data/notes.txt",
    exists=True,
    kind="text",
    commit="abc",
    line_count=4,
    lines=["EGFR assay", "plate 1", "plate 2", "done"],
)


@pytest.fixture
def projects(db_session):
    for slug, team in (("egfr", "kinase"), ("sulfa", "neuro")):
        create_project(db_session, slug=slug, title=slug, teams=[team], created_by="lena")
    db_session.commit()


def open_thread(
    session, body="this pIC50 looks off @bob", file=NOTEBOOK, anchor=None, actor="alice"
):
    return threads.open_thread(
        session,
        project="egfr",
        file=file,
        anchor=anchor or Anchor(cell_id="pic50"),
        body=body,
        actor=actor,
        members=MEMBERS,
    )


def reply(session, thread_id, body, actor):
    return threads.reply(
        session, thread_id=thread_id, body=body, actor=actor, members=MEMBERS, visible=VISIBLE
    )


def notified(change):
    return {n.user: n.reason for n in change.notifications}


def test_a_thread_on_a_cell_is_recorded_with_its_anchor_event_and_mention(db_session, projects):
    body = "this pIC50 looks off @Bob #potency\n\n```smiles\nCCOc1ccccc1 phenetole\n```"
    change = open_thread(db_session, body)
    db_session.commit()
    thread, comment, event = change.thread, change.comment, change.event
    assert (thread.path, thread.cell_id, thread.cell_hash) == (
        "notebooks/explore.ipynb",
        "pic50",
        "2222222222222222",
    )
    assert thread.opened_commit == NOTEBOOK.commit
    assert (thread.state, thread.anchor_state, thread.created_by) == ("open", "current", "alice")
    assert comment.body == body
    assert comment.molecules == [{"smiles": "CCOc1ccccc1", "name": "phenetole"}]
    assert event.kind == "thread.opened"
    assert event.path == "notebooks/explore.ipynb"
    assert event.data["thread"] == thread.id
    assert event.data["cell_id"] == "pic50"
    assert event.data["comment"] == comment.id
    assert event.data["excerpt"].startswith("this pIC50 looks off @Bob #potency")
    assert event.data["molecules"] == comment.molecules
    assert [t.tag for t in event.tags] == ["potency"]
    assert [m.name for m in event.mentions] == ["bob"]
    assert notified(change) == {"bob": "mention"}

    [item] = threads.serialize_threads(db_session, [thread], "alice")
    assert item["anchor"] == {"cell_id": "pic50", "line": None, "line_end": None}
    assert item["commit"] == NOTEBOOK.commit
    assert [c["body"] for c in item["comments"]] == [body]
    assert item["comments"][0]["mentions"] == ["bob"]
    assert item["comments"][0]["tags"] == ["potency"]
    assert item["event"] == event.id


def test_a_thread_on_lines_keeps_their_text(db_session, projects):
    change = open_thread(db_session, "plates?", file=TEXT, anchor=Anchor(line=2, line_end=3))
    assert (change.thread.line, change.thread.line_end) == (2, 3)
    assert change.thread.line_text == "plate 1\nplate 2"
    assert change.event.data["line"] == 2
    assert change.notifications == []


def test_a_thread_on_a_whole_file(db_session, projects):
    change = open_thread(db_session, "what is this file for?", anchor=Anchor())
    assert change.thread.cell_id is None
    assert change.thread.line is None


@pytest.mark.parametrize(
    ("file", "anchor", "error", "words"),
    [
        (FileAnchors("nope.ipynb", False), Anchor(), NoSuchFile, "no file 'nope.ipynb'"),
        (NOTEBOOK, Anchor(cell_id="gone"), NoSuchCell, "no cell 'gone'"),
        (NOTEBOOK, Anchor(line=1), InvalidAnchor, "anchor the thread to a cell"),
        (TEXT, Anchor(cell_id="pic50"), InvalidAnchor, "only notebooks have cells"),
        (TEXT, Anchor(line=4, line_end=5), InvalidAnchor, "line 5 is past its end"),
        (FileAnchors("a.png", True, "binary"), Anchor(line=1), InvalidAnchor, "whole file"),
    ],
)
def test_anchors_the_file_does_not_have(db_session, projects, file, anchor, error, words):
    with pytest.raises(error, match=words):
        open_thread(db_session, "hello", file=file, anchor=anchor)
    assert NoSuchFile.status == NoSuchCell.status == 404


@pytest.mark.parametrize(
    ("body", "error", "status"),
    [
        ("", comments.EmptyComment, 400),
        ("  \n ", comments.EmptyComment, 400),
        (None, comments.EmptyComment, 400),
        ("a\x00b", comments.InvalidComment, 400),
        ("x" * (64 * 1024 + 1), comments.CommentTooLarge, 413),
        ("hi @carol and @dave", UnknownMention, 400),
    ],
)
def test_bodies_that_are_refused(db_session, projects, body, error, status):
    with pytest.raises(error) as raised:
        open_thread(db_session, body)
    assert raised.value.status == status
    if error is UnknownMention:
        assert "@carol, @dave are not members of the teams of egfr" in raised.value.message


def test_a_body_of_exactly_64_kib_is_accepted(db_session, projects):
    assert open_thread(db_session, "x" * (64 * 1024)).comment.id


def test_replies_notify_participants_and_mentions_win(db_session, projects):
    thread = open_thread(db_session).thread
    answer = reply(db_session, thread.id, "Looks right to me", "bob")
    assert notified(answer) == {"alice": "reply"}
    assert answer.event.kind == "comment.added"
    assert answer.event.data["thread"] == thread.id
    assert answer.event.data["comment"] == answer.comment.id

    again = reply(db_session, thread.id, "@alice see the second plate, @lena FYI", "bob")
    assert notified(again) == {"alice": "mention", "lena": "mention"}
    third = reply(db_session, thread.id, "ok", "alice")
    assert notified(third) == {"bob": "reply"}
    db_session.commit()
    counts = db_session.query(Notification.user, Notification.event_id).all()
    assert len(counts) == len(set(counts))
    item = threads.serialize_threads(db_session, [thread], "bob")[0]
    assert [c["author"] for c in item["comments"]] == ["alice", "bob", "bob", "alice"]
    assert item["comment_count"] == 4


def test_an_author_edits_only_their_own_comment(db_session, projects):
    change = open_thread(db_session, "pIC50 #typo")
    comment = change.comment
    with pytest.raises(comments.NotYourComment) as raised:
        comments.edit_comment(db_session, comment, actor="bob", body="x", members=MEMBERS)
    assert raised.value.status == 403
    named = comments.edit_comment(
        db_session, comment, actor="alice", body="pIC50 7.2 #potency @bob", members=MEMBERS
    )
    assert named == ["bob"]
    assert comment.edited_at is not None
    thread_events.follow_comment(db_session, comment)
    notes = threads.mention_on_edit(db_session, comment, named)
    assert [(n.user, n.reason, n.event_id) for n in notes] == [("bob", "mention", change.event.id)]
    assert threads.mention_on_edit(db_session, comment, named) == []
    db_session.commit()
    event = get_event(db_session, change.event.id, VISIBLE)
    assert event.data["excerpt"] == "pIC50 7.2 #potency @bob"
    assert [t.tag for t in event.tags] == ["potency"]
    assert [m.name for m in event.mentions] == ["bob"]
    with pytest.raises(UnknownMention):
        comments.edit_comment(db_session, comment, actor="alice", body="@carol", members=MEMBERS)


def test_deleting_keeps_a_tombstone_and_scrubs_the_feed(db_session, projects):
    thread = open_thread(db_session, "secret compound CCO #leak").thread
    answer = reply(db_session, thread.id, "please delete that", "bob")
    first = thread.comments[0]
    with pytest.raises(comments.NotYourComment, match="author, a lead"):
        comments.delete_comment(db_session, first, actor="bob", moderator=False)
    assert comments.delete_comment(db_session, first, actor="lena", moderator=True)
    thread_events.follow_comment(db_session, first)
    assert not comments.delete_comment(db_session, first, actor="lena", moderator=True)
    assert comments.delete_comment(db_session, answer.comment, actor="bob", moderator=False)
    db_session.commit()

    item = threads.serialize_threads(db_session, [thread], "alice")[0]
    tomb = item["comments"][0]
    assert (tomb["deleted"], tomb["deleted_by"], tomb["body"]) == (True, "lena", "")
    assert tomb["tombstone"] == "comment deleted by lena"
    assert tomb["author"] == "alice"
    assert tomb["deleted_at"]
    assert item["comment_count"] == 0
    event = db_session.get(Event, thread.event_id)
    assert "secret" not in event.summary
    assert "CCO" not in str(event.data)
    assert event.data["deleted"] is True
    assert event.tags == []
    with pytest.raises(comments.CommentDeleted) as raised:
        comments.edit_comment(db_session, first, actor="alice", body="again", members=MEMBERS)
    assert raised.value.status == 409


def test_resolving_and_reopening(db_session, projects):
    thread = open_thread(db_session).thread
    reply(db_session, thread.id, "fixed it", "bob")
    done = threads.set_state(
        db_session, thread_id=thread.id, state="resolved", actor="lena", visible=VISIBLE
    )
    assert done.event.kind == "thread.resolved"
    assert done.event.data["thread"] == thread.id
    assert notified(done) == {"alice": "reply", "bob": "reply"}
    assert (thread.resolved_by, thread.state) == ("lena", "resolved")
    again = threads.set_state(
        db_session, thread_id=thread.id, state="resolved", actor="bob", visible=VISIBLE
    )
    assert again.event is None
    assert thread.resolved_by == "lena"
    reopened = threads.set_state(
        db_session, thread_id=thread.id, state="open", actor="alice", visible=VISIBLE
    )
    assert reopened.event.kind == "thread.reopened"
    assert (reopened.event.actor, reopened.event.path) == ("alice", thread.path)
    assert (thread.state, thread.reopened_by) == ("open", "alice")
    with pytest.raises(InvalidInput, match="'open' or 'resolved'"):
        threads.set_state(
            db_session, thread_id=thread.id, state="closed", actor="alice", visible=VISIBLE
        )


def test_reading_threads_with_filters_and_pages(db_session, projects):
    made = [open_thread(db_session, f"thread {i}").thread for i in range(3)]
    made.append(open_thread(db_session, "on the notes", file=TEXT, anchor=Anchor(line=1)).thread)
    threads.set_state(
        db_session, thread_id=made[0].id, state="resolved", actor="bob", visible=VISIBLE
    )
    db_session.commit()

    def ids(**kwargs):
        found, cursor = threads.list_threads(db_session, project="egfr", **kwargs)
        return [t.id for t in found], cursor

    assert ids()[0] == [made[3].id, made[2].id, made[1].id]
    assert ids(state="resolved")[0] == [made[0].id]
    assert ids(state="all", path="data/")[0] == [made[3].id]
    assert ids(state="all", cell_id="pic50")[0] == [t.id for t in made[2::-1]]
    first, cursor = ids(state="all", limit=2)
    second, end = ids(state="all", limit=2, before=cursor)
    assert first + second == [t.id for t in reversed(made)]
    assert end is None
    for bad in ({"state": "closed"}, {"limit": "0"}, {"limit": "x"}, {"before": "garbage"}):
        with pytest.raises(threads.InvalidThreadQuery):
            ids(**bad)
    assert threads.list_threads(db_session, project="sulfa")[0] == []


def test_threads_of_projects_one_cannot_see_are_not_found(db_session, projects):
    thread = open_thread(db_session).thread
    comment = thread.comments[0]
    with pytest.raises(NotFound, match=f"no thread {thread.id}"):
        threads.get_thread(db_session, thread.id, {"sulfa"})
    with pytest.raises(NotFound):
        reply(db_session, 10**6, "hello", "bob")
    with pytest.raises(NotFound, match=f"no comment {comment.id}"):
        comments.get_comment(db_session, comment.id, {"sulfa"})
    for bad in ("1", None, True, 10**9):
        with pytest.raises(NotFound):
            threads.get_thread(db_session, bad, VISIBLE)


def test_reactions_to_comments(db_session, projects):
    comment = open_thread(db_session).comment
    for user, emoji in (("bob", "+1"), ("lena", "👍"), ("bob", ":tada:"), ("bob", "👍")):
        comments.add_reaction(db_session, comment, user=user, emoji=emoji)
    summary = comments.reaction_summaries(db_session, [comment.id], "bob")[comment.id]
    assert [(r["emoji"], r["count"], r["reacted"]) for r in summary] == [
        ("👍", 2, True),
        ("🎉", 1, True),
    ]
    comments.remove_reaction(db_session, comment, user="bob", emoji="thumbsup")
    comments.remove_reaction(db_session, comment, user="bob", emoji="thumbsup")
    summary = comments.reaction_summaries(db_session, [comment.id], "bob")[comment.id]
    assert [(r["emoji"], r["count"], r["reacted"]) for r in summary] == [
        ("👍", 1, False),
        ("🎉", 1, True),
    ]
    with pytest.raises(InvalidEmoji):
        comments.add_reaction(db_session, comment, user="bob", emoji="🦖")
    comments.delete_comment(db_session, comment, actor="alice", moderator=False)
    assert comments.reaction_summaries(db_session, [comment.id], "bob")[comment.id] == []
    with pytest.raises(comments.CommentDeleted):
        comments.add_reaction(db_session, comment, user="bob", emoji="👍")


def test_a_deleted_project_takes_its_discussions_along(db_session, projects):
    open_thread(db_session)
    db_session.commit()
    db_session.delete(db_session.get(Project, "egfr"))
    db_session.commit()
    assert db_session.query(Comment).count() == 0
    assert db_session.query(Notification).count() == 0
