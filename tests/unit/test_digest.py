"""A team's digest in core, on SQLite and PostgreSQL: a week of activity recorded with its
times, then every number and list checked; other teams' projects and older events left out;
two queries for the events and threads, however many projects and events."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import insert, update

from moiety.core import reactions, threads
from moiety.core.chem.diff import Change, Compound, CompoundDiff
from moiety.core.compound_changes import compounds_changed
from moiety.core.digest import build_digest
from moiety.core.events import record_event
from moiety.core.projects import DEPLOYMENT_ACTOR, create_project
from moiety.core.thread_anchors import Anchor, FileAnchors
from moiety.store.discussion import Thread
from moiety.store.models import Event

NOW = datetime.now(UTC).replace(microsecond=0)
SINCE = NOW - timedelta(days=7)
COMMIT = "ab" * 20
NOTEBOOK = FileAnchors(
    path="notebooks/a.ipynb",
    exists=True,
    kind="notebook",
    commit=COMMIT,
    cells=[{"id": "c1", "index": 0, "hash": "1111111111111111"}],
)
MEMBERS = {"alice", "bob", "lena", "carol"}
ERLOTINIB = "C#Cc1cccc(Nc2ncnc3cc(OC)c(OC)cc23)c1"
GEFITINIB = "COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1"


def at(days: float) -> datetime:
    return NOW - timedelta(days=days)


def record(session, kind, actor, days, path=None, data=None, project="egfr"):
    return record_event(
        session,
        kind=kind,
        project=project,
        actor=actor,
        summary=f"{actor} {kind}",
        path=path,
        data=data,
        created_at=at(days),
    )


def post(session, actor, days, body, reacted_by=()):
    event = record_event(
        session,
        kind="post.created",
        project="egfr",
        actor=actor,
        summary=body,
        data={"body": body},
        created_at=at(days),
    )
    for name in reacted_by:
        reactions.add_reaction(session, event_id=event.id, user=name, emoji="👍", visible={"egfr"})
    return event


def thread(session, actor, days, body, state="open"):
    opened = threads.open_thread(
        session,
        project="egfr",
        file=NOTEBOOK,
        anchor=Anchor(cell_id="c1"),
        body=body,
        actor=actor,
        members=MEMBERS,
    ).thread
    if state == "resolved":
        threads.set_state(
            session, thread_id=opened.id, state="resolved", actor="lena", visible={"egfr"}
        )
    session.flush()
    session.execute(
        update(Thread)
        .where(Thread.id == opened.id)
        .values(created_at=at(days), updated_at=at(days / 2))
    )
    return opened


@pytest.fixture
def week(db_session):
    """A week of the kinase team: egfr (kinase), shared (kinase and neuro); sulfa is neuro's."""
    for slug, teams in (
        ("egfr", ["kinase"]),
        ("shared", ["kinase", "neuro"]),
        ("sulfa", ["neuro"]),
    ):
        create_project(db_session, slug=slug, title=slug.upper(), teams=teams, created_by="lena")
    db_session.execute(update(Event).values(created_at=at(30)))
    s = db_session
    record(s, "file.saved", "alice", 8, "notebooks/a.ipynb", {"count": 9})  # before the week
    record(s, "file.created", "alice", 6, "notebooks/a.ipynb")
    record(s, "file.saved", "alice", 6, "notebooks/a.ipynb", {"count": 3, "cells": [["c1", "x"]]})
    record(s, "file.saved", "bob", 6, "notebooks/a.ipynb", {"count": 1})
    record(s, "file.saved", "bob", 5.5, "notebooks/b.ipynb")
    cells = {"notebooks/a.ipynb": [["c1", "0" * 16]] * 500}
    message = "Before the group meeting\n\nlonger text"
    snapshot = {"commit": COMMIT, "message": message, "paths": ["a", "b"], "cells": cells}
    record(s, "snapshot.created", "bob", 5, data={**snapshot, "auto": False})
    record(s, "snapshot.created", "alice", 4.5, "x.ipynb", {"commit": "HEAD~1", "auto": True})
    record(s, "file.renamed", "alice", 4, "notebooks/c.ipynb", {"from": "notebooks/b.ipynb"})
    record(s, "file.deleted", "bob", 4, "notebooks/old.ipynb")
    restored = {"commit": "ef" * 20, "restored_from": "cd" * 20, "saved_before": None}
    record(s, "version.restored", "alice", 3, "notebooks/a.ipynb", restored)
    diff = {
        "added": [
            {"key": "K1", "name": "erlotinib", "smiles": ERLOTINIB},
            {"key": "K2", "name": None, "smiles": "c1ccccc1"},
        ],
        "removed": [{"key": "K3", "name": "gefitinib", "smiles": GEFITINIB}],
        "changed": [{"key": "K4"}, {"key": "K5"}, {"key": "K6"}],
    }
    record(s, "compounds.changed", "bob", 2, "data/egfr.sdf", diff)
    counted = {"added": {"count": 10, "items": [{"name": "hit-7", "smiles": "CCO"}]}, "removed": 0}
    record(s, "compounds.changed", "alice", 2, "data/hits.csv", counted)
    record(s, "compounds.changed", "alice", 1.5, "data/hits.csv", {"added": "many", "changed": -2})
    post(s, "alice", 1, "first post", ["bob", "lena", "carol"])
    post(s, "bob", 1, "second post", ["alice"])
    post(s, "lena", 1, "third post", ["alice", "bob", "carol"])
    post(s, "alice", 1, "fourth post")
    post(s, "lena", 1, "fifth post", ["alice", "bob"])
    record(s, "file.saved", "carol", 2, "x.ipynb", project="shared")
    record(s, "file.saved", "carol", 2, "y.ipynb", project="sulfa")
    threads_made = {
        "new": thread(s, "alice", 1, "Is this **pIC50** right? @bob"),
        "settled": thread(s, "bob", 2, "units?", state="resolved"),
        "old": thread(s, "lena", 20, "still waiting"),
        "old_settled": thread(s, "lena", 20, "long done", state="resolved"),
    }
    threads.reply(
        s,
        thread_id=threads_made["new"].id,
        body="looks right",
        actor="bob",
        members=MEMBERS,
        visible={"egfr"},
    )
    # Thread events are recorded now, not in the past: put them at the threads' times.
    s.execute(update(Event).where(Event.kind.like("thread.%")).values(created_at=at(1)))
    s.execute(update(Event).where(Event.kind == "comment.added").values(created_at=at(1)))
    s.commit()
    return threads_made


