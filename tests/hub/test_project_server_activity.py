"""What project servers report, through a real hub with short periods (``activity_hub``):
debounced saves per person, renames and deletes, live co-editing over the collaboration
websocket, automatic snapshots, an outbox that survives the service and the server going down,
and a repository that survives the server being killed during snapshots."""

import asyncio
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import threading
import time

import nbformat
import pytest
import requests

from moiety.core.repo import check_repository

from moiety_testing.hub import _wait_for, service_client
from moiety_testing.projects import (
    FeedStream,
    ProjectClient,
    YClient,
    git_children,
    open_project,
    repo_dir,
    restart_project,
    server_pid,
)


@pytest.fixture(scope="module")
def egfr(activity_hub):
    return open_project(activity_hub, "egfr-sar", "alice")


def notebook(*sources: str) -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s, id=f"cell-{i}") for i, s in enumerate(sources)]
    return json.loads(nbformat.writes(nb))


def hash16(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def git(root, *args) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def feed_items(hub, **params) -> list[dict]:
    r = service_client(hub, "lena").get("feed", params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_saves_are_reported_once_per_person_and_file_with_a_count(activity_hub, egfr):
    alice = ProjectClient(activity_hub, egfr, "alice")
    bob = ProjectClient(activity_hub, egfr, "bob")
    path = "notebooks/debounced.ipynb"
    alice.put_notebook(path, notebook("x = 0"))
    params = {"project": "egfr-sar", "kind": "file.saved", "path": path}
    with FeedStream(activity_hub, "lena", params) as feed:
        for i in range(1, 4):
            alice.put_notebook(path, notebook(f"x = {i}"))
        for i in range(2):
            bob.put_notebook(path, notebook("x = 3", f"y = {i}"))
        first = feed.wait_for(lambda e: True)
        second = feed.wait_for(lambda e: e["actor"] != first["actor"])
    by_actor = {e["actor"]: e for e in (first, second)}
    assert by_actor["alice"]["data"]["count"] == 3
    assert by_actor["bob"]["data"]["count"] == 2
    assert by_actor["bob"]["summary"] == f"saved {path} (2 saves)"
    final_cells = [["cell-0", hash16("x = 3")], ["cell-1", hash16("y = 1")]]
    assert by_actor["bob"]["data"]["cells"] == final_cells
    assert sorted(e["actor"] for e in feed_items(activity_hub, **params)) == ["alice", "bob"]
    created = feed_items(activity_hub, project="egfr-sar", kind="file.created", path=path)
    assert [e["actor"] for e in created] == ["alice"]


def test_a_rename_and_a_delete_are_reported_by_who_did_them(activity_hub, egfr):
    alice = ProjectClient(activity_hub, egfr, "alice")
    bob = ProjectClient(activity_hub, egfr, "bob")
    kinds = ["file.created", "file.renamed", "file.deleted"]
    with FeedStream(activity_hub, "lena", {"project": "egfr-sar", "kind": kinds}) as feed:
        alice.put_text("data/draft notes.txt", "hinge binder?\n")
        r = alice.patch(
            "api/contents/data/draft%20notes.txt", json={"path": "data/hinge binders.txt"}
        )
        assert r.status_code == 200, r.text
        assert bob.delete("api/contents/data/hinge%20binders.txt").status_code == 204
        mine = {"data/draft notes.txt", "data/hinge binders.txt"}
        seen = [feed.wait_for(lambda e: e.get("path") in mine) for _ in range(3)]
    assert [(e["kind"], e["actor"], e["path"]) for e in seen] == [
        ("file.created", "alice", "data/draft notes.txt"),
        ("file.renamed", "alice", "data/hinge binders.txt"),
        ("file.deleted", "bob", "data/hinge binders.txt"),
    ]
    assert seen[1]["data"]["from"] == "data/draft notes.txt"


def test_bob_sees_alices_typing_live_both_are_present_and_only_alice_is_credited(
    activity_hub, egfr
):
    alice = ProjectClient(activity_hub, egfr, "alice")
    bob = ProjectClient(activity_hub, egfr, "bob")
    path = "notebooks/live.ipynb"
    alice.put_notebook(path, notebook("# compound 12", "pic50 = 7.9"))
    typed = "\n# alice: check the pIC50 of compound 12"
    tokens = {name: activity_hub._sessions[("project-token", name)] for name in ("alice", "bob")}

    async def co_edit():
        async with (
            YClient(egfr, tokens["alice"], path) as at_alice,
            YClient(egfr, tokens["bob"], path) as at_bob,
        ):
            assert at_bob.source(0) == "# compound 12"
            at_alice.type_into(0, typed)
            await at_bob.wait_until(lambda: at_bob.source(0).endswith(typed))
            await asyncio.to_thread(
                _wait_for, both_present, 30, "the service showing alice and bob in the project"
            )

    def both_present():
        project = service_client(activity_hub, "lena").get("projects/egfr-sar").json()
        return project.get("active") == ["alice", "bob"]

    params = {"project": "egfr-sar", "kind": ["file.saved", "file.created"]}
    barrier = "notebooks/after-live.txt"
    with FeedStream(activity_hub, "lena", params) as feed:
        asyncio.run(co_edit())
        saved = feed.wait_for(lambda e: e["kind"] == "file.saved" and e.get("path") == path)
        # Events leave the server in order: had bob been credited in the same save, his
        # file.saved would come before this creation.
        bob.put_text(barrier, "bob watched\n")
        feed.wait_for(lambda e: e["kind"] == "file.created" and e.get("path") == barrier)
    assert saved["actor"] == "alice"
    saves = feed_items(activity_hub, project="egfr-sar", kind="file.saved", path=path)
    assert [e["actor"] for e in saves] == ["alice"]
    on_disk = bob.get(f"api/contents/{path}").json()["content"]
    assert on_disk["cells"][0]["source"] == "# compound 12" + typed
    assert saved["data"]["cells"][0] == ["cell-0", hash16("# compound 12" + typed)]


def test_an_automatic_snapshot_follows_a_quiet_period(activity_hub, egfr):
    alice = ProjectClient(activity_hub, egfr, "alice")
    params = {"project": "egfr-sar", "kind": "snapshot.created", "actor": "project-egfr-sar"}
    with FeedStream(activity_hub, "lena", params) as feed:
        alice.put_text("data/auto.txt", "saved by alice, snapshotted by nobody\n")
        event = feed.wait_for(lambda e: "data/auto.txt" in e["data"]["paths"])
    assert event["data"]["auto"] is True
    assert event["data"]["message"].startswith("Automatic snapshot after edits by ")
    assert "alice" in event["data"]["message"]
    root = repo_dir(activity_hub, "egfr-sar")
    author = git(root, "log", "-1", "--format=%an", event["data"]["commit"]).strip()
    assert author == "project-egfr-sar"


def test_the_outbox_delivers_once_the_service_is_back(activity_hub):
    hub, relay = activity_hub, activity_hub.relay
    url = open_project(hub, "sulfonamide-sar", "lena")
    path = "written-while-down.txt"
    relay.down()
    try:
        ProjectClient(hub, url, "lena").put_text(path, "the service was down\n")
        _wait_for(
            lambda: ProjectClient(hub, url, "lena").activity()["attempts"] >= 1,
            30,
            "a failed delivery",
        )
        assert feed_items(hub, project="sulfonamide-sar", path=path) == []
        os.kill(server_pid(hub, "project-sulfonamide-sar"), signal.SIGKILL)
        url = restart_project(hub, "sulfonamide-sar", "lena")
        assert ProjectClient(hub, url, "lena").activity()["pending"] >= 1
    finally:
        with FeedStream(hub, "lena", {"project": "sulfonamide-sar", "path": path}) as feed:
            relay.up()
            arrived = feed.wait_for(lambda e: e["kind"] == "file.created")
    assert arrived["actor"] == "lena"
    _wait_for(
        lambda: ProjectClient(hub, url, "lena").activity()["pending"] == 0, 30, "an empty outbox"
    )
    assert [e["kind"] for e in feed_items(hub, project="sulfonamide-sar", path=path)] == [
        "file.created"
    ]


def writer_busy(root) -> bool:
    """Whether someone holds the project's writer lock: a snapshot is being made right now."""
    fd = os.open(root / ".git" / "moiety-writer.flock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the lock if this probe took it
    return False


def commit_marked(root) -> bool:
    """Whether a commit is written and marked, its branch about to move or just moved."""
    pending = root / ".git" / "moiety" / "commit-pending"
    return pending.is_dir() and any(not p.name.startswith(".") for p in pending.iterdir())


def branch_moved(root, before: str) -> bool:
    """Whether the branch points to a new commit (its events are not in the outbox yet)."""
    return (root / ".git" / "refs" / "heads" / "main").read_text().strip() != before


KILLS = (
    ("writer lock taken", 0.0),
    ("writer lock taken", 0.02),
    ("commit marked", 0.0),
    ("branch moved", 0.0),
    ("branch moved", 0.01),
    ("branch moved", 0.03),
)
"""When each round kills the server: a moment seen in the repository, then a short delay."""


def test_killing_the_server_during_snapshots_loses_no_work_and_no_snapshot_event(activity_hub):
    hub = activity_hub
    url = open_project(hub, "sulfonamide-sar", "lena")
    root = repo_dir(hub, "sulfonamide-sar")
    start = git(root, "rev-parse", "HEAD").strip()
    acknowledged, written, missed = [], {}, []
    for round_, (moment, delay) in enumerate(KILLS):
        lena = ProjectClient(hub, url, "lena")
        files = {f"killed-round{round_}-{i}.txt": f"round {round_} file {i}\n" for i in range(6)}
        for path, text in files.items():
            lena.put_text(path, text)
        for i in range(3):
            path = f"killed-round{round_}-{i}.ipynb"
            lena.put_notebook(path, notebook(*(f"x{j} = {round_}" for j in range(20))))
        written.update(files)
        pid = server_pid(hub, "project-sulfonamide-sar")
        head = git(root, "rev-parse", "HEAD").strip()
        seen = {
            "writer lock taken": lambda: writer_busy(root),
            "commit marked": lambda: commit_marked(root),
            "branch moved": lambda head=head: branch_moved(root, head),
        }[moment]
        answers = []

        def snap(lena=lena, answers=answers, round_=round_):
            try:
                r = lena.post("moiety/api/snapshot", json={"message": f"round {round_}"})
            except requests.RequestException:
                return
            answers.append(r)

        request = threading.Thread(target=snap)
        request.start()
        while request.is_alive() and not seen():
            time.sleep(0.0005)  # the kill must land while the snapshot is being made
        if not request.is_alive():
            missed.append(moment)
        time.sleep(delay)  # a little later: another step of the snapshot
        os.kill(pid, signal.SIGKILL)
        request.join(120)
        acknowledged += [r.json()["commit"] for r in answers if r.status_code == 201]
        (root / ".git" / "index.lock").write_text("")  # as a git killed mid-write leaves it
        url = restart_project(hub, "sulfonamide-sar", "lena")
        assert not (root / ".git" / "index.lock").exists()
        report = check_repository(root)  # git fsck --full
        assert report.ok, report.problems
        for commit in acknowledged:
            git(root, "merge-base", "--is-ancestor", commit, "HEAD")
    assert len(missed) <= 1, f"these kills came after the snapshot had answered: {missed}"

    lena = ProjectClient(hub, url, "lena")
    final = lena.post("moiety/api/snapshot", json={"message": "after the kills"})
    assert final.status_code in (200, 201), final.text
    assert check_repository(root).ok
    for path, text in written.items():  # nothing written before a kill is lost
        assert git(root, "show", f"HEAD:{path}") == text
    _wait_for(lambda: not git_children(root), 30, "no git process left in the project")

    # Every snapshot that landed is in the feed, also those whose server died right after.
    _wait_for(lambda: lena.activity()["pending"] == 0, 60, "an empty outbox")
    log = git(root, "log", "--format=%H %an", f"{start}..HEAD").split("\n")
    landed = {line.split()[0] for line in log if line.endswith(" lena")}
    reported = {
        e["data"]["commit"]
        for e in feed_items(hub, project="sulfonamide-sar", kind="snapshot.created")
        if e["actor"] == "lena"
    }
    assert landed <= reported
