"""The discussions export: every thread and comment with authors, times, edits, deletions and
resolutions, as JSON and as CSV that spreadsheets read as text."""

import csv
import io

import pytest

from moiety.core import comments, discussion_export, thread_events, threads
from moiety.core.projects import create_project
from moiety.core.thread_anchors import Anchor, FileAnchors

MEMBERS = {"alice", "bob", "lena"}
NOTEBOOK = FileAnchors("nb.ipynb", True, "notebook", "c0ffee", [{"id": "c1", "hash": "h"}])
TEXT = FileAnchors("notes.txt", True, "text", "c0ffee", line_count=2, lines=["a", "b"])


@pytest.fixture
def discussion(db_session):
    create_project(db_session, slug="egfr", title="EGFR", teams=["kinase"], created_by="lena")
    create_project(db_session, slug="other", title="Other", teams=["kinase"], created_by="lena")
    first = threads.open_thread(
        db_session,
        project="egfr",
        file=NOTEBOOK,
        anchor=Anchor(cell_id="c1"),
        body='=HYPERLINK("http://x") is @bob\'s #formula\n```smiles\nCCO ethanol\n```',
        actor="alice",
        members=MEMBERS,
    )
    answer = threads.reply(
        db_session,
        thread_id=first.thread.id,
        body="typo",
        actor="bob",
        members=MEMBERS,
        visible={"egfr"},
    )
    comments.edit_comment(db_session, answer.comment, actor="bob", body="fixed", members=MEMBERS)
    thread_events.follow_comment(db_session, answer.comment)
    gone = threads.reply(
        db_session,
        thread_id=first.thread.id,
        body="oops, wrong thread",
        actor="alice",
        members=MEMBERS,
        visible={"egfr"},
    )
    comments.delete_comment(db_session, gone.comment, actor="lena", moderator=True)
    threads.set_state(
        db_session, thread_id=first.thread.id, state="resolved", actor="lena", visible={"egfr"}
    )
    threads.open_thread(
        db_session,
        project="egfr",
        file=TEXT,
        anchor=Anchor(line=2),
        body="second thread",
        actor="bob",
        members=MEMBERS,
    )
    threads.open_thread(
        db_session,
        project="other",
        file=TEXT,
        anchor=Anchor(),
        body="not exported",
        actor="bob",
        members=MEMBERS,
    )
    db_session.commit()
    return first.thread.id


def test_json_export_holds_everything(db_session, discussion):
    document = discussion_export.export_json(db_session, "egfr", "lena")
    assert document["project"] == "egfr"
    assert document["exported_by"] == "lena"
    assert document["exported_at"].endswith("Z")
    first, second = document["threads"]
    assert first["id"] == discussion
    assert (first["state"], first["resolved_by"]) == ("resolved", "lena")
    assert first["resolved_at"]
    assert first["commit"] == "c0ffee"
    assert [c["author"] for c in first["comments"]] == ["alice", "bob", "alice"]
    opening, edited, deleted = first["comments"]
    assert opening["molecules"] == [{"smiles": "CCO", "name": "ethanol"}]
    assert (edited["body"], edited["edited"]) == ("fixed", True)
    assert edited["edited_at"] >= edited["created_at"]
    assert (deleted["deleted_by"], deleted["body"]) == ("lena", "")
    assert deleted["deleted_at"]
    assert second["anchor"]["line"] == 2
    assert second["line_text"] == "b"
    assert "reactions" not in opening


def test_csv_export_has_a_row_per_comment_and_no_formulas(db_session, discussion):
    text = discussion_export.export_csv(db_session, "egfr", "lena")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == discussion_export.CSV_COLUMNS
    assert [(r["thread_id"], r["author"]) for r in rows] == [
        (str(discussion), "alice"),
        (str(discussion), "bob"),
        (str(discussion), "alice"),
        (str(discussion + 1), "bob"),
    ]
    assert rows[0]["body"].startswith("'=HYPERLINK")
    assert rows[0]["mentions"] == "bob"
    assert rows[0]["tags"] == "#formula"
    assert rows[0]["molecules"] == "CCO"
    assert rows[0]["cell_id"] == "c1"
    assert rows[0]["resolved_by"] == "lena"
    assert rows[1]["edited_at"]
    assert (rows[2]["deleted_by"], rows[2]["body"]) == ("lena", "")
    assert rows[3]["line"] == "2"
    assert rows[3]["resolved_by"] == ""