def egfr_of(digest):
    return next(p for p in digest["projects"] if p["slug"] == "egfr")


def test_the_projects_of_the_team_and_the_events_of_the_period(db_session, week):
    digest = build_digest(db_session, team="kinase", since=SINCE, until=NOW)
    assert [p["slug"] for p in digest["projects"]] == ["egfr", "shared"]
    assert digest["team"] == "kinase"
    assert digest["since"].startswith(SINCE.isoformat()[:19])
    egfr = egfr_of(digest)
    assert egfr["title"] == "EGFR"
    assert egfr["url"] == "/user/project-egfr/lab"
    # 12 project-server events, 5 posts, 4 threads opened, 2 resolved, 1 reply.
    kinds = [
        "file.created", "file.saved", "file.saved", "file.saved", "snapshot.created",
        "snapshot.created", "file.renamed", "file.deleted", "version.restored",
        "compounds.changed", "compounds.changed", "compounds.changed",
    ]  # fmt: skip
    assert egfr["events"] == len(kinds) + 5 + 4 + 2 + 1
    assert egfr["people"] == [
        {"name": "alice", "events": 10},
        {"name": "bob", "events": 8},
        {"name": "lena", "events": 6},
    ]
    shared = digest["projects"][1]
    assert (shared["events"], shared["people"]) == (1, [{"name": "carol", "events": 1}])
    assert digest["people"] == [
        {"name": "alice", "events": 10},
        {"name": "bob", "events": 8},
        {"name": "lena", "events": 6},
        {"name": "carol", "events": 1},
    ]


