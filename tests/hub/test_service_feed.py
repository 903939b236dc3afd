"""The feed through the real hub: live streams, resuming, restarts, retries, bad input."""

import json
import os
import queue
import signal
import threading
from pathlib import Path

import pytest
import requests

from moiety_testing.hub import _wait_for, processes_of, service_client


class StreamReader:
    """Reads a feed stream in a thread and hands each message to the test through a queue."""

    def __init__(self, hub, name, params=None, headers=None):
        client = service_client(hub, name)
        self.response = client.http.get(
            client.base + "feed/stream", params=params, headers=headers, stream=True, timeout=60
        )
        assert self.response.status_code == 200, self.response.text
        self.messages = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        fields = {}
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith(":"):
                    self.messages.put(("comment", line))
                elif line == "":
                    if "data" in fields:
                        kind = "notification" if fields.get("event") == "notification" else "event"
                        self.messages.put((kind, json.loads(fields["data"])))
                    fields = {}
                else:
                    name, _, value = line.partition(":")
                    fields[name] = value.lstrip()
        except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError, AttributeError):
            pass

    def next_event(self, timeout=10):
        while True:
            kind, value = self.messages.get(timeout=timeout)
            if kind == "event":
                return value

    def close(self):
        self.response.close()


def post(hub, name, body, project="egfr-sar"):
    r = service_client(hub, name).post("posts", json={"project": project, "body": body})
    assert r.status_code == 201, r.text
    return r.json()


def test_bobs_stream_receives_alices_post_through_the_proxy(db_hub):
    reader = StreamReader(db_hub, "bob")
    try:
        sent = post(db_hub, "alice", "live from alice #live @bob")
        received = reader.next_event()
        assert received["id"] == sent["id"]
        assert received["actor"] == "alice"
        assert received["tags"] == ["live"]
    finally:
        reader.close()


def test_streams_respect_access_and_filters(db_hub):
    carol = StreamReader(db_hub, "carol")
    tagged = StreamReader(db_hub, "lena", params={"tag": "only-this"})
    try:
        post(db_hub, "alice", "carol must not see this")
        post(db_hub, "alice", "tagged #only-this")
        neuro = post(db_hub, "carol", "neuro news", project="sulfonamide-sar")
        assert carol.next_event()["id"] == neuro["id"]
        assert tagged.next_event()["summary"] == "tagged #only-this"
    finally:
        carol.close()
        tagged.close()


def test_resuming_with_last_event_id_has_no_gaps_or_duplicates(db_hub):
    first = post(db_hub, "alice", "before the gap")
    missed = [post(db_hub, "bob", f"while away {i}") for i in range(5)]
    reader = StreamReader(db_hub, "alice", headers={"Last-Event-ID": str(first["id"])})
    try:
        caught_up = [reader.next_event() for _ in missed]
        assert [e["id"] for e in caught_up] == [e["id"] for e in missed]
        live = post(db_hub, "bob", "after resuming")
        assert reader.next_event()["id"] == live["id"]
    finally:
        reader.close()


def test_idle_streams_get_keep_alive_comments(hub):
    reader = StreamReader(hub, "alice", params={"tag": "nothing-ever-tagged-so"})
    try:
        comments = []
        while len(comments) < 3:
            kind, value = reader.messages.get(timeout=10)
            if kind == "comment":
                comments.append(value)
        assert ": keep-alive" in comments
    finally:
        reader.close()


def test_a_retried_event_is_stored_once(db_hub):
    client = service_client(db_hub, "project-egfr-sar")
    body = {
        "key": "retried-save-0001",
        "kind": "file.saved",
        "actor": "alice",
        "summary": "saved notebooks/explore.ipynb",
        "path": "notebooks/explore.ipynb",
    }
    first = client.post("events", json=body)
    again = client.post("events", json=body)
    assert first.status_code == 201, first.text
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    feed = service_client(db_hub, "alice").get(
        "feed", params={"path": "notebooks/explore.ipynb", "kind": "file.saved"}
    )
    ids = [e["id"] for e in feed.json()["items"]]
    assert ids.count(first.json()["id"]) == 1
    assert feed.json()["items"][0]["actor"] == "alice"


