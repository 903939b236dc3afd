"""The project server's versions API through the real hub: snapshots by the person who asks,
notebooks committed without outputs, history, diffs, restores, anchors, access and bad input."""

import asyncio
import glob
import hashlib
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from moiety_testing.hub import service_client
from moiety_testing.projects import (
    FeedStream,
    ProjectClient,
    YClient,
    browser_session,
    open_project,
    repo_dir,
)


@pytest.fixture(scope="module")
def egfr(hub):
    return open_project(hub, "egfr-sar", "alice")


def git(root, *args) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def sar_notebook(*sources: str, outputs: bool = True) -> dict:
    nb = nbformat.v4.new_notebook()
    for index, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source, id=f"sar-{index}")
        if outputs:
            cell.execution_count = index + 1
            cell.outputs = [nbformat.v4.new_output("stream", text=f"pIC50 {7 + index}.2\n")]
        nb.cells.append(cell)
    return json.loads(nbformat.writes(nb))


def hash16(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def test_alice_snapshots_a_notebook_and_keeps_her_outputs(hub, egfr):
    s, xsrf = browser_session(hub, egfr, "alice")
    path = "notebooks/alice-pic50.ipynb"
    sources = ("import pandas as pd", "series = pd.read_csv('data/egfr.csv')")
    r = s.put(
        f"{egfr}api/contents/{path}",
        json={"type": "notebook", "content": sar_notebook(*sources)},
        headers=xsrf,
    )
    assert r.status_code == 201, r.text
    message = "--amend pIC50 of the first series"
    with FeedStream(hub, "lena", {"project": "egfr-sar", "kind": "snapshot.created"}) as feed:
        r = s.post(
            f"{egfr}moiety/api/snapshot", json={"message": message, "paths": [path]}, headers=xsrf
        )
        assert r.status_code == 201, r.text
        commit = r.json()["commit"]
        event = feed.wait_for(lambda e: e["data"].get("commit") == commit)
    assert r.json()["added"] == [path]
    assert event["actor"] == "alice"
    assert event["data"]["paths"] == [path]
    assert event["data"]["cells"] == {
        path: [[f"sar-{i}", hash16(s)] for i, s in enumerate(sources)]
    }

    root = repo_dir(hub, "egfr-sar")
    author = git(root, "log", "-1", "--format=%an|%ae|%B", commit).strip()
    assert author == f"alice|alice@users.moiety.invalid|{message}"
    committed = json.loads(git(root, "show", f"{commit}:{path}"))
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in committed["cells"])
    assert [c["id"] for c in committed["cells"]] == ["sar-0", "sar-1"]
    working = s.get(f"{egfr}api/contents/{path}").json()["content"]
    assert working["cells"][1]["outputs"][0]["text"] == "pIC50 8.2\n"

    feed = service_client(hub, "bob").get(
        "feed", params={"kind": "snapshot.created", "project": "egfr-sar"}
    )
    mine = [e for e in feed.json()["items"] if e["data"].get("commit") == commit]
    assert [(e["actor"], e["summary"]) for e in mine] == [
        ("alice", f"snapshot {commit[:8]}: {message}")
    ]


def test_bob_reads_what_alice_wrote(hub, egfr):
    alice, bob = ProjectClient(hub, egfr, "alice"), ProjectClient(hub, egfr, "bob")
    sources = ["smiles = 'c1ccccc1'", "len(smiles)"]
    alice.put_notebook("notebooks/shared-with-bob.ipynb", sar_notebook(*sources))
    r = bob.get("api/contents/notebooks/shared-with-bob.ipynb")
    assert r.status_code == 200
    cells = r.json()["content"]["cells"]
    assert [(c["id"], c["source"]) for c in cells] == [("sar-0", sources[0]), ("sar-1", sources[1])]
    assert cells[1]["outputs"][0]["text"] == "pIC50 8.2\n"
    assert bob.get("moiety/api/health").json()["user"] == "bob"


def test_jupyterlabs_cache_buster_is_passed_over(hub, egfr):
    """``ServerConnection`` adds a bare timestamp to every GET; it is not an unknown argument."""
    alice = ProjectClient(hub, egfr, "alice")
    r = alice.get("moiety/api/history?limit=1&1795412345678")
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == 1