def test_what_changed(db_session, week):
    egfr = egfr_of(build_digest(db_session, team="kinase", since=SINCE, until=NOW))
    assert egfr["snapshots"] == {
        "count": 2,
        "items": [
            {
                "commit": COMMIT,
                "message": "Before the group meeting",
                "author": "bob",
                "created_at": egfr["snapshots"]["items"][0]["created_at"],
                "files": 2,
                "auto": False,
            },
            {
                "commit": None,
                "message": "",
                "author": "alice",
                "created_at": egfr["snapshots"]["items"][1]["created_at"],
                "files": 0,
                "auto": True,
            },
        ],
    }
    assert egfr["files"] == {
        "created": {"count": 1, "files": 1, "people": ["alice"], "paths": ["notebooks/a.ipynb"]},
        "saved": {
            "count": 5,
            "files": 2,
            "people": ["alice", "bob"],
            "paths": ["notebooks/a.ipynb", "notebooks/b.ipynb"],
        },
        "renamed": {
            "count": 1,
            "files": 1,
            "people": ["alice"],
            "renames": [{"from": "notebooks/b.ipynb", "to": "notebooks/c.ipynb", "actor": "alice"}],
        },
        "deleted": {"count": 1, "files": 1, "people": ["bob"], "paths": ["notebooks/old.ipynb"]},
    }
    [restore] = egfr["restores"]["items"]
    assert restore["path"] == "notebooks/a.ipynb"
    assert (restore["author"], restore["restored_from"]) == ("alice", "cd" * 20)


def test_compounds_added_and_removed(db_session, week):
    compounds = egfr_of(build_digest(db_session, team="kinase", since=SINCE, until=NOW))[
        "compounds"
    ]
    assert (compounds["added"], compounds["removed"], compounds["changed"]) == (12, 1, 3)
    assert compounds["files"] == [
        {"path": "data/egfr.sdf", "added": 2, "removed": 1, "changed": 3, "people": ["bob"]},
        {"path": "data/hits.csv", "added": 10, "removed": 0, "changed": 0, "people": ["alice"]},
    ]
    assert compounds["added_items"] == [
        {"name": "erlotinib", "smiles": ERLOTINIB, "path": "data/egfr.sdf"},
        {"name": None, "smiles": "c1ccccc1", "path": "data/egfr.sdf"},
        {"name": "hit-7", "smiles": "CCO", "path": "data/hits.csv"},
    ]
    assert compounds["removed_items"] == [
        {"name": "gefitinib", "smiles": GEFITINIB, "path": "data/egfr.sdf"}
    ]


def test_discussions_opened_and_unresolved(db_session, week):
    discussions = egfr_of(build_digest(db_session, team="kinase", since=SINCE, until=NOW))[
        "discussions"
    ]
    opened = discussions["opened"]
    assert opened["count"] == 2
    assert [(t["thread"], t["state"], t["opened_by"]) for t in opened["items"]] == [
        (week["new"].id, "open", "alice"),
        (week["settled"].id, "resolved", "bob"),
    ]
    new = opened["items"][0]
    assert new["excerpt"] == "Is this pIC50 right? @bob"
    assert (new["comments"], new["age_days"], new["path"]) == (2, 1, "notebooks/a.ipynb")
    unresolved = discussions["unresolved"]
    assert unresolved["count"] == 2
    assert [(t["thread"], t["age_days"]) for t in unresolved["items"]] == [
        (week["old"].id, 20),
        (week["new"].id, 1),
    ]
    old = unresolved["items"][0]
    assert old["last_activity"].startswith(at(10).isoformat()[:16])
    assert old["excerpt"] == "still waiting"


def test_most_reacted_posts_and_activity_by_day(db_session, week):
    digest = build_digest(db_session, team="kinase", since=SINCE, until=NOW)
    egfr = egfr_of(digest)
    assert egfr["posts"] == 5
    assert [(p["excerpt"], p["actor"], p["reactions"]) for p in egfr["top_posts"]] == [
        ("first post", "alice", 3),
        ("third post", "lena", 3),
        ("fifth post", "lena", 2),
    ]
    days = [(SINCE + timedelta(days=n)).date().isoformat() for n in range(8)]
    assert [a["date"] for a in egfr["activity"]] == days
    expected: dict[str, int] = {}
    for d, n in ((6, 3), (5.5, 1), (5, 1), (4.5, 1), (4, 2), (3, 1), (2, 2), (1.5, 1), (1, 12)):
        day = at(d).date().isoformat()
        expected[day] = expected.get(day, 0) + n
    assert {a["date"]: a["events"] for a in egfr["activity"] if a["events"]} == expected
    assert sum(a["events"] for a in egfr["activity"]) == egfr["events"]
    assert sum(a["events"] for a in digest["activity"]) == digest["totals"]["events"]


