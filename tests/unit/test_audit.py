"""The audit trail in core: each audited change makes exactly one entry, in its transaction,
with who, what and details (old bodies kept); entries cannot be updated; reading filters by
what a lead may see, by project, team, action and time, pages newest first, exports CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from moiety.core import audit, comments, threads
from moiety.core.events import record_event
from moiety.core.projects import create_project
from moiety.core.thread_anchors import Anchor, FileAnchors
from moiety.core.thread_tracking import follow_event
from moiety.store.audit import AuditEntry

NOTEBOOK = FileAnchors(
    path="notebooks/explore.ipynb",
    exists=True,
    kind="notebook",
    commit="c0ffee" * 6 + "beef",
    cells=[{"id": "pic50", "index": 0, "hash": "2222222222222222"}],
)
MEMBERS = {"alice", "bob", "lena"}


@pytest.fixture
def projects(db_session):
    for slug, team in (("egfr", "kinase"), ("sulfa", "neuro")):
        create_project(db_session, slug=slug, title=slug.upper(), teams=[team], created_by="lena")
    db_session.commit()


def entries(session, **where):
    query = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(session.scalars(query))


def only(session, action):
    [entry] = entries(session, action=action)
    return entry


def open_thread(session, body="this pIC50 looks off", actor="alice"):
    return threads.open_thread(
        session,
        project="egfr",
        file=NOTEBOOK,
        anchor=Anchor(cell_id="pic50"),
        body=body,
        actor=actor,
        members=MEMBERS,
    ).thread


def test_creating_a_project_is_audited(db_session, projects):
    entry = entries(db_session, action="project.created", project="egfr")[0]
    assert (entry.action, entry.actor, entry.project, entry.team) == (
        "project.created",
        "lena",
        "egfr",
        None,
    )
    assert (entry.target_type, entry.target_id) == ("project", "egfr")
    assert entry.details == {
        "title": "EGFR",
        "description": "",
        "teams": ["kinase"],
        "template": None,
    }
    assert [e.project for e in entries(db_session, action="project.created")] == ["egfr", "sulfa"]


def test_thread_life_is_audited_once_per_change(db_session, projects):
    thread = open_thread(db_session)
    opened = only(db_session, "thread.opened")
    assert (opened.actor, opened.project, opened.target_type, opened.target_id) == (
        "alice",
        "egfr",
        "thread",
        str(thread.id),
    )
    assert opened.details == {
        "path": "notebooks/explore.ipynb",
        "anchor": {"cell_id": "pic50", "line": None, "line_end": None},
        "commit": NOTEBOOK.commit,
        "comment": thread.comments[0].id,
        "body": "this pIC50 looks off",
    }
    reply = threads.reply(
        db_session,
        thread_id=thread.id,
        body="the plate was flipped",
        actor="bob",
        members=MEMBERS,
        visible={"egfr"},
    ).comment
    added = only(db_session, "comment.added")
    assert (added.actor, added.target_type, added.target_id) == ("bob", "comment", str(reply.id))
    assert added.details == {
        "thread": thread.id,
        "path": "notebooks/explore.ipynb",
        "body": "the plate was flipped",
    }
    for state, actor in (("resolved", "lena"), ("resolved", "bob"), ("open", "alice")):
        threads.set_state(
            db_session, thread_id=thread.id, state=state, actor=actor, visible={"egfr"}
        )
    resolved, reopened = only(db_session, "thread.resolved"), only(db_session, "thread.reopened")
    assert (resolved.actor, reopened.actor) == ("lena", "alice")
    assert resolved.details == reopened.details == {"path": "notebooks/explore.ipynb"}
    assert resolved.target_id == reopened.target_id == str(thread.id)
    db_session.commit()
    assert len(entries(db_session, project="egfr")) == 5


def test_an_edit_keeps_the_previous_body_and_a_deletion_says_who(db_session, projects):
    thread = open_thread(db_session, body="first words")
    comment = thread.comments[0]
    comments.edit_comment(db_session, comment, actor="alice", body="second words", members=MEMBERS)
    comments.edit_comment(db_session, comment, actor="alice", body="second words", members=MEMBERS)
    comments.edit_comment(db_session, comment, actor="alice", body="third words", members=MEMBERS)
    edits = entries(db_session, action="comment.edited")
    assert [(e.details["previous_body"], e.details["body"]) for e in edits] == [
        ("first words", "second words"),
        ("second words", "third words"),
    ]
    assert {e.actor for e in edits} == {"alice"}
    assert comments.delete_comment(db_session, comment, actor="lena", moderator=True)
    assert not comments.delete_comment(db_session, comment, actor="lena", moderator=True)
    deleted = only(db_session, "comment.deleted")
    assert (deleted.actor, deleted.target_id) == ("lena", str(comment.id))
    assert deleted.details == {
        "thread": thread.id,
        "path": "notebooks/explore.ipynb",
        "author": "alice",
        "body": "third words",
        "moderated": True,
    }
    assert comment.body == ""


def test_a_refused_change_leaves_no_entry(db_session, projects):
    thread = open_thread(db_session)
    db_session.commit()
    before = len(entries(db_session))
    with pytest.raises(comments.NotYourComment):
        comments.edit_comment(
            db_session, thread.comments[0], actor="bob", body="not mine", members=MEMBERS
        )
    with pytest.raises(comments.NotYourComment):
        comments.delete_comment(db_session, thread.comments[0], actor="bob", moderator=False)
    assert len(entries(db_session)) == before


def test_a_rename_that_moves_a_thread_is_audited(db_session, projects):
    thread = open_thread(db_session)
    for path, data in (
        ("notebooks/renamed.ipynb", {"from": "notebooks/explore.ipynb"}),
        ("elsewhere.ipynb", {"from": "unrelated.ipynb"}),
    ):
        event = record_event(
            db_session,
            kind="file.renamed",
            project="egfr",
            actor="bob",
            summary="renamed",
            path=path,
            data=data,
        )
        follow_event(db_session, event)
    moved = only(db_session, "thread.moved")
    assert (moved.actor, moved.target_id) == ("bob", str(thread.id))
    assert moved.details["from"] == "notebooks/explore.ipynb"
    assert moved.details["to"] == "notebooks/renamed.ipynb"
    assert isinstance(moved.details["event"], int)


def test_entries_cannot_be_updated(database, db_backend):
    with database.session() as session:
        audit.record(
            session,
            action="member.added",
            actor="hub",
            team="kinase",
            target_type="user",
            target_id="alice",
        )
        session.commit()
    with database.session() as session, pytest.raises(DBAPIError, match="append-only"):
        session.execute(update(AuditEntry).values(actor="someone else"))
    with database.session() as session:
        assert session.scalar(select(AuditEntry.actor)) == "hub"
        session.execute(text("DELETE FROM audit_entries"))  # retention stays possible
        session.commit()
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def _sample(session):
    """Entries of two teams' projects and memberships, one a day for 4 days back."""
    now = datetime.now(UTC)
    rows = [
        ("project.created", "egfr", None, '=HYPERLINK("x")'),
        ("thread.opened", "egfr", None, "alice"),
        ("member.added", None, "kinase", "bob"),
        ("member.added", None, "neuro", "carol"),
        ("thread.opened", "sulfa", None, "carol"),
    ]
    for n, (action, project, team, actor) in enumerate(rows):
        audit.record(
            session,
            action=action,
            actor=actor,
            project=project,
            team=team,
            target_type="user" if team else "project",
            target_id=actor,
            details={"n": n, "note": "-1+1"},
            created_at=now - timedelta(days=len(rows) - n),
        )
    session.commit()
    return now


