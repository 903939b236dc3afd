"""Backups, restores and ``moiety doctor`` with real hubs.

One hub gets content (posts, reactions, a project created at run time, snapshots in project
repositories, work not yet snapshotted), is backed up by ``moiety backup`` while a thread keeps
posting and another keeps snapshotting, and is stopped. The backup is restored into a new data
directory, a second hub starts on it, and everything the backup holds must be there. ``moiety
doctor`` then checks the restored hub (all OK) and a broken copy (hub down, DB behind, a
damaged repository).
"""

import json
import subprocess
import sys
import threading

import pytest

from moiety.core.repo import check_repository, git, snapshot
from moiety.store import migrate

from moiety_testing.hub import free_port, service_client, start_hub, stop_hub

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


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """Hub A with content, backed up while writes happen, then stopped."""
    tmp = tmp_path_factory.mktemp("ops-a")
    hub = start_hub(tmp)
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
    return original


@pytest.fixture(scope="module")
def restored(backed_up, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ops-b")
    done = moiety(
        "restore",
        str(backed_up["backup_dir"]),
        "--data-dir",
        str(tmp / "data"),
        env=backed_up["env"],
    )
    assert done.returncode == 0, done.stderr
    hub = start_hub(tmp)
    yield hub
    stop_hub(hub)


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

    original_root = backed_up["data_dir"] / "projects"
    for project in manifest["projects"]:
        root = restored.data_dir / "projects" / project["slug"]
        assert git.head_commit(root) == project["head"]
        assert check_repository(root).ok
        history = git.run(root, ["rev-list", "HEAD"]).stdout
        before = git.run(original_root / project["slug"], ["rev-list", project["head"]]).stdout
        assert history == before
    runtime = restored.data_dir / "projects" / "backup-made"
    git.run(runtime, ["merge-base", "--is-ancestor", backed_up["before_snapshot"], "HEAD"])
    egfr = restored.data_dir / "projects" / "egfr-sar"
    assert (egfr / "unsaved.md").read_text() == "work nobody snapshotted yet\n"


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


def test_doctor_says_what_is_broken(backed_up, tmp_path):
    data = tmp_path / "data"
    done = moiety(
        "restore", str(backed_up["backup_dir"]), "--data-dir", str(data), env=backed_up["env"]
    )
    assert done.returncode == 0, done.stderr
    again = moiety(
        "restore", str(backed_up["backup_dir"]), "--data-dir", str(data), env=backed_up["env"]
    )
    assert again.returncode == 2
    assert "is not empty: restore only into a new or empty folder" in again.stderr
    assert "Traceback" not in again.stderr

    url = f"sqlite:///{data / 'moiety.sqlite'}"
    migrate.downgrade(url, "-1")
    behind = migrate.current_revision(url)
    runtime = data / "projects" / "backup-made"
    for pack in (runtime / ".git" / "objects" / "pack").glob("*.pack"):
        pack.write_bytes(pack.read_bytes()[:100])

    down = f"http://127.0.0.1:{free_port()}"
    done = moiety("doctor", "--hub-url", down, "--data-dir", str(data), env=backed_up["env"])
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