def test_team_totals(db_session, week):
    totals = build_digest(db_session, team="kinase", since=SINCE, until=NOW)["totals"]
    assert totals == {
        "projects": 2,
        "events": 25,
        "people": 4,
        "snapshots": 2,
        "files_created": 1,
        "saves": 6,
        "files_renamed": 1,
        "files_deleted": 1,
        "restores": 1,
        "compounds_added": 12,
        "compounds_removed": 1,
        "compounds_changed": 3,
        "threads_opened": 2,
        "threads_unresolved": 2,
        "posts": 5,
    }


def test_an_empty_period_and_a_team_without_projects(db_session, week):
    quiet = build_digest(db_session, team="kinase", since=at(60), until=at(50))
    assert quiet["totals"]["events"] == 0
    assert quiet["totals"]["threads_unresolved"] == 2  # still unresolved, whatever the period
    assert len(quiet["activity"]) == 11
    nobody = build_digest(db_session, team="adme", since=SINCE, until=NOW)
    assert (nobody["projects"], nobody["people"], nobody["totals"]["projects"]) == ([], [], 0)


def test_what_the_deployment_did_is_activity_but_not_a_person(db_session):
    create_project(
        db_session, slug="seeded", title="Seeded", teams=["kinase"], created_by=DEPLOYMENT_ACTOR
    )
    db_session.execute(update(Event).values(created_at=at(2)))
    record(db_session, "file.saved", "alice", 1, "a.ipynb", project="seeded")
    db_session.commit()
    [seeded] = build_digest(db_session, team="kinase", since=SINCE, until=NOW)["projects"]
    assert seeded["events"] == 2
    assert seeded["people"] == [{"name": "alice", "events": 1}]


def test_few_queries_however_many_projects_and_events(database, db_backend):
    with database.session() as session:
        slugs = [f"p{n}" for n in range(6)]
        for slug in slugs:
            create_project(session, slug=slug, title=slug, teams=["kinase"], created_by="lena")
        kinds = ["file.saved", "snapshot.created", "post.created", "compounds.changed"]
        rows = [
            {
                "kind": kinds[n % 4],
                "project": slugs[n % 6],
                "actor": f"person{n % 7}",
                "created_at": NOW - timedelta(minutes=2 * n),
                "path": f"notebooks/n{n % 40}.ipynb",
                "summary": "s",
                "data": {"count": 2, "cells": [["c", "0" * 16]] * 50, "added": [{"smiles": "C"}]},
            }
            for n in range(4000)
        ]
        session.execute(insert(Event), rows)
        session.commit()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(database.engine, "before_cursor_execute", count)
    try:
        with database.session() as session:
            started = datetime.now(UTC)
            until = datetime.now(UTC) + timedelta(minutes=1)
            digest = build_digest(session, team="kinase", since=SINCE, until=until)
            elapsed = datetime.now(UTC) - started
    finally:
        sa_event.remove(database.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 4  # projects, their teams, events, threads
    assert digest["totals"]["events"] == 4000 + 6
    assert digest["totals"]["saves"] == 2000
    assert digest["totals"]["compounds_added"] == 1000
    assert elapsed < timedelta(seconds=10)


def test_compounds_as_project_servers_report_them(db_session):
    """Counts, with a few structures in ``highlights``, as ``compound_changes`` makes them."""
    create_project(db_session, slug="egfr", title="EGFR", teams=["kinase"], created_by="lena")

    def compound(key, name, smiles, pic50):
        return Compound(key, 1, name, smiles, {"pIC50": pic50}, [1], [name])

    old, new = compound("K9", "old hit", "CCN", 5.0), compound("K9", "old hit", "CCN", 6.5)
    diff = CompoundDiff(
        added=[compound(f"K{n}", f"c{n}", "C" * (n + 1), 7.0) for n in range(5)],
        removed=[compound("K8", "gefitinib", GEFITINIB, 7.5)],
        changed=[Change(old, new, {"pIC50": {"old": 5.0, "new": 6.5}})],
    )
    body = compounds_changed("alice", COMMIT, None, "data/egfr.sdf", diff)
    record(db_session, "compounds.changed", "alice", 1, body["path"], body["data"])
    db_session.commit()
    compounds = egfr_of(build_digest(db_session, team="kinase", since=SINCE, until=NOW))[
        "compounds"
    ]
    assert (compounds["added"], compounds["removed"], compounds["changed"]) == (5, 1, 1)
    assert compounds["added_items"] == [
        {"name": f"c{n}", "smiles": "C" * (n + 1), "path": "data/egfr.sdf"} for n in range(4)
    ]
    assert compounds["removed_items"] == []  # past the four highlights; the count says it