def test_reading_filters_what_a_lead_sees(db_session):
    create_project(db_session, slug="egfr", title="E", teams=["kinase"], created_by="lena")
    create_project(db_session, slug="sulfa", title="S", teams=["neuro"], created_by="lena")
    db_session.execute(AuditEntry.__table__.delete())
    now = _sample(db_session)

    def ids(lead_of, **filters):
        items, _ = audit.read_page(db_session, audit.AuditQuery(**filters), lead_of=lead_of)
        return [item["details"]["n"] for item in items]

    assert ids(None) == [4, 3, 2, 1, 0]
    assert ids(["kinase"]) == [2, 1, 0]
    assert ids(["neuro"]) == [4, 3]
    assert ids(None, team="kinase") == [2, 1, 0]
    assert ids(None, project="egfr") == [1, 0]
    assert ids(["neuro"], project="egfr") == []
    assert ids(None, action="member.added") == [3, 2]
    assert ids(None, since=now - timedelta(days=3, hours=1)) == [4, 3, 2]
    assert ids(None, until=now - timedelta(days=3, hours=1)) == [1, 0]
    with pytest.raises(audit.InvalidAuditQuery, match="not an audited action"):
        audit.AuditQuery(action="project.deleted")


def test_pages_are_newest_first_and_cursors_are_checked(db_session):
    create_project(db_session, slug="egfr", title="E", teams=["kinase"], created_by="lena")
    _sample(db_session)
    seen, cursor = [], None
    while True:
        items, cursor = audit.read_page(
            db_session, audit.AuditQuery(), lead_of=None, before=cursor, limit=2
        )
        seen += [item["id"] for item in items]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == 6
    with pytest.raises(audit.InvalidAuditQuery, match="cursor"):
        audit.read_page(db_session, audit.AuditQuery(), lead_of=None, before="garbage")
    for bad in ("0", "1001", "x", True):
        with pytest.raises(audit.InvalidAuditQuery, match="limit"):
            audit.parse_limit(bad)
    assert audit.parse_limit(None) == 50
    assert audit.parse_limit("1000") == 1000


def test_csv_has_a_header_and_defuses_formulas(db_session):
    create_project(db_session, slug="egfr", title="E", teams=["kinase"], created_by="lena")
    db_session.execute(AuditEntry.__table__.delete())
    _sample(db_session)
    items, _ = audit.read_page(db_session, audit.AuditQuery(project="egfr"), lead_of=None)
    rows = list(csv.reader(io.StringIO(audit.to_csv(items))))
    assert rows[0] == audit.CSV_COLUMNS
    assert [row[2] for row in rows[1:]] == ["alice", '\'=HYPERLINK("x")']
    assert rows[2][8] == '{"n": 0, "note": "-1+1"}'
    assert rows[1][0] == str(items[0]["id"])
