"""The outbox: durable, ordered, idempotent by key, retried with growing delays."""

import sqlite3

import pytest

from moiety.core.activity import Outbox, backoff_seconds, outcome
from moiety.core.activity.outbox import outbox_path


def body(key, kind="file.saved"):
    return {"key": key, "kind": kind, "actor": "alice", "summary": f"saved {key}", "data": {}}


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(outbox_path(tmp_path))
    yield box
    box.close()


def test_events_wait_in_order_and_a_key_is_kept_once(outbox):
    assert outbox.add(body("k-0001"), now=10)
    assert outbox.add(body("k-0002"), now=11)
    assert not outbox.add(body("k-0001", kind="file.deleted"), now=12)
    due = outbox.due(now=20)
    assert [p.key for p in due] == ["k-0001", "k-0002"]
    assert due[0].body["kind"] == "file.saved"
    outbox.remove("k-0001")
    assert [p.key for p in outbox.due(now=20)] == ["k-0002"]
    assert outbox.stats()["pending"] == 1


def test_a_failed_event_holds_back_the_ones_after_it(outbox):
    outbox.add(body("k-0001"), now=10)
    outbox.add(body("k-0002"), now=10)
    delay = outbox.retry_later("k-0001", "service unreachable", base=4, cap=60, now=10)
    assert 3 <= delay <= 4
    assert outbox.due(now=11) == []
    assert outbox.next_try() == pytest.approx(10 + delay)
    assert [p.key for p in outbox.due(now=15)] == ["k-0001", "k-0002"]
    second = outbox.retry_later("k-0001", "503 busy", base=4, cap=60, now=15)
    assert 6 <= second <= 8
    stats = outbox.stats()
    assert (stats["pending"], stats["attempts"], stats["last_error"]) == (2, 2, "503 busy")
    assert outbox.due(now=16) == []
    assert outbox.due(now=30)[0].attempts == 2


def test_events_survive_a_restart(tmp_path):
    first = Outbox(outbox_path(tmp_path))
    first.add(body("k-0001"), now=1)
    first.retry_later("k-0001", "down", now=1)
    first.close()
    again = Outbox(outbox_path(tmp_path))
    try:
        pending = again.due(now=10_000)
        assert [(p.key, p.attempts) for p in pending] == [("k-0001", 1)]
        assert again.path.parent.name == "moiety"
        assert again.path.parent.parent.name == ".git"
    finally:
        again.close()


def test_every_change_is_synced_to_disk(outbox):
    with sqlite3.connect(outbox.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert outbox._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_an_unreadable_outbox_is_moved_aside(tmp_path):
    path = outbox_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    box = Outbox(path)
    try:
        assert box.add(body("k-0001"))
        assert len(list(path.parent.glob("outbox.sqlite.broken-*"))) == 1
    finally:
        box.close()


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, "delivered"),
        (201, "delivered"),
        (0, "retry"),
        (408, "retry"),
        (429, "retry"),
        (500, "retry"),
        (502, "retry"),
        (599, "retry"),
        (400, "drop"),
        (403, "drop"),
        (404, "drop"),
    ],
)
def test_what_each_answer_means(status, verdict):
    assert outcome(status) == verdict


def test_delays_double_up_to_the_cap():
    for attempts, ceiling in [(1, 1), (2, 2), (3, 4), (6, 32), (20, 300)]:
        delay = backoff_seconds(attempts, base=1, cap=300)
        assert 0.75 * ceiling <= delay <= ceiling