def test_carol_of_another_team_is_refused(hub, egfr):
    root = repo_dir(hub, "egfr-sar")
    head = git(root, "rev-parse", "HEAD")
    assert hub.session("carol").get(f"{egfr}moiety/api/history").status_code == 403
    carol = ProjectClient(hub, egfr, "carol")
    assert carol.get("moiety/api/history").status_code == 403
    assert carol.get("api/contents/notebooks/explore.ipynb").status_code == 403
    assert carol.post("moiety/api/snapshot", json={"message": "sneaky"}).status_code == 403
    assert git(root, "rev-parse", "HEAD") == head


def test_history_diff_and_restore(hub, egfr):
    alice = ProjectClient(hub, egfr, "alice")
    path = "data/assay-notes.txt"
    commits = []
    for text in ("EGFR IC50 assay\nplate 1\n", "EGFR IC50 assay\nplate 1\nplate 2\n"):
        alice.put_text(path, text)
        r = alice.post("moiety/api/snapshot", json={"message": f"notes: {text.count('plate')}"})
        assert r.status_code == 201, r.text
        commits.append(r.json()["commit"])

    again = alice.post("moiety/api/snapshot", json={"message": "nothing new", "paths": [path]})
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert again.json()["commit"] == commits[1]
    assert "no snapshot was made" in again.json()["detail"]

    history = alice.get("moiety/api/history", params={"path": path}).json()
    assert [c["commit"] for c in history["items"]] == commits[::-1]
    assert [c["message"] for c in history["items"]] == ["notes: 2", "notes: 1"]
    assert history["items"][0]["author"] == "alice"
    assert history["items"][0]["paths"] == [path]
    assert len(alice.get("moiety/api/history", params={"limit": "1"}).json()["items"]) == 1

    diff = alice.get("moiety/api/diff", params={"path": path, "from": commits[0], "to": commits[1]})
    assert diff.status_code == 200, diff.text
    assert diff.json()["kind"] == "text"
    assert "+plate 2\n" in diff.json()["diff"]
    alice.put_text(path, "EGFR IC50 assay\nplate 3\n")
    working = alice.get("moiety/api/diff", params={"path": path, "from": commits[1]}).json()
    assert working["to"] == "WORKING"
    assert "+plate 3\n" in working["diff"]

    notebook = "notebooks/explore.ipynb"
    nb_diff = alice.get("moiety/api/diff", params={"path": notebook, "from": "HEAD"}).json()
    assert nb_diff["kind"] == "notebook"
    assert nb_diff["base"]["cells"]
    assert nb_diff["identical"] is True

    with FeedStream(hub, "bob", {"project": "egfr-sar", "kind": "version.restored"}) as feed:
        r = alice.post("moiety/api/restore", json={"path": path, "commit": commits[0]})
        assert r.status_code == 201, r.text
        restored = r.json()
        event = feed.wait_for(lambda e: e["data"].get("commit") == restored["commit"])
    assert event["actor"] == "alice"
    assert event["data"]["restored_from"] == commits[0]
    assert restored["saved_before"] is not None
    content = alice.get(f"api/contents/{path}").json()["content"]
    assert content == "EGFR IC50 assay\nplate 1\n"
    after = alice.get("moiety/api/history", params={"path": path}).json()["items"]
    assert [c["commit"] for c in after[2:]] == commits[::-1]
    assert after[0]["commit"] == restored["commit"]
    assert after[1]["commit"] == restored["saved_before"]


def test_restoring_a_large_open_file_keeps_the_server_answering(hub, egfr):
    """The demo's 1.2 MB SD file, open in a collaborative room, restored to the version before:
    the room follows the file on disk and the server answers meanwhile (jupyter_ydoc's own
    reload diff took minutes over this file and blocked the server)."""
    alice = ProjectClient(hub, egfr, "alice")
    path = "data/egfr.sdf"
    original = alice.get(f"api/contents/{path}").json()["content"]
    records = original.split("$$$$\n")
    alice.put_text(path, "$$$$\n".join(records[:5] + records[7:]))
    r = alice.post("moiety/api/snapshot", json={"message": "two fewer", "paths": [path]})
    assert r.status_code == 201, r.text
    before = alice.get("moiety/api/history", params={"path": path}).json()["items"][1]["commit"]
    token = hub._sessions[("project-token", "alice")]

    async def restore_while_open():
        async with YClient(egfr, token, path, text=True) as room:
            await room.wait_until(lambda: room.text.get().count("$$$$") == len(records) - 3)
            restored = await asyncio.to_thread(
                alice.post, "moiety/api/restore", json={"path": path, "commit": before}
            )
            assert restored.status_code == 201, restored.text
            await room.wait_until(lambda: room.text.get() == original, timeout=60)
            status = await asyncio.to_thread(alice.get, "api/status")
            assert status.status_code == 200

    asyncio.run(restore_while_open())