def test_events_and_posts_survive_a_crash_of_the_service(db_hub):
    sent = post(db_hub, "alice", "written before the crash")
    server = service_client(db_hub, "project-egfr-sar")
    saved = {
        "key": "before-the-crash-0001",
        "kind": "file.saved",
        "actor": "bob",
        "summary": "saved notebooks/crash.ipynb",
        "path": "notebooks/crash.ipynb",
    }
    reported = server.post("events", json=saved)
    assert reported.status_code == 201, reported.text
    event = reported.json()
    service_pids = [
        pid
        for pid in processes_of(db_hub.data_dir)
        if b"moiety.service" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(service_pids) == 1
    os.kill(service_pids[0], signal.SIGKILL)

    def answers_again():
        try:
            r = service_client(db_hub, "alice").get("feed", params={"limit": 200}, timeout=5)
        except requests.RequestException:
            return False
        return r.status_code == 200

    _wait_for(answers_again, 60, "the hub restarting the service")
    items = service_client(db_hub, "alice").get("feed", params={"limit": 200}).json()["items"]
    by_id = {e["id"]: e for e in items}
    assert by_id[sent["id"]]["data"]["body"] == "written before the crash"
    kept = by_id[event["id"]]
    assert (kept["kind"], kept["actor"], kept["project"], kept["path"]) == (
        "file.saved",
        "bob",
        "egfr-sar",
        "notebooks/crash.ipynb",
    )
    again = server.post("events", json=saved)
    assert (again.status_code, again.json()["id"]) == (200, event["id"])


BAD_POSTS = [
    (b"{not json", 400, "bad-json"),
    (json.dumps({"project": "egfr-sar", "body": "x", "extra": 1}).encode(), 400, "invalid"),
    (json.dumps({"project": "egfr-sar", "body": 42}).encode(), 400, "invalid"),
    (json.dumps({"project": "egfr-sar"}).encode(), 400, "invalid"),
    (json.dumps({"project": "egfr-sar", "body": "   "}).encode(), 400, None),
    (json.dumps({"project": "egfr-sar", "body": "hi @carol"}).encode(), 400, None),
    (json.dumps({"project": "egfr-sar", "body": "x" * 70_000}).encode(), 413, "too-large"),
    (json.dumps({"project": "egfr-sar", "body": "x" * 500_000}).encode(), 413, "too-large"),
    (json.dumps([1, 2]).encode(), 400, "invalid"),
]


@pytest.mark.parametrize(("body", "status", "code"), BAD_POSTS)
def test_bad_posts_get_clear_errors(hub, body, status, code):
    r = service_client(hub, "alice").post(
        "posts", data=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == status, r.text
    error = r.json()
    assert error["message"]
    if code:
        assert error["error"] == code


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "201"},
        {"limit": "ten"},
        {"before": "forged-cursor"},
        {"before": "eyJ2IjoxLCJpZCI6MX0"},
        {"kind": "no.such.kind"},
        {"tag": "#"},
        {"actor": "a", "project": "egfr-sar", "limit": ["1", "2"]},
        {"colour": "blue"},
    ],
)
def test_bad_feed_queries_get_clear_errors(hub, params):
    r = service_client(hub, "alice").get("feed", params=params)
    assert r.status_code == 400, r.text
    assert r.json()["message"]


def test_requests_are_capped_at_64_kib(hub):
    """A post whose request is 64 KiB (UTF-8, as a browser sends it) is taken; a byte more, or
    the same text JSON-escaped (six bytes an é), answers 413 naming the limit."""
    alice = service_client(hub, "alice")
    headers = {"Content-Type": "application/json"}
    envelope = len(json.dumps({"project": "egfr-sar", "body": ""}).encode())
    room = 64 * 1024 - envelope
    text = "é" * (room // 2) + "x" * (room % 2)
    fits = json.dumps({"project": "egfr-sar", "body": text}, ensure_ascii=False).encode()
    assert len(fits) == 64 * 1024
    r = alice.post("posts", data=fits, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["body"] == text
    for over in (
        json.dumps({"project": "egfr-sar", "body": text + "x"}, ensure_ascii=False).encode(),
        json.dumps({"project": "egfr-sar", "body": "é" * 10_923}).encode(),
    ):
        assert len(over) > 64 * 1024
        r = alice.post("posts", data=over, headers=headers)
        assert (r.status_code, r.json()["error"]) == (413, "too-large")
        assert "Moiety takes at most 64 KiB here" in r.json()["message"]
    r = alice.post("projects", data=b" " * (64 * 1024 + 1), headers=headers)
    assert (r.status_code, r.json()["error"]) == (413, "too-large")
    assert r.json()["message"].startswith("The request body is 65 KiB;")


def test_project_servers_may_send_larger_events(hub):
    """A snapshot's event lists the cells it changed (budgeted to 192 KiB by the project
    server): POST /events takes up to 384 KiB, and says so past that."""
    server = service_client(hub, "project-egfr-sar")
    cells = {f"notebooks/n{i}.ipynb": ["c" * 40] * 100 for i in range(42)}
    body = {
        "key": "large-snapshot-event-1",
        "kind": "snapshot.created",
        "actor": "alice",
        "summary": "snapshot with many cells",
        "data": {"cells": cells},
    }
    assert 180_000 < len(json.dumps(body)) < 192 * 1024
    r = server.post("events", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["cells"] == cells
    huge = {**body, "key": "large-snapshot-event-2", "data": {"text": "x" * (384 * 1024)}}
    r = server.post("events", json=huge)
    assert (r.status_code, r.json()["error"]) == (413, "too-large")
    assert "Moiety takes at most 384 KiB here" in r.json()["message"]


def test_a_huge_body_gets_413_not_a_dropped_connection(hub):
    r = service_client(hub, "alice").post(
        "posts", data=b"x" * 2_000_000, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["error"] == "too-large"


def test_paging_the_feed_through_the_api(hub):
    client = service_client(hub, "alice")
    mine = [post(hub, "alice", f"page me #paging{i}")["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        params = {"actor": "alice", "limit": 3, **({"before": cursor} if cursor else {})}
        page = client.get("feed", params=params).json()
        seen += [e["id"] for e in page["items"]]
        post(hub, "alice", "inserted while paging")
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen))
    assert set(mine) <= set(seen)
