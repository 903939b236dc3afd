"""Comment threads, mentions, notifications and watches through the real hub (SQLite and
PostgreSQL): the issue's story, live notifications, edits, deletions, resolution and export."""

import csv
import io
import json
import queue
import threading
import time

import pytest
import requests

from moiety_testing.hub import service_client

NOTEBOOK = "notebooks/explore.ipynb"
CELL = "load"


class Stream:
    """A person's live feed stream, read in a thread: ``(event type, data)`` as they come."""

    def __init__(self, hub, name, params=None):
        client = service_client(hub, name)
        self.response = client.http.get(
            client.base + "feed/stream", params=params, stream=True, timeout=60
        )
        assert self.response.status_code == 200, self.response.text
        self.messages = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        fields = {}
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line == "":
                    if "data" in fields:
                        self.messages.put((fields.get("event"), json.loads(fields["data"])))
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = value.lstrip()
        except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError, AttributeError):
            pass

    def wait_for(self, kind, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            got, data = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            if got == kind and predicate(data):
                return data

    def close(self):
        self.response.close()


def call(hub, name, method, path, **kwargs):
    return service_client(hub, name).request(method, path, **kwargs)


def open_thread(hub, name="alice", body="Is this right? @bob", anchor=None, path=NOTEBOOK):
    r = call(
        hub,
        name,
        "POST",
        "threads",
        json={
            "project": "egfr-sar",
            "path": path,
            "anchor": anchor or {"cell_id": CELL},
            "body": body,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def comment_on(hub, thread_id, name, body):
    r = call(hub, name, "POST", f"threads/{thread_id}/comments", json={"body": body})
    assert r.status_code == 201, r.text
    return r.json()


def unread(hub, name):
    r = call(hub, name, "GET", "notifications", params={"unread": "1"})
    assert r.status_code == 200, r.text
    return r.json()


def read_all(hub, name):
    r = call(hub, name, "POST", "notifications/read", json={"all": True})
    assert r.status_code == 200, r.text


def test_alice_mentions_bob_who_replies_and_alice_is_notified(db_hub):
    for name in ("alice", "bob"):
        read_all(db_hub, name)
    body = "The pIC50 here looks off, @bob. #sar\n\n```smiles\nc1ccc2[nH]ccc2c1 indole\n```"
    thread = open_thread(db_hub, body=body)
    assert thread["project"] == "egfr-sar"
    assert thread["path"] == NOTEBOOK
    assert thread["anchor"] == {"cell_id": CELL, "line": None, "line_end": None}
    assert thread["anchor_state"] == "current"
    assert thread["state"] == "open"
    assert len(thread["commit"]) == 40
    assert len(thread["cell_hash"]) == 16
    [opening] = thread["comments"]
    assert (opening["author"], opening["body"]) == ("alice", body)
    assert opening["mentions"] == ["bob"]
    assert opening["tags"] == ["sar"]
    assert opening["molecules"] == [{"smiles": "c1ccc2[nH]ccc2c1", "name": "indole"}]

    bobs = unread(db_hub, "bob")
    assert bobs["unread_count"] == 1
    [note] = bobs["items"]
    assert (note["reason"], note["read"]) == ("mention", False)
    assert note["event"]["kind"] == "thread.opened"
    assert note["event"]["id"] == thread["event"]
    assert note["event"]["path"] == NOTEBOOK
    assert note["event"]["data"]["thread"] == thread["id"]
    assert note["event"]["data"]["cell_id"] == CELL
    assert note["event"]["data"]["molecules"] == opening["molecules"]
    assert "pIC50 here looks off" in note["event"]["data"]["excerpt"]
    assert note["thread"]["id"] == thread["id"]
    assert unread(db_hub, "alice")["unread_count"] == 0

    answer = comment_on(db_hub, thread["id"], "bob", "Checked: the assay plate was flipped.")
    assert answer["thread"] == thread["id"]
    alices = unread(db_hub, "alice")
    assert alices["unread_count"] == 1
    assert alices["items"][0]["reason"] == "reply"
    assert alices["items"][0]["event"]["kind"] == "comment.added"
    assert alices["items"][0]["event"]["data"]["comment"] == answer["id"]
    assert unread(db_hub, "bob")["unread_count"] == 1

    r = call(db_hub, "bob", "POST", "notifications/read", json={"ids": [note["id"]]})
    assert r.json() == {"updated": 1, "unread_count": 0}

    listed = call(
        db_hub, "lena", "GET", "threads", params={"project": "egfr-sar", "path": NOTEBOOK}
    ).json()
    mine = next(t for t in listed["items"] if t["id"] == thread["id"])
    assert [c["author"] for c in mine["comments"]] == ["alice", "bob"]
    feed = call(
        db_hub, "lena", "GET", "feed", params={"project": "egfr-sar", "path": NOTEBOOK}
    ).json()
    kinds = {e["kind"] for e in feed["items"] if e["data"].get("thread") == thread["id"]}
    assert kinds == {"thread.opened", "comment.added"}
    tagged = call(db_hub, "lena", "GET", "feed", params={"tag": "sar"}).json()["items"]
    assert thread["event"] in [e["id"] for e in tagged]


def test_notifications_arrive_live_on_bobs_open_stream(db_hub):
    stream = Stream(db_hub, "bob", {"project": "sulfonamide-sar"})
    try:
        thread = open_thread(db_hub, body="@bob, live?")
        note = stream.wait_for("notification", lambda n: n["event"]["id"] == thread["event"])
        assert note["reason"] == "mention"
        assert note["thread"]["id"] == thread["id"]
        assert note["read"] is False
        listed = unread(db_hub, "bob")["items"]
        assert note["id"] in [n["id"] for n in listed]

        edited = call(
            db_hub,
            "alice",
            "PATCH",
            f"comments/{comment_on(db_hub, thread['id'], 'alice', 'more')['id']}",
            json={"body": "more, and @lena too"},
        )
        assert edited.status_code == 200, edited.text
        stream2 = Stream(db_hub, "lena")
        try:
            comment_on(db_hub, thread["id"], "bob", "ok @lena")
            late = stream2.wait_for("notification", lambda n: n["reason"] == "mention")
            assert late["event"]["kind"] == "comment.added"
            event = stream2.wait_for("feed", lambda e: e["id"] == late["event"]["id"])
            assert event["kind"] == "comment.added"
        finally:
            stream2.close()
    finally:
        stream.close()


def test_carol_can_neither_read_nor_write_nor_be_mentioned(db_hub):
    thread = open_thread(db_hub, body="for the kinase team")
    comment = thread["comments"][0]["id"]
    carol = service_client(db_hub, "carol")
    assert carol.get("threads", params={"project": "egfr-sar"}).status_code == 404
    assert carol.get(f"threads/{thread['id']}").status_code == 404
    assert carol.post(f"threads/{thread['id']}/comments", json={"body": "hi"}).status_code == 404
    assert carol.patch(f"threads/{thread['id']}", json={"state": "resolved"}).status_code == 404
    assert carol.patch(f"comments/{comment}", json={"body": "x"}).status_code == 404
    assert carol.delete(f"comments/{comment}").status_code == 404
    assert carol.post(f"comments/{comment}/reactions", json={"emoji": "👍"}).status_code == 404
    r = call(
        db_hub,
        "alice",
        "POST",
        "threads",
        json={"project": "egfr-sar", "path": NOTEBOOK, "body": "what do you think @carol?"},
    )
    assert r.status_code == 400
    assert r.json()["error"] == "unknown-mention"
    assert "@carol" in r.json()["message"]
    r = call(db_hub, "alice", "POST", f"threads/{thread['id']}/comments", json={"body": "@carol"})
    assert r.status_code == 400
    assert "@carol" in r.json()["message"]
    after = call(db_hub, "alice", "GET", f"threads/{thread['id']}").json()
    assert len(after["comments"]) == 1


def test_edits_deletions_reactions_and_resolution(db_hub):
    thread = open_thread(db_hub, body="first words")
    first = thread["comments"][0]["id"]
    r = call(db_hub, "alice", "PATCH", f"comments/{first}", json={"body": "better words"})
    assert r.status_code == 200, r.text
    assert r.json()["edited"] is True
    assert r.json()["edited_at"]
    r = call(db_hub, "bob", "PATCH", f"comments/{first}", json={"body": "hijack"})
    assert r.status_code == 403
    assert r.json()["error"] == "not-your-comment"

    bobs = comment_on(db_hub, thread["id"], "bob", "a reply")
    r = call(db_hub, "alice", "POST", f"comments/{bobs['id']}/reactions", json={"emoji": "+1"})
    assert r.status_code == 200, r.text
    assert r.json()["reactions"][0]["emoji"] == "👍"
    assert call(db_hub, "alice", "DELETE", f"comments/{bobs['id']}").status_code == 403
    r = call(db_hub, "lena", "DELETE", f"comments/{bobs['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["tombstone"] == "comment deleted by lena"
    third = comment_on(db_hub, thread["id"], "bob", "again")
    assert call(db_hub, "admin", "DELETE", f"comments/{third['id']}").status_code == 200
    own = comment_on(db_hub, thread["id"], "alice", "mine")
    assert call(db_hub, "alice", "DELETE", f"comments/{own['id']}").status_code == 200

    r = call(db_hub, "bob", "PATCH", f"threads/{thread['id']}", json={"state": "resolved"})
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["resolved_by"]) == ("resolved", "bob")
    assert r.json()["resolved_at"]
    listed = call(
        db_hub, "alice", "GET", "threads", params={"project": "egfr-sar", "state": "resolved"}
    ).json()
    assert thread["id"] in [t["id"] for t in listed["items"]]
    opened = call(db_hub, "alice", "GET", "threads", params={"project": "egfr-sar"}).json()
    assert thread["id"] not in [t["id"] for t in opened["items"]]
    feed = call(
        db_hub, "alice", "GET", "feed", params={"project": "egfr-sar", "kind": "thread.resolved"}
    ).json()
    assert thread["id"] in [e["data"]["thread"] for e in feed["items"]]
    r = call(db_hub, "alice", "PATCH", f"threads/{thread['id']}", json={"state": "open"})
    assert (r.json()["state"], r.json()["reopened_by"]) == ("open", "alice")

    changes = call(
        db_hub,
        "bob",
        "GET",
        "feed",
        params={
            "project": "egfr-sar",
            "kind": ["thread.reopened", "comment.edited", "comment.deleted"],
            "limit": 200,
        },
    ).json()["items"]
    mine = [(e["kind"], e["actor"]) for e in changes if e["data"].get("thread") == thread["id"]]
    assert mine == [
        ("thread.reopened", "alice"),
        ("comment.deleted", "alice"),
        ("comment.deleted", "admin"),
        ("comment.deleted", "lena"),
        ("comment.edited", "alice"),
    ]
    assert all("words" not in e["summary"] for e in changes)

    whole = call(db_hub, "bob", "GET", f"threads/{thread['id']}").json()
    assert [c["deleted"] for c in whole["comments"]] == [False, True, True, True]
    assert whole["comments"][0]["body"] == "better words"
    assert whole["comments"][1]["deleted_by"] == "lena"
    assert whole["comments"][1]["body"] == ""


def test_the_export_contains_everything(db_hub):
    thread = open_thread(db_hub, body="export me")
    edited = comment_on(db_hub, thread["id"], "bob", "draft")
    call(db_hub, "bob", "PATCH", f"comments/{edited['id']}", json={"body": "final"})
    gone = comment_on(db_hub, thread["id"], "bob", "delete me")
    call(db_hub, "bob", "DELETE", f"comments/{gone['id']}")
    call(db_hub, "lena", "PATCH", f"threads/{thread['id']}", json={"state": "resolved"})

    r = call(db_hub, "lena", "GET", "projects/egfr-sar/discussions")
    assert r.status_code == 200, r.text
    document = r.json()
    assert (document["project"], document["exported_by"]) == ("egfr-sar", "lena")
    exported = next(t for t in document["threads"] if t["id"] == thread["id"])
    assert (exported["resolved_by"], exported["state"]) == ("lena", "resolved")
    opening, final, deleted = exported["comments"]
    assert [c["body"] for c in exported["comments"]] == ["export me", "final", ""]
    assert [(v["body"], v["ended"]) for v in opening["versions"]] == [("export me", None)]
    assert final["versions"] == [
        {
            "body": "draft",
            "written_at": final["created_at"],
            "ended": "edited",
            "ended_at": final["edited_at"],
            "ended_by": "bob",
        },
        {
            "body": "final",
            "written_at": final["edited_at"],
            "ended": None,
            "ended_at": None,
            "ended_by": None,
        },
    ]
    assert (deleted["deleted_by"], deleted["deleted_at"]) == (
        "bob",
        deleted["versions"][0]["ended_at"],
    )
    assert [(v["body"], v["ended"], v["ended_by"]) for v in deleted["versions"]] == [
        ("delete me", "deleted", "bob")
    ]

    r = call(db_hub, "admin", "GET", "projects/egfr-sar/discussions", params={"format": "csv"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    rows = [
        row for row in csv.DictReader(io.StringIO(r.text)) if row["thread_id"] == str(thread["id"])
    ]
    assert [
        (row["author"], row["version"], row["body"], row["ended"], row["resolved_by"])
        for row in rows
    ] == [
        ("alice", "1", "export me", "", "lena"),
        ("bob", "1", "draft", "edited", "lena"),
        ("bob", "2", "final", "", "lena"),
        ("bob", "1", "delete me", "deleted", "lena"),
    ]
    assert rows[1]["ended_at"] == rows[2]["written_at"] == final["edited_at"]
    assert (rows[3]["deleted_by"], rows[3]["deleted_at"]) == ("bob", deleted["deleted_at"])


@pytest.fixture
def no_watches(db_hub):
    yield
    for name in ("alice", "bob", "lena"):
        client = service_client(db_hub, name)
        for watch in client.get("watches").json()["items"]:
            assert client.delete(f"watches/{watch['id']}").status_code == 200


def test_watching_a_folder(db_hub, no_watches):
    r = call(db_hub, "lena", "POST", "watches", json={"project": "egfr-sar", "path": "notebooks/"})
    assert r.status_code == 201, r.text
    assert r.json()["path"] == "notebooks/"
    again = call(
        db_hub, "lena", "POST", "watches", json={"project": "egfr-sar", "path": "notebooks/"}
    )
    assert (again.status_code, again.json()["id"]) == (200, r.json()["id"])
    read_all(db_hub, "lena")
    thread = open_thread(db_hub, body="for watchers")
    [note] = unread(db_hub, "lena")["items"]
    assert (note["reason"], note["event"]["id"]) == ("watch", thread["event"])
    mentioned = open_thread(db_hub, body="@lena please look")
    assert unread(db_hub, "lena")["items"][0]["event"]["id"] == mentioned["event"]
    assert unread(db_hub, "lena")["items"][0]["reason"] == "mention"
    watches = call(db_hub, "lena", "GET", "watches", params={"project": "egfr-sar"}).json()
    assert [(w["project"], w["path"]) for w in watches["items"]] == [("egfr-sar", "notebooks/")]
    r = call(
        db_hub, "lena", "DELETE", "watches", params={"project": "egfr-sar", "path": "notebooks/"}
    )
    assert r.json() == {"removed": 1}
    read_all(db_hub, "lena")
    open_thread(db_hub, body="nobody watches")
    assert unread(db_hub, "lena")["unread_count"] == 0


def test_a_project_server_reads_and_opens_its_own_threads_but_people_carry_them_on(db_hub):
    thread = open_thread(db_hub, body="for the server")
    own = service_client(db_hub, "project-egfr-sar")
    r = own.get("threads", params={"project": "egfr-sar", "state": "all"})
    assert r.status_code == 200
    assert thread["id"] in [t["id"] for t in r.json()["items"]]
    body = {"project": "egfr-sar", "path": NOTEBOOK, "body": "from the notebook"}
    opened = own.post("threads", json=body)
    assert opened.status_code == 201, opened.text
    assert opened.json()["comments"][0]["author"] == "project-egfr-sar"
    # bob replies: the project's account takes part but is never notified.
    r = service_client(db_hub, "bob").post(
        f"threads/{opened.json()['id']}/comments", json={"body": "seen"}
    )
    assert r.status_code == 201, r.text
    assert own.get("notifications").json()["items"] == []
    r = own.post(f"threads/{thread['id']}/comments", json={"body": "x"})
    assert (r.status_code, r.json()["error"]) == (403, "people-only")
    assert own.patch(f"threads/{thread['id']}", json={"state": "resolved"}).status_code == 403
    assert own.get("projects/egfr-sar/discussions").status_code == 403