def test_two_snapshots_at_once_both_land(hub, egfr):
    people = {"alice": "data/alice-at-once.txt", "bob": "data/bob-at-once.txt"}
    clients = {name: ProjectClient(hub, egfr, name) for name in people}
    for name, path in people.items():
        clients[name].put_text(path, f"{name} was here\n")

    def snap(name):
        r = clients[name].post(
            "moiety/api/snapshot", json={"message": f"{name} at once", "paths": [people[name]]}
        )
        assert r.status_code == 201, r.text
        return r.json()["commit"]

    with ThreadPoolExecutor(2) as pool:
        landed = list(pool.map(snap, people))
    root = repo_dir(hub, "egfr-sar")
    assert len(set(landed)) == 2
    for commit in landed:
        git(root, "merge-base", "--is-ancestor", commit, "HEAD")
    authors = git(root, "log", "-2", "--format=%an").split()
    assert sorted(authors) == ["alice", "bob"]


BAD_REQUESTS = [
    ("POST", "snapshot", {"json": {}}, 400, "invalid"),
    ("POST", "snapshot", {"json": {"message": "   "}}, 400, "invalid"),
    ("POST", "snapshot", {"json": {"message": 42}}, 400, "invalid"),
    ("POST", "snapshot", {"json": {"message": "x" * 20_001}}, 400, "invalid"),
    ("POST", "snapshot", {"json": {"message": "x", "paths": "a.txt"}}, 400, "invalid"),
    ("POST", "snapshot", {"json": {"message": "x", "paths": []}}, 400, "invalid"),
    ("POST", "snapshot", {"json": {"message": "x", "author": "bob"}}, 400, "unknown-field"),
    ("POST", "snapshot", {"json": {"message": "x", "paths": ["../x"]}}, 400, "unsafe-path"),
    ("POST", "snapshot", {"json": {"message": "x", "paths": ["/etc/passwd"]}}, 400, "unsafe-path"),
    ("POST", "snapshot", {"json": {"message": "x", "paths": [".git/config"]}}, 400, "unsafe-path"),
    (
        "POST",
        "snapshot",
        {"json": {"message": "x", "paths": ["escape/passwd"]}},
        400,
        "unsafe-path",
    ),
    ("POST", "snapshot", {"json": {"message": "x", "paths": ["no/such"]}}, 404, "path-not-found"),
    ("POST", "snapshot", {"data": b"{not json"}, 400, "bad-json"),
    ("POST", "snapshot", {"json": ["message"]}, 400, "invalid"),
    ("POST", "snapshot", {"data": b"x" * 70_000}, 413, "too-large"),
    ("GET", "history", {"params": {"limit": "0"}}, 400, "invalid"),
    ("GET", "history", {"params": {"limit": "ten"}}, 400, "invalid"),
    ("GET", "history", {"params": {"colour": "blue"}}, 400, "unknown-argument"),
    ("GET", "history", {"params": {"path": "../../etc"}}, 400, "unsafe-path"),
    ("GET", "diff", {"params": {}}, 400, "invalid"),
    ("GET", "diff", {"params": {"path": "README.md", "from": "--output=/tmp/moiety-x"}}, 404, None),
    ("GET", "diff", {"params": {"path": "README.md", "to": "-p"}}, 404, "unknown-revision"),
    ("GET", "diff", {"params": {"path": "README.md", "from": "HEAD:README.md"}}, 404, None),
    ("GET", "diff", {"params": {"path": "escape/passwd", "from": "HEAD"}}, 400, "unsafe-path"),
    ("POST", "restore", {"json": {"path": "README.md"}}, 400, "invalid"),
    (
        "POST",
        "restore",
        {"json": {"path": "README.md", "commit": "--output=/tmp/moiety-x"}},
        404,
        None,
    ),
    ("POST", "restore", {"json": {"path": "README.md", "commit": "deadbeef"}}, 404, None),
    ("POST", "restore", {"json": {"path": "/etc/passwd", "commit": "HEAD"}}, 400, "unsafe-path"),
    ("POST", "restore", {"json": {"path": "nowhere.txt", "commit": "HEAD"}}, 404, "path-not-found"),
    ("GET", "anchors", {"params": {}}, 400, "invalid"),
    ("GET", "anchors", {"params": {"path": "notebooks"}}, 404, "path-not-found"),
    ("GET", "anchors", {"params": {"path": "../../../etc/passwd"}}, 400, "unsafe-path"),
]


