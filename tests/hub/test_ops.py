"""Backups, restores and ``moiety doctor`` with real hubs.

One hub gets content through its API (posts, reactions, a project created at run time, a
thread with an edited, a deleted and a reacted-to comment, resolved; notifications read and
unread; watches; a lead added in the hub, so the audit trail and the membership it saw
change), snapshots in project repositories and work not yet snapshotted. It is backed up by
``moiety backup`` while a thread keeps posting and another keeps snapshotting, and is stopped.
The backup is restored into a new data directory: every row of every table of the service DB
up to the backup's last event must be there, and the repositories as the backup saw them. A
second hub then starts on it and serves it all. ``moiety doctor`` checks the restored hub (all
OK) and a broken copy (hub down, DB behind, a damaged repository). All of it runs with the
service DB in SQLite, then in PostgreSQL (``pg_dump``/``pg_restore``).
"""

import json
import subprocess
import sys
import threading

import pytest
from unit.test_ops_backup import assert_same_repository, refs, service_tables

from moiety.core.repo import check_repository, git, snapshot
from moiety.store import migrate

from moiety_testing.hub import _wait_for, free_port, service_client, start_hub, stop_hub

AUTHOR = ("Ana", "ana@users.moiety.invalid")


def moiety(*args, env, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "moiety.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def whole_feed(client) -> list[dict]:
    items, before = [], None
    while True:
        params = {"limit": 200, **({"before": before} if before else {})}
        r = client.get("feed", params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        before = page["next"]
        if not before:
            return items


def fill_discussions(hub) -> dict:
    """A thread with everything that can happen to it, watches, notifications read and
    unread, and lou made a lead of kinase in the hub (seen by the service: audited)."""
    alice, bob, lena, admin = (service_client(hub, n) for n in ("alice", "bob", "lena", "admin"))
    for client, body in (
        (lena, {"project": "egfr-sar"}),
        (bob, {"project": "egfr-sar", "path": "notebooks/"}),
    ):
        r = client.post("watches", json=body)
        assert r.status_code == 201, r.text
    r = alice.post(
        "threads",
        json={
            "project": "egfr-sar",
            "path": "notebooks/explore.ipynb",
            "anchor": {"cell_id": "load"},
            "body": "Is this pIC50 right? @bob #potency",
        },
    )
    assert r.status_code == 201, r.text
    thread = r.json()
    steps = [
        (bob, "POST", f"threads/{thread['id']}/comments", {"body": "draft"}),
        (alice, "POST", f"threads/{thread['id']}/comments", {"body": "delete me"}),
        (bob, "POST", f"comments/{thread['comments'][0]['id']}/reactions", {"emoji": "👍"}),
    ]
    made = []
    for client, method, path, body in steps:
        r = client.request(method, path, json=body)
        assert r.status_code in (200, 201), r.text
        made.append(r.json())
    draft, gone = made[0], made[1]
    assert bob.patch(f"comments/{draft['id']}", json={"body": "final"}).status_code == 200
    assert alice.delete(f"comments/{gone['id']}").status_code == 200
    r = lena.patch(f"threads/{thread['id']}", json={"state": "resolved"})
    assert r.status_code == 200, r.text
    notes = bob.get("notifications").json()["items"]
    assert len(notes) >= 2
    r = bob.post("notifications/read", json={"ids": [notes[-1]["id"]]})
    assert r.json()["updated"] == 1

    session = hub.session("admin")
    assert hub.hub_api(session, "POST", "users/lou").status_code == 201
    r = hub.hub_api(session, "POST", "groups/kinase-leads/users", json={"users": ["lou"]})
    assert r.status_code == 200, r.text
    _wait_for(
        lambda: any(m["name"] == "lou" for m in admin.get("projects/egfr-sar").json()["members"]),
        30,
        "the service seeing lou as a lead of kinase",
    )
    audit = admin.get("audit", params={"action": "lead.added", "team": "kinase"}).json()
    assert "lou" in [e["target_id"] for e in audit["items"]]
    return thread


class Writer(threading.Thread):
    """Repeats ``step`` until stopped; counts rounds so the test can wait for progress."""

    def __init__(self, step):
        super().__init__(daemon=True)
        self.step, self.rounds, self.error = step, 0, None
        self.stop = threading.Event()
        self.progress = threading.Condition()

    def run(self):
        try:
            while not self.stop.is_set():
                self.step(self.rounds)
                with self.progress:
                    self.rounds += 1
                    self.progress.notify_all()
        except Exception as e:  # reported by finish()
            self.error = e
            with self.progress:
                self.progress.notify_all()

    def wait_rounds(self, n, timeout=120):
        with self.progress:
            assert self.progress.wait_for(lambda: self.rounds >= n or self.error, timeout)
        assert self.error is None, self.error

    def finish(self):
        self.stop.set()
        self.join(120)
        assert self.error is None, self.error


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def service_db(request):
    """A fresh service DB for a data directory: ``(environment, url)``; SQLite in the data
    directory, or an empty PostgreSQL database named after ``name``."""
    if request.param == "sqlite":
        return lambda name, data_dir: ({}, f"sqlite:///{data_dir / 'moiety.sqlite'}")
    databases = request.getfixturevalue("postgres_databases")

    def fresh(name, data_dir):
        url = databases.url(databases.create(name))
        return {"MOIETY_DB_URL": url}, url

    return fresh


@pytest.fixture(scope="module")
def backed_up(service_db, tmp_path_factory):
    """Hub A with content, backed up while writes happen, then stopped."""
    tmp = tmp_path_factory.mktemp("ops-a")
    (tmp / "data").mkdir()
    (tmp / "data" / "moiety_service_config.py").write_text(
        "c.MoietyService.keepalive_seconds = 1.0\nc.MoietyService.membership_ttl = 1.0\n"
    )
    extra, db_url = service_db("ops_a", tmp / "data")
    hub = start_hub(tmp, extra)
    try:
        admin, alice, bob = (service_client(hub, n) for n in ("admin", "alice", "bob"))
        first = alice.post("posts", json={"project": "egfr-sar", "body": "before the backup #ops"})
        assert first.status_code == 201, first.text
        for emoji in ("👍", "🎉"):
            r = bob.post(f"events/{first.json()['id']}/reactions", json={"emoji": emoji})
            assert r.status_code in (200, 201), r.text
        made = admin.post(
            "projects",
            json={"slug": "backup-made", "title": "Made at run time", "teams": ["kinase"]},
        )
        assert made.status_code == 201, made.text
        projects = hub.data_dir / "projects"
        egfr, runtime = projects / "egfr-sar", projects / "backup-made"
        (runtime / "assay.md").write_text("IC50 table\n")
        before_snapshot = snapshot(runtime, "Assay notes", *AUTHOR).commit
        (egfr / "unsaved.md").write_text("work nobody snapshotted yet\n")
        thread = fill_discussions(hub)
        pre_backup_ids = {e["id"] for e in whole_feed(admin)}

        poster_client = service_client(hub, "bob")

        def post(i):
            r = poster_client.post("posts", json={"project": "egfr-sar", "body": f"loop {i}"})
            assert r.status_code == 201, r.text

        def snap(i):
            (egfr / "loop.md").write_text(f"round {i}\n")
            snapshot(egfr, f"Loop {i}", *AUTHOR, paths=["loop.md"])

        writers = [Writer(post), Writer(snap)]
        for writer in writers:
            writer.start()
            writer.wait_rounds(1)
        backup_dir = tmp / "backup"
        done = moiety("backup", str(backup_dir), env=hub.env)
        assert done.returncode == 0, done.stderr
        for writer in writers:
            writer.wait_rounds(writer.rounds + 2)
            writer.finish()
        original = {
            "feed": whole_feed(admin),
            "thread": admin.get(f"threads/{thread['id']}").json(),
            "projects": admin.get("projects").json()["items"],
            "pre_backup_ids": pre_backup_ids,
            "before_snapshot": before_snapshot,
            "data_dir": hub.data_dir,
            "backup_dir": backup_dir,
            "stdout": done.stdout,
            "manifest": json.loads((backup_dir / "manifest.json").read_text()),
            "env": hub.env,
        }
    finally:
        stop_hub(hub)
    original["tables"] = service_tables(db_url)
    return original


@pytest.fixture(scope="module")
def restored(service_db, backed_up, tmp_path_factory):
    """The backup restored into a new data directory: its tables as the restore left them
    (before any hub ran on it), then a hub serving it."""
    tmp = tmp_path_factory.mktemp("ops-b")
    extra, db_url = service_db("ops_b", tmp / "data")
    done = moiety(
        "restore",
        str(backed_up["backup_dir"]),
        "--data-dir",
        str(tmp / "data"),
        env={**backed_up["env"], **extra},
    )
    assert done.returncode == 0, done.stderr
    tables = service_tables(db_url)
    hub = start_hub(tmp, extra)
    hub.restored_tables = tables
    yield hub
    stop_hub(hub)


def up_to(tables: dict, last_event_id: int) -> dict:
    """The rows as they were at the backup: events and rows of events up to its last event
    (the poster kept going after it); sequences left out, since they count those too."""
    kept = {}
    for name, rows in tables.items():
        if name == "(sequences)":
            continue
        key = "id" if name == "events" else "event_id"
        kept[name] = [r for r in rows if (r.get(key) or 0) <= last_event_id]
    return kept


def test_the_restored_service_db_holds_every_row_the_backup_saw(backed_up, restored):
    last = backed_up["manifest"]["service_db"]["last_event_id"]
    source = up_to(backed_up["tables"], last)
    empty = sorted(name for name, rows in source.items() if not rows)
    assert not empty, f"the hub should have put rows in every table; empty: {empty}"
    assert up_to(restored.restored_tables, last) == source
    assert {k: len(v) for k, v in source.items()} == backed_up["manifest"]["service_db"]["rows"]
    notifications = source["notifications"]
    assert {n["read_at"] is None for n in notifications} == {True, False}
    comments = source["comments"]
    assert any(c["edited_at"] for c in comments)
    assert any(c["deleted_by"] for c in comments)
    assert any(m["name"] == "lou" and m["role"] == "lead" for m in source["audit_memberships"])


def test_a_backup_taken_while_writing_restores_everything_it_holds(backed_up, restored):
    manifest = backed_up["manifest"]
    assert "project backup-made: HEAD" in backed_up["stdout"]
    last = manifest["service_db"]["last_event_id"]
    feed = whole_feed(service_client(restored, "admin"))
    held = [e for e in backed_up["feed"] if e["id"] <= last]
    assert feed == held
    assert backed_up["pre_backup_ids"] <= {e["id"] for e in feed}
    assert any(e["id"] > last for e in backed_up["feed"]), "the poster kept going after it"
    assert any(e["reactions"] for e in feed)

    admin = service_client(restored, "admin")
    assert admin.get("projects").json()["items"] == backed_up["projects"]
    assert service_client(restored, "alice").get("projects/backup-made").status_code == 200
    assert service_client(restored, "carol").get("projects/backup-made").status_code == 404

    thread = service_client(restored, "admin").get(f"threads/{backed_up['thread']['id']}")
    assert thread.json() == backed_up["thread"]

    original_root = backed_up["data_dir"] / "projects"
    for project in manifest["projects"]:
        root = restored.data_dir / "projects" / project["slug"]
        assert git.head_commit(root) == project["head"]
        assert (
            git.run(root, ["symbolic-ref", "HEAD"]).stdout.decode().strip() == (project["head_ref"])
        )
        assert check_repository(root).ok
        history = git.run(root, ["rev-list", "HEAD"]).stdout
        before = git.run(original_root / project["slug"], ["rev-list", project["head"]]).stdout
        assert history == before
        shown = {
            ref: commit
            for commit, ref in (line.split() for line in refs(root).splitlines())
            if ref != "HEAD"
        }
        assert shown == project["refs"]
    runtime = restored.data_dir / "projects" / "backup-made"
    git.run(runtime, ["merge-base", "--is-ancestor", backed_up["before_snapshot"], "HEAD"])
    # Nobody wrote to backup-made after the backup: refs, HEAD, every file and git's view of
    # the work not yet snapshotted are as in the original.
    assert_same_repository(original_root / "backup-made", runtime)
    egfr = restored.data_dir / "projects" / "egfr-sar"
    assert (egfr / "unsaved.md").read_text() == "work nobody snapshotted yet\n"
    assert "?? unsaved.md" in git.run(egfr, ["status", "--porcelain"]).stdout.decode()


def test_doctor_finds_the_restored_deployment_healthy(backed_up, restored):
    n = len(backed_up["manifest"]["projects"])
    alice = service_client(restored, "alice")
    started = alice.post("projects/egfr-sar/start")
    assert started.status_code == 200, started.text
    assert started.json()["ready"]
    env = {**restored.env, "MOIETY_TOKEN": restored.token("admin")}
    done = moiety("doctor", "--hub-url", restored.url, env=env)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout
    assert all(line.startswith("OK") for line in lines[:-1]), done.stdout
    assert any(
        line.startswith("OK    project servers: 1 running, all with moiety") for line in lines
    )
    assert any(
        line.startswith(f"OK    project repositories: {n} of {n} pass git fsck") for line in lines
    ), done.stdout
    assert env["MOIETY_TOKEN"] not in done.stdout + done.stderr

    without = moiety("doctor", "--hub-url", restored.url, env=restored.env)
    assert without.returncode == 1, without.stdout
    assert (
        "WARN  proxy routes: skipped: it needs an admin's token -> pass --token" in without.stdout
    )
    assert "WARN  project servers: skipped" in without.stdout


def test_doctor_says_what_is_broken(service_db, backed_up, tmp_path):
    data = tmp_path / "data"
    extra, url = service_db("ops_c", data)
    env = {**backed_up["env"], **extra}
    done = moiety("restore", str(backed_up["backup_dir"]), "--data-dir", str(data), env=env)
    assert done.returncode == 0, done.stderr
    again = moiety("restore", str(backed_up["backup_dir"]), "--data-dir", str(data), env=env)
    assert again.returncode == 2
    assert "is not empty: restore only into a new or empty folder" in again.stderr
    assert "Traceback" not in again.stderr

    migrate.downgrade(url, "-1")
    behind = migrate.current_revision(url)
    runtime = data / "projects" / "backup-made"
    for pack in (runtime / ".git" / "objects" / "pack").glob("*.pack"):
        pack.write_bytes(pack.read_bytes()[:100])

    down = f"http://127.0.0.1:{free_port()}"
    done = moiety("doctor", "--hub-url", down, "--data-dir", str(data), env=env)
    assert done.returncode == 2, done.stdout
    out = done.stdout
    assert f"FAIL  hub API: {down}/hub/api/: no answer" in out
    assert "-> start the hub" in out
    assert "FAIL  service: not reachable" in out
    assert (
        f"FAIL  service DB: at revision {behind}; this Moiety needs {migrate.head_revision()} "
        "-> back it up (moiety backup DIR), then restart the hub" in out
    )
    assert "FAIL  project backup-made: git fsck:" in out
    n = len(backed_up["manifest"]["projects"])
    assert f"OK    project repositories: {n - 1} of {n} pass git fsck" in out
    assert "WARN  proxy routes: skipped: the hub is not reachable" in out
