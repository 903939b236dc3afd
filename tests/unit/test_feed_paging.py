"""Paging the feed with cursors: complete, no repeats, stable under concurrent inserts."""

import base64
import hashlib
import hmac
import threading

import pytest

from moiety.core.cursors import DEFAULT_SECRET, InvalidCursor, decode_cursor, encode_cursor
from moiety.core.events import record_event
from moiety.core.feed import FeedFilter, events_after, read_feed
from moiety.core.projects import create_project

VISIBLE = {"alpha", "beta"}


def add(session, project, n, actor="ana"):
    ids = []
    for i in range(n):
        event = record_event(
            session, kind="file.saved", project=project, actor=actor, summary=f"save {i}"
        )
        ids.append(event.id)
    return ids


@pytest.fixture
def projects(db_session):
    for slug in ("alpha", "beta", "hidden"):
        create_project(db_session, slug=slug, title=slug, teams=["kinase"], created_by="lee")
    db_session.commit()


def page_through(database, limit, filters=None, between=None):
    """Every page until ``next`` is None, each read in its own transaction, as requests are."""
    seen, cursor = [], None
    while True:
        with database.session() as session:
            page = read_feed(session, VISIBLE, filters or FeedFilter(), before=cursor, limit=limit)
        assert len(page["items"]) <= limit
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next"]
        if cursor is None:
            return seen
        if between:
            between()


def test_pages_cover_the_feed_once(database, db_session, projects):
    add(db_session, "alpha", 12)
    add(db_session, "hidden", 5)
    add(db_session, "beta", 11)
    db_session.commit()
    everything = page_through(database, 200)
    assert len(everything) == 12 + 11 + 2  # and alpha's and beta's project.created
    for limit in (1, 3, 7, 25, 26):
        assert page_through(database, limit) == everything


def test_tag_filtered_pages_and_catch_up(database, db_session, projects):
    tagged = []
    for i in range(30):
        event = record_event(
            db_session,
            kind="post.created",
            project=("alpha", "beta", "hidden")[i % 3],
            actor="ana",
            summary=f"post {i}",
            tags=["potency"] if i % 2 else ["egfr", "potency"] if i % 5 == 0 else [],
        )
        if event.project != "hidden" and event.tags:
            tagged.append(event.id)
    db_session.commit()
    filters = FeedFilter(tag="potency")
    assert page_through(database, 4, filters) == sorted(tagged, reverse=True)
    with database.session() as session:
        after = events_after(session, VISIBLE, tagged[2], filters, limit=3)
    assert [item["id"] for item in after] == tagged[3:6]
    assert all("potency" in item["tags"] for item in after)


def test_folder_filtered_pages(database, db_session, projects):
    inside = []
    for i in range(24):
        path = ("data/raw/x.csv", "data/y.csv", "notes.md", "database/z.csv")[i % 4]
        event = record_event(
            db_session, kind="file.saved", project="alpha", actor="ana", summary="s", path=path
        )
        if path.startswith("data/"):
            inside.append(event.id)
    db_session.commit()
    assert page_through(database, 5, FeedFilter(path="data/")) == sorted(inside, reverse=True)
    assert len(page_through(database, 5, FeedFilter(path="data/raw/"))) == 6


def test_last_full_page_has_no_next(db_session, projects):
    add(db_session, "alpha", 3)
    db_session.commit()
    first = read_feed(db_session, {"alpha"}, limit=2)
    assert first["next"] is not None
    second = read_feed(db_session, {"alpha"}, before=first["next"], limit=2)
    assert len(second["items"]) == 2
    assert second["next"] is None


def test_filtered_pages(database, db_session, projects):
    add(db_session, "alpha", 6, actor="ana")
    add(db_session, "beta", 6, actor="bob")
    add(db_session, "alpha", 6, actor="bob")
    db_session.commit()
    bobs = page_through(database, 4, FeedFilter(actor="bob"))
    assert len(bobs) == 12
    assert bobs == sorted(bobs, reverse=True)


def test_inserts_between_pages_neither_repeat_nor_hide(database, db_session, projects):
    existing = add(db_session, "alpha", 20) + add(db_session, "beta", 15)
    db_session.commit()
    before_paging = page_through(database, 200)
    writes = iter(range(1000))

    def insert_some():
        with database.session() as session:
            add(session, "alpha" if next(writes) % 2 else "beta", 3)
            add(session, "hidden", 1)
            session.commit()

    seen = page_through(database, 6, between=insert_some)
    assert seen == before_paging
    assert set(existing) <= set(seen)
    assert len(seen) == len(set(seen))


def test_paging_while_a_writer_thread_records(database, db_session, projects):
    add(db_session, "alpha", 30)
    add(db_session, "beta", 30)
    db_session.commit()
    before_paging = page_through(database, 200)
    wrote = threading.Semaphore(0)
    stop = threading.Event()
    errors = []

    def writer():
        try:
            with database.session() as session:
                while not stop.is_set():
                    add(session, "beta", 1)
                    session.commit()
                    wrote.release()
        except Exception as e:  # collected for the assertion below
            errors.append(e)
            wrote.release()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen = page_through(database, 7, between=wrote.acquire)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert set(before_paging) <= set(seen)
    with database.session() as session:
        now = [item["id"] for item in read_feed(session, VISIBLE, limit=200)["items"]]
    assert now[0] > seen[0]
    assert seen == [i for i in now if i <= seen[0]]


def test_cursor_round_trip():
    for event_id in (1, 2, 10**6, 2**63 - 1):
        assert decode_cursor(encode_cursor(event_id)) == event_id
    assert decode_cursor(encode_cursor(7, b"s3cret"), b"s3cret") == 7


def _forged(version, event_id):
    payload = bytes([version]) + event_id.to_bytes(8, "big")
    return base64.urlsafe_b64encode(payload + b"\0" * 9).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        "AAAA",
        encode_cursor(5)[:-2],
        encode_cursor(5) + "AA",
        encode_cursor(5)[:-1] + ("A" if encode_cursor(5)[-1] != "A" else "B"),
        _forged(1, 5),
        encode_cursor(5, b"another secret"),
        "é" * 23,
        "+/" * 12,
    ],
)
def test_forged_or_garbled_cursors(db_session, projects, cursor):
    with pytest.raises(InvalidCursor, match="start again from the first page"):
        read_feed(db_session, VISIBLE, before=cursor)


def test_cursors_of_another_version_or_id_zero_are_refused():
    for version, event_id in ((2, 5), (1, 0)):
        payload = bytes([version]) + event_id.to_bytes(8, "big")
        mac = hmac.new(DEFAULT_SECRET, payload, hashlib.sha256).digest()[:9]
        token = base64.urlsafe_b64encode(payload + mac).rstrip(b"=").decode()
        with pytest.raises(InvalidCursor):
            decode_cursor(token)
