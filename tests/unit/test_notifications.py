"""Notifications and watches: who is notified of what and why, reading, paging, marking read."""

import pytest

from moiety.core import notifications, threads, watches
from moiety.core.events import record_event
from moiety.core.projects import create_project
from moiety.core.thread_anchors import Anchor, FileAnchors
from moiety.store.discussion import Notification

MEMBERS = {"alice", "bob", "lena"}
FILE = FileAnchors("notebooks/explore.ipynb", True, "notebook", "abc", [{"id": "c", "hash": "h"}])


@pytest.fixture
def projects(db_session):
    for slug in ("egfr", "sulfa"):
        create_project(db_session, slug=slug, title=slug, teams=["kinase"], created_by="lena")
    db_session.commit()


def thread_with(session, body, actor="alice", project="egfr"):
    return threads.open_thread(
        session,
        project=project,
        file=FILE,
        anchor=Anchor(cell_id="c"),
        body=body,
        actor=actor,
        members=MEMBERS,
    )


def server_event(session, kind="file.saved", path="notebooks/explore.ipynb", actor="bob", **kw):
    event = record_event(
        session,
        kind=kind,
        project=kw.pop("project", "egfr"),
        actor=actor,
        summary=kind,
        path=path,
        **kw,
    )
    return {n.user: n.reason for n in notifications.notify_event(session, event)}


def test_the_strongest_reason_wins_and_the_actor_is_never_notified():
    people = notifications.recipients(
        "alice",
        mentions=["bob", "alice"],
        participants=["bob", "lena", "alice"],
        watching=["lena", "olga", "alice"],
    )
    assert people == {"bob": "mention", "lena": "reply", "olga": "watch"}


def test_a_projects_account_is_never_notified():
    people = notifications.recipients(
        "bob", participants=["project-egfr-sar", "alice"], mentions=["project-egfr-sar"]
    )
    assert people == {"alice": "reply"}


@pytest.mark.parametrize(
    ("path", "event_path", "watching"),
    [
        (None, "anything.txt", True),
        ("notebooks/explore.ipynb", "notebooks/explore.ipynb", True),
        ("notebooks/", "notebooks/explore.ipynb", True),
        ("notebooks/", "notebooks-old/x.ipynb", False),
        ("notebooks/explore.ipynb", "notebooks/other.ipynb", False),
        ("./notebooks//explore.ipynb", "notebooks/explore.ipynb", True),
    ],
)
def test_watching_projects_folders_and_files(db_session, projects, path, event_path, watching):
    watches.add_watch(db_session, user="lena", project="egfr", path=path)
    notified = server_event(db_session, path=event_path)
    assert notified == ({"lena": "watch"} if watching else {})


def test_watches_cover_renames_and_snapshots_and_only_their_project(db_session, projects):
    watches.add_watch(db_session, user="lena", project="egfr", path="data/a.csv")
    watches.add_watch(db_session, user="olga", project="sulfa")
    assert server_event(db_session, "file.renamed", "data/b.csv", data={"from": "data/a.csv"}) == {
        "lena": "watch"
    }
    data = {"commit": "abc", "paths": ["x.txt", "data/a.csv"]}
    assert server_event(db_session, "snapshot.created", None, data=data) == {"lena": "watch"}
    assert server_event(db_session, "file.saved", "data/a.csv", actor="lena") == {}
    assert server_event(db_session, path="x", project="sulfa") == {"olga": "watch"}