@pytest.fixture(scope="module")
def escape_link(hub, egfr):
    """A symlink in the project folder that points out of it, as a person could make one."""
    link = repo_dir(hub, "egfr-sar") / "escape"
    link.symlink_to("/etc")
    yield link
    link.unlink()


@pytest.mark.parametrize(("method", "endpoint", "kwargs", "status", "code"), BAD_REQUESTS)
def test_bad_input_is_refused_with_a_clear_error(
    hub, egfr, escape_link, method, endpoint, kwargs, status, code
):
    root = repo_dir(hub, "egfr-sar")
    head = git(root, "rev-parse", "HEAD")
    if "data" in kwargs:
        kwargs = {**kwargs, "headers": {"Content-Type": "application/json"}}
    r = ProjectClient(hub, egfr, "alice").request(method, f"moiety/api/{endpoint}", **kwargs)
    assert r.status_code == status, r.text
    error = r.json()
    assert error["message"]
    if code:
        assert error["error"] == code
    assert git(root, "rev-parse", "HEAD") == head
    assert not glob.glob("/tmp/moiety-x*")


def test_the_service_reads_anchors_with_a_group_scoped_token(hub, egfr):
    """The service's token holds ``access:servers!group=moiety-projects``; a token scoped by
    group, like it, is let in."""
    token = hub.token("lena", scopes=["access:servers!group=kinase-projects"])
    service_like = ProjectClient(hub, egfr, "lena", token=token)
    r = service_like.get("moiety/api/anchors", params={"path": "notebooks/explore.ipynb"})
    assert r.status_code == 200, r.text
    anchors = r.json()
    on_disk = json.loads((repo_dir(hub, "egfr-sar") / "notebooks/explore.ipynb").read_text())
    assert anchors["kind"] == "notebook"
    assert anchors["exists"] is True
    assert anchors["commit"] == git(repo_dir(hub, "egfr-sar"), "rev-parse", "HEAD").strip()
    assert anchors["cells"] == [
        {"id": cell["id"], "index": i, "hash": hash16("".join(cell["source"]))}
        for i, cell in enumerate(on_disk["cells"])
    ]
    text = service_like.get("moiety/api/anchors", params={"path": "README.md"}).json()
    assert text["kind"] == "text"
    assert text["lines"] == len((repo_dir(hub, "egfr-sar") / "README.md").read_text().splitlines())
    gone = service_like.get("moiety/api/anchors", params={"path": "notebooks/gone.ipynb"}).json()
    assert (gone["exists"], gone["kind"], gone["cells"]) == (False, None, [])
    neuro = hub.token("lena", scopes=["access:servers!group=neuro-projects"])
    refused = ProjectClient(hub, egfr, "lena", token=neuro).get("moiety/api/anchors")
    assert refused.status_code == 403


def test_personal_servers_have_no_project_endpoints(hub):
    url = hub.start_server("alice")
    s = hub.session("alice")
    assert s.get(f"{url}lab").status_code == 200
    for endpoint in ("history", "anchors?path=x", "activity"):
        r = s.get(f"{url}moiety/api/{endpoint}")
        assert r.status_code == 404
        assert r.json()["error"] == "not-a-project-server"
    assert s.get(f"{url}moiety/api/health").json()["server_kind"] == "personal"
