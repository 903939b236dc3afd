"""Every discussion endpoint tried as each kind of caller, and every kind of bad input, through
the real hub (SQLite and PostgreSQL).

Callers: a member of the project's team (alice), a member of another team (carol), a lead
(lena), a hub admin, the token of another project's server, and nobody.
"""

import json

import pytest

from moiety_testing.hub import service_client

CALLERS = ["alice", "carol", "lena", "admin", "project-sulfonamide-sar", None]
READ = {
    "alice": 200,
    "carol": 404,
    "lena": 200,
    "admin": 200,
    "project-sulfonamide-sar": 404,
    None: 403,
}
CREATED = {name: 201 if status == 200 else status for name, status in READ.items()}
LEADS = {**READ, "alice": 403}
OWN = {name: 200 if name is not None else 403 for name in CALLERS}
NOTEBOOK = "notebooks/explore.ipynb"


def status_of(hub, caller, method, path, **kwargs):
    return service_client(hub, caller).request(method, path, **kwargs).status_code


def new_thread(hub, name="alice", body="matrix thread"):
    r = service_client(hub, name).post(
        "threads",
        json={"project": "egfr-sar", "path": NOTEBOOK, "anchor": {"cell_id": "load"}, "body": body},
    )
    assert r.status_code == 201, r.text
    return r.json()