def test_a_watch_is_added_once_and_removed_by_id_or_path(db_session, projects):
    first, created = watches.add_watch(db_session, user="bob", project="egfr", path="notebooks/")
    again, created_again = watches.add_watch(
        db_session, user="bob", project="egfr", path="notebooks"
    )
    assert created is True
    assert created_again is True
    assert again.path == "notebooks"
    same, not_new = watches.add_watch(db_session, user="bob", project="egfr", path="notebooks/")
    assert (same.id, not_new) == (first.id, False)
    project_watch, _ = watches.add_watch(db_session, user="bob", project="egfr")
    db_session.flush()
    listed = [watches.serialize_watch(w) for w in watches.list_watches(db_session, "bob", {"egfr"})]
    assert [(w["project"], w["path"]) for w in listed] == [
        ("egfr", None),
        ("egfr", "notebooks"),
        ("egfr", "notebooks/"),
    ]
    assert watches.list_watches(db_session, "bob", {"sulfa"}) == []
    assert watches.remove_watch(db_session, user="bob", project="egfr", path="notebooks/") == 1
    assert watches.remove_watch(db_session, user="bob", project="egfr", path="notebooks/") == 0
    with pytest.raises(watches.WatchNotFound):
        watches.remove_watch(db_session, user="alice", watch_id=project_watch.id)
    assert watches.remove_watch(db_session, user="bob", watch_id=project_watch.id) == 1
    for bad in ("../etc", "/abs", 3, "a\x00b"):
        with pytest.raises(watches.InvalidWatch):
            watches.add_watch(db_session, user="bob", project="egfr", path=bad)


def test_reading_marking_and_paging(db_session, projects):
    for i in range(5):
        thread_with(db_session, f"question {i} for @bob")
    thread_with(db_session, "hidden one @bob", project="sulfa")
    db_session.commit()

    page = notifications.list_notifications(db_session, "bob", {"egfr"}, limit=2)
    assert page["unread_count"] == 5
    assert [n["reason"] for n in page["items"]] == ["mention", "mention"]
    first = page["items"][0]
    assert first["event"]["kind"] == "thread.opened"
    assert first["event"]["data"]["excerpt"] == "question 4 for @bob"
    assert first["thread"]["path"] == "notebooks/explore.ipynb"
    assert first["read"] is False
    seen = [n["id"] for n in page["items"]]
    while page["next"]:
        page = notifications.list_notifications(
            db_session, "bob", {"egfr"}, limit=2, before=page["next"]
        )
        seen += [n["id"] for n in page["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen, reverse=True)

    others = db_session.query(Notification).filter(Notification.user != "bob").count()
    assert notifications.mark_read(db_session, "alice", ids=seen) == 0
    assert notifications.mark_read(db_session, "bob", ids=seen[:2]) == 2
    assert notifications.mark_read(db_session, "bob", ids=seen[:2]) == 0
    unread = notifications.list_notifications(db_session, "bob", {"egfr"}, unread=True)
    assert [n["id"] for n in unread["items"]] == seen[2:]
    assert unread["unread_count"] == 3
    assert notifications.mark_read(db_session, "bob", everything=True) == 4
    everything = notifications.list_notifications(db_session, "bob", {"egfr", "sulfa"})
    assert everything["unread_count"] == 0
    assert len(everything["items"]) == 6
    assert all(n["read"] for n in everything["items"])
    assert db_session.query(Notification).filter(Notification.user != "bob").count() == others


def test_bad_queries(db_session, projects):
    for kwargs in ({"limit": "0"}, {"limit": "201"}, {"limit": "x"}, {"before": "nope"}):
        with pytest.raises(notifications.InvalidNotificationQuery):
            notifications.list_notifications(db_session, "bob", {"egfr"}, **kwargs)
    with pytest.raises(notifications.InvalidNotificationQuery, match="at most 1000"):
        notifications.mark_read(db_session, "bob", ids=range(1001))
    assert notifications.list_notifications(db_session, "bob", set()) == {
        "items": [],
        "next": None,
        "unread_count": 0,
    }


def test_one_notification_per_person_and_event(db_session, projects):
    change = thread_with(db_session, "@bob look")
    again = notifications.notify(db_session, change.event, {"bob": "watch", "lena": "watch"})
    assert [n.user for n in again] == ["lena"]
    rows = db_session.query(Notification).filter(Notification.event_id == change.event.id).all()
    assert sorted((n.user, n.reason) for n in rows) == [("bob", "mention"), ("lena", "watch")]
