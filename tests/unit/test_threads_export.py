"""The discussions export: every thread and comment with authors, times, every version of each
comment (the words before each edit and at deletion), deletions and resolutions, as JSON and as
CSV that spreadsheets read as text."""

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
    comments.edit_comment(
        db_session, answer.comment, actor="bob", body="fixed #typo @alice", members=MEMBERS
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
    [original] = opening["versions"]
    assert original == {
        "body": opening["body"],
        "written_at": opening["created_at"],
        "ended": None,
        "ended_at": None,
        "ended_by": None,
    }
    assert (edited["body"], edited["edited"]) == ("fixed", True)
    assert edited["edited_at"] >= edited["created_at"]
    assert [(v["body"], v["ended"], v["ended_by"]) for v in edited["versions"]] == [
        ("typo", "edited", "bob"),
        ("fixed #typo @alice", "edited", "bob"),
        ("fixed", None, None),
    ]
    one, two, now = edited["versions"]
    assert one["written_at"] == edited["created_at"]
    assert one["ended_at"] == two["written_at"] <= two["ended_at"] == now["written_at"]
    assert now["written_at"] == edited["edited_at"]
    assert now["ended_at"] is None
    assert (deleted["deleted_by"], deleted["body"]) == ("lena", "")
    assert deleted["deleted_at"]
    assert deleted["versions"] == [
        {
            "body": "oops, wrong thread",
            "written_at": deleted["created_at"],
            "ended": "deleted",
            "ended_at": deleted["deleted_at"],
            "ended_by": "lena",
        }
    ]
    assert second["anchor"]["line"] == 2
    assert second["line_text"] == "b"
    assert "reactions" not in opening


def test_csv_export_has_a_row_per_version_and_no_formulas(db_session, discussion):
    text = discussion_export.export_csv(db_session, "egfr", "lena")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == discussion_export.CSV_COLUMNS
    assert [(r["thread_id"], r["author"], r["version"], r["versions"]) for r in rows] == [
        (str(discussion), "alice", "1", "1"),
        (str(discussion), "bob", "1", "3"),
        (str(discussion), "bob", "2", "3"),
        (str(discussion), "bob", "3", "3"),
        (str(discussion), "alice", "1", "1"),
        (str(discussion + 1), "bob", "1", "1"),
    ]
    opening, typo, tagged, fixed, deleted, second = rows
    assert opening["body"].startswith("'=HYPERLINK")
    assert opening["mentions"] == "bob"
    assert opening["tags"] == "#formula"
    assert opening["molecules"] == "CCO"
    assert opening["cell_id"] == "c1"
    assert opening["resolved_by"] == "lena"
    assert (opening["ended"], opening["ended_at"]) == ("", "")
    assert [(r["body"], r["ended"], r["ended_by"]) for r in (typo, tagged, fixed)] == [
        ("typo", "edited", "bob"),
        ("fixed #typo @alice", "edited", "bob"),
        ("fixed", "", ""),
    ]
    assert (tagged["tags"], tagged["mentions"]) == ("#typo", "alice")
    assert (fixed["tags"], fixed["mentions"]) == ("", "")
    assert typo["ended_at"] == tagged["written_at"]
    assert fixed["written_at"] == fixed["edited_at"]
    assert (deleted["deleted_by"], deleted["body"]) == ("lena", "oops, wrong thread")
    assert (deleted["ended"], deleted["ended_by"]) == ("deleted", "lena")
    assert deleted["ended_at"] == deleted["deleted_at"]
    assert second["line"] == "2"
    assert second["resolved_by"] == ""


def test_comments_edited_before_the_audit_trail_start_at_their_last_edit(db_session, discussion):
    """A database from before the audit trail (revision 0004) kept no earlier words: the
    versions say only what is known."""
    from sqlalchemy import delete

    from moiety.store.audit import AuditEntry

    db_session.execute(delete(AuditEntry))
    document = discussion_export.export_json(db_session, "egfr", "lena")
    _, edited, deleted = document["threads"][0]["comments"]
    assert edited["versions"] == [
        {
            "body": "fixed",
            "written_at": edited["edited_at"],
            "ended": None,
            "ended_at": None,
            "ended_by": None,
        }
    ]
    assert [(v["body"], v["ended"]) for v in deleted["versions"]] == [(None, "deleted")]