def bobs_comment(hub, thread_id):
    r = service_client(hub, "bob").post(f"threads/{thread_id}/comments", json={"body": "bob's"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def thread(db_hub):
    return new_thread(db_hub)


@pytest.mark.parametrize("caller", CALLERS)
def test_listing_threads(db_hub, thread, caller):
    r = service_client(db_hub, caller).get("threads", params={"project": "egfr-sar"})
    assert r.status_code == READ[caller]
    if r.status_code == 200:
        assert thread["id"] in [t["id"] for t in r.json()["items"]]


@pytest.mark.parametrize("caller", CALLERS)
def test_reading_a_thread(db_hub, thread, caller):
    assert status_of(db_hub, caller, "GET", f"threads/{thread['id']}") == READ[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_opening_a_thread(db_hub, caller):
    body = {"project": "egfr-sar", "path": NOTEBOOK, "body": f"opened by {caller}"}
    assert status_of(db_hub, caller, "POST", "threads", json=body) == CREATED[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_replying(db_hub, thread, caller):
    path = f"threads/{thread['id']}/comments"
    assert status_of(db_hub, caller, "POST", path, json={"body": "a reply"}) == CREATED[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_resolving_and_reopening(db_hub, caller):
    thread = new_thread(db_hub)
    for state in ("resolved", "open"):
        body = {"state": state}
        assert (
            status_of(db_hub, caller, "PATCH", f"threads/{thread['id']}", json=body) == READ[caller]
        )


@pytest.mark.parametrize("caller", CALLERS)
def test_editing_someone_elses_comment(db_hub, thread, caller):
    comment = bobs_comment(db_hub, thread["id"])
    expected = {**READ, "alice": 403, "lena": 403, "admin": 403}
    body = {"body": "edited by someone else"}
    assert status_of(db_hub, caller, "PATCH", f"comments/{comment}", json=body) == expected[caller]
    assert status_of(db_hub, "bob", "PATCH", f"comments/{comment}", json=body) == 200


@pytest.mark.parametrize("caller", CALLERS)
def test_deleting_someone_elses_comment(db_hub, thread, caller):
    comment = bobs_comment(db_hub, thread["id"])
    assert status_of(db_hub, caller, "DELETE", f"comments/{comment}") == LEADS[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_reacting_to_a_comment(db_hub, thread, caller):
    path = f"comments/{thread['comments'][0]['id']}/reactions"
    assert status_of(db_hub, caller, "POST", path, json={"emoji": "🧪"}) == READ[caller]
    assert status_of(db_hub, caller, "DELETE", path, params={"emoji": "🧪"}) == READ[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_exporting_discussions(db_hub, thread, caller):
    status = status_of(db_hub, caller, "GET", "projects/egfr-sar/discussions")
    assert status == LEADS[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_notifications_are_everyones_own(db_hub, caller):
    assert status_of(db_hub, caller, "GET", "notifications") == OWN[caller]
    assert (
        status_of(db_hub, caller, "POST", "notifications/read", json={"all": True}) == OWN[caller]
    )


@pytest.mark.parametrize("caller", CALLERS)
def test_watching(db_hub, caller):
    client = service_client(db_hub, caller)
    assert client.get("watches").status_code == OWN[caller]
    body = {"project": "egfr-sar", "path": "notebooks/"}
    assert client.post("watches", json=body).status_code == CREATED[caller]
    r = client.delete("watches", params=body)
    assert r.status_code == READ[caller]
    if r.status_code == 200:
        assert r.json() == {"removed": 1}


def test_nobody_else_removes_a_watch_or_reads_its_notifications(db_hub):
    alice = service_client(db_hub, "alice")
    watch = alice.post("watches", json={"project": "egfr-sar"}).json()
    try:
        for caller in ("bob", "lena", "admin"):
            r = service_client(db_hub, caller).delete(f"watches/{watch['id']}")
            assert (r.status_code, r.json()["error"]) == (404, "watch-not-found")
        mention = new_thread(db_hub, "bob", "@alice only")
        mine = alice.get("notifications").json()["items"]
        note = next(n for n in mine if n["event"]["id"] == mention["event"])
        for caller in ("bob", "lena", "admin"):
            others = service_client(db_hub, caller).get("notifications").json()["items"]
            assert note["id"] not in [n["id"] for n in others]
            read = service_client(db_hub, caller).post(
                "notifications/read", json={"ids": [note["id"]]}
            )
            assert read.json()["updated"] == 0
        unread = alice.get("notifications", params={"unread": "1"}).json()["items"]
        assert note["id"] in [n["id"] for n in unread]
    finally:
        assert alice.delete(f"watches/{watch['id']}").status_code == 200


BAD_THREADS = [
    ({"body": ""}, 400, "empty-comment"),
    ({"body": " \n\t"}, 400, "empty-comment"),
    ({"body": "x" * (64 * 1024 + 1)}, 413, "too-large"),
    ({"body": "é" * (32 * 1024 + 1)}, 413, "too-large"),
    ({"body": "hi @carol"}, 400, "unknown-mention"),
    ({"path": "notebooks/missing.ipynb"}, 404, "no-such-file"),
    ({"anchor": {"cell_id": "no-such-cell"}}, 404, "no-such-cell"),
    ({"anchor": {"line": 3}}, 400, "invalid-anchor"),
    ({"path": "data/README.md", "anchor": {"line": 900}}, 400, "invalid-anchor"),
    ({"path": "data/README.md", "anchor": {"cell_id": "load"}}, 400, "invalid-anchor"),
    ({"anchor": {"line": 2, "line_end": 1}}, 400, "invalid-anchor"),
    ({"anchor": {"cell_id": "load", "line": 1}}, 400, "invalid-anchor"),
    ({"path": "../../etc/passwd"}, 400, "unsafe-path"),
    ({"path": "notebooks"}, 404, "path-not-found"),
    ({"path": "bad\ud800.txt"}, 400, "unsafe-path"),
    ({"path": "nul\u0000.txt"}, 400, "unsafe-path"),
    ({"path": "x" * 1000}, 404, "no-such-file"),
    ({"anchor": {"line": "x"}}, 400, "invalid"),
    ({"anchor": {"cell": "load"}}, 400, "invalid"),
    ({"anchor": "load"}, 400, "invalid"),
    ({"body": 3}, 400, "invalid"),
    ({"title": "extra"}, 400, "invalid"),
    ({"path": ""}, 400, "invalid"),
    ({"project": "no-such-project"}, 404, "no-project"),
    ({"project": "sulfonamide-sar"}, 404, "no-project"),
]


@pytest.mark.parametrize(("change", "status", "code"), BAD_THREADS)
def test_bad_threads_are_refused_clearly(db_hub, change, status, code):
    body = {"project": "egfr-sar", "path": NOTEBOOK, "anchor": {"cell_id": "load"}, "body": "x"}
    body.update(change)
    r = service_client(db_hub, "alice").post("threads", json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"] == code
    assert r.json()["message"]
    if code == "unknown-mention":
        assert "@carol" in r.json()["message"]
    if change.get("path") == "notebooks/missing.ipynb":
        assert "notebooks/missing.ipynb" in r.json()["message"]


def test_a_comment_filling_the_64_kib_request_is_accepted_and_a_byte_more_is_not(db_hub, thread):
    """Requests are capped at 64 KiB as sent (a browser sends UTF-8 unescaped)."""
    alice = service_client(db_hub, "alice")
    envelope = len(json.dumps({"body": ""}, ensure_ascii=False).encode())
    body = "é" * ((64 * 1024 - envelope) // 2)
    data = json.dumps({"body": body}, ensure_ascii=False).encode()
    assert len(data) == 64 * 1024
    headers = {"Content-Type": "application/json"}
    r = alice.post(f"threads/{thread['id']}/comments", data=data, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["body"] == body
    over = json.dumps({"body": body + "x"}, ensure_ascii=False).encode()
    r = alice.post(f"threads/{thread['id']}/comments", data=over, headers=headers)
    assert (r.status_code, r.json()["error"]) == (413, "too-large")
    assert r.json()["message"].startswith(
        "The request body is 65 KiB; Moiety takes at most 64 KiB here."
    )
    opening = thread["comments"][0]["id"]
    r = alice.patch(f"comments/{opening}", data=over, headers=headers)
    assert (r.status_code, r.json()["error"]) == (413, "too-large")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{", "bad-json"),
        (b"", "invalid"),
        (b"[]", "invalid"),
        (b'{"project": "egfr-sar"}', "invalid"),
        (json.dumps({"project": 1, "path": NOTEBOOK, "body": "x"}).encode(), "invalid"),
    ],
)
def test_malformed_requests(db_hub, data, code):
    r = service_client(db_hub, "alice").post(
        "threads", data=data, headers={"Content-Type": "application/json"}
    )
    assert (r.status_code, r.json()["error"]) == (400, code)


def test_wrong_types_name_the_field(db_hub):
    r = service_client(db_hub, "alice").post(
        "threads",
        json={"project": "egfr-sar", "path": NOTEBOOK, "anchor": {"line": "two"}, "body": "x"},
    )
    assert r.status_code == 400
    assert "anchor/line" in r.json()["message"]
    r = service_client(db_hub, "alice").post(
        "threads", json={"project": "egfr-sar", "path": NOTEBOOK, "body": "x", "color": "red"}
    )
    assert "color" in r.json()["message"]


def bad_calls(thread_id, comment_id):
    """(method, path, kwargs, status, error code) of every other endpoint's bad input."""
    huge = "x" * (64 * 1024 + 1)
    return [
        ("GET", "threads", {}, 400, "invalid"),
        ("GET", "threads", {"params": {"project": "egfr-sar", "state": "closed"}}, 400, None),
        ("GET", "threads", {"params": {"project": "egfr-sar", "limit": "0"}}, 400, None),
        ("GET", "threads", {"params": {"project": "egfr-sar", "before": "x"}}, 400, None),
        ("GET", "threads", {"params": {"project": "egfr-sar", "color": "red"}}, 400, None),
        ("GET", "threads", {"params": {"project": ["egfr-sar", "x"]}}, 400, None),
        ("GET", "threads/999999999", {}, 404, "thread-not-found"),
        ("GET", "threads/abc", {}, 404, "thread-not-found"),
        ("GET", "threads/" + "9" * 40, {}, 404, "thread-not-found"),
        ("POST", "threads/999999999/comments", {"json": {"body": "x"}}, 404, "thread-not-found"),
        ("POST", f"threads/{thread_id}/comments", {"json": {"body": ""}}, 400, "empty-comment"),
        ("POST", f"threads/{thread_id}/comments", {"json": {"body": huge}}, 413, None),
        ("POST", f"threads/{thread_id}/comments", {"json": {"text": "x"}}, 400, "invalid"),
        ("PATCH", f"threads/{thread_id}", {"json": {"state": "closed"}}, 400, "invalid"),
        ("PATCH", f"threads/{thread_id}", {"json": {}}, 400, "invalid"),
        ("PATCH", "threads/999999999", {"json": {"state": "open"}}, 404, "thread-not-found"),
        ("PATCH", "comments/999999999", {"json": {"body": "x"}}, 404, "comment-not-found"),
        ("PATCH", "comments/x", {"json": {"body": "x"}}, 404, "comment-not-found"),
        ("PATCH", f"comments/{comment_id}", {"json": {"body": ""}}, 400, "empty-comment"),
        ("PATCH", f"comments/{comment_id}", {"json": {"body": huge}}, 413, None),
        ("PATCH", f"comments/{comment_id}", {"json": {"body": 5}}, 400, "invalid"),
        ("DELETE", "comments/999999999", {}, 404, "comment-not-found"),
        ("POST", f"comments/{comment_id}/reactions", {"json": {"emoji": "🦖"}}, 400, None),
        ("POST", "comments/999999999/reactions", {"json": {"emoji": "👍"}}, 404, None),
        ("GET", "notifications", {"params": {"unread": "maybe"}}, 400, "invalid"),
        ("GET", "notifications", {"params": {"limit": "0"}}, 400, None),
        ("GET", "notifications", {"params": {"before": "x"}}, 400, None),
        ("GET", "notifications", {"params": {"color": "red"}}, 400, "unknown-argument"),
        ("POST", "notifications/read", {"json": {}}, 400, "invalid"),
        ("POST", "notifications/read", {"json": {"ids": "x"}}, 400, "invalid"),
        ("POST", "notifications/read", {"json": {"ids": [1], "all": True}}, 400, "invalid"),
        ("POST", "notifications/read", {"json": {"all": False}}, 400, "invalid"),
        ("POST", "watches", {"json": {}}, 400, "invalid"),
        ("POST", "watches", {"json": {"project": "egfr-sar", "path": "../x"}}, 400, None),
        ("POST", "watches", {"json": {"project": "no-such"}}, 404, "no-project"),
        ("DELETE", "watches", {}, 400, "invalid"),
        ("DELETE", "watches/abc", {}, 404, "watch-not-found"),
        ("DELETE", "watches/999999999", {}, 404, "watch-not-found"),
        ("GET", "projects/egfr-sar/discussions", {"params": {"format": "xml"}}, 400, None),
    ]


def test_bad_input_everywhere_else_is_refused_clearly(db_hub, thread):
    comment = thread["comments"][0]["id"]
    alice = service_client(db_hub, "alice")
    for method, path, kwargs, status, code in bad_calls(thread["id"], comment):
        caller = "lena" if path.endswith("discussions") else "alice"
        r = service_client(db_hub, caller).request(method, path, **kwargs)
        assert r.status_code == status, (method, path, kwargs, r.text)
        assert r.headers["Content-Type"].startswith("application/json"), (method, path)
        error = r.json()
        assert error["message"], (method, path)
        if code:
            assert error["error"] == code, (method, path, error)
    still = alice.get(f"threads/{thread['id']}").json()
    assert still["comments"][0]["body"] == "matrix thread"
