"""A commit is marked before its branch moves, so a server killed before its events reached the
outbox reports them at the next start; a commit killed before it landed is forgotten.

The kills are real: a child process runs the project server's ``Versions`` on a real repository
and exits at once (``os._exit``) at the moment named by each test."""

import asyncio
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from moiety.core.activity.pending_commits import PendingCommits
from moiety.core.repo import check_repository, snapshot
from moiety.server.versions import Versions

ALICE = ("alice", "alice@users.moiety.invalid")

CHILD = """
import asyncio, os, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from moiety.core.repo import snapshot
from moiety.server.versions import Versions

root, what = Path(sys.argv[1]), sys.argv[2]

async def killed(*args):
    os._exit(9)  # the commit has landed; its event never reaches the outbox

async def main():
    versions = Versions(root, "{name}@users.moiety.invalid", ThreadPoolExecutor(1), killed)
    if what == "snapshot":
        await versions.snapshot("alice", "Before the kill", None)
    elif what == "restore":  # killed as the first of its two commits is handed on
        versions.on_commit = killed
        await versions.restore("bob", "notes.txt", sys.argv[3], None)
    else:  # killed after the mark, before the branch moves
        def die(result):
            versions._mark({"kind": "snapshot", "actor": "alice", "message": "x", "auto": False},
                           result)
            os._exit(9)
        snapshot(root, "never lands", "alice", "a@x.invalid", before_publish=die)

asyncio.run(main())
"""


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "notes.txt").write_text("first\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    snapshot(root, "first", *ALICE)
    return root


def head(root: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


def killed_child(root: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-c", CHILD, str(root), *args], capture_output=True)
    assert done.returncode == 9, done.stderr.decode()


def restart(root: Path) -> tuple[list[dict], list[tuple[str, str]], int]:
    """A new server's recovery: the events it reports and the commits it hands on."""
    reported, committed = [], []

    async def report(body):
        reported.append(body)

    async def on_commit(actor, commit):
        committed.append((actor, commit))

    async def run():
        with ThreadPoolExecutor(1) as executor:
            versions = Versions(root, "{name}@users.moiety.invalid", executor, report)
            versions.on_commit = on_commit
            return await versions.recover()

    count = asyncio.run(run())
    return reported, committed, count


def test_a_snapshot_killed_before_its_event_is_reported_at_the_next_start(root):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", id="cell-a")]
    (root / "analysis.ipynb").write_text(nbformat.writes(nb))
    (root / "notes.txt").write_text("second\n")
    before = head(root)

    killed_child(root, "snapshot")

    commit = head(root)
    assert commit != before  # the commit landed, its event did not
    assert list(PendingCommits(root).folder.iterdir()) == [PendingCommits(root).folder / commit]
    reported, committed, count = restart(root)
    assert count == 1
    (event,) = reported
    assert event["kind"] == "snapshot.created"
    assert event["key"] == f"snapshot.created:{commit}"
    assert event["actor"] == "alice"
    assert event["data"]["commit"] == commit
    assert event["data"]["message"] == "Before the kill"
    assert event["data"]["paths"] == ["analysis.ipynb", "notes.txt"]
    assert event["data"]["auto"] is False
    assert list(event["data"]["cells"]) == ["analysis.ipynb"]
    assert event["data"]["cells"]["analysis.ipynb"][0][0] == "cell-a"
    assert committed == [("alice", commit)]
    assert list(PendingCommits(root).folder.iterdir()) == []
    assert restart(root) == ([], [], 0)


def test_a_restore_killed_before_its_event_is_reported_with_both_commits(root):
    first = head(root)
    (root / "notes.txt").write_text("second\n")
    snapshot(root, "second", *ALICE)
    (root / "notes.txt").write_text("unsaved edit\n")

    killed_child(root, "restore", first)

    reported, committed, _ = restart(root)
    (event,) = reported
    restored = head(root)
    saved = subprocess.run(
        ["git", "rev-parse", "HEAD~1"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()
    assert event["kind"] == "version.restored"
    assert (event["actor"], event["path"]) == ("bob", "notes.txt")
    assert event["data"] == {"commit": restored, "restored_from": first, "saved_before": saved}
    assert committed == [("bob", saved), ("bob", restored)]
    assert (root / "notes.txt").read_text() == "first\n"


def test_a_commit_killed_before_it_landed_is_forgotten(root):
    (root / "notes.txt").write_text("never committed\n")
    before = head(root)

    killed_child(root, "unpublished")

    assert head(root) == before
    (mark,) = PendingCommits(root).folder.iterdir()
    assert json.loads(mark.read_text())["actor"] == "alice"
    assert restart(root) == ([], [], 0)
    assert list(PendingCommits(root).folder.iterdir()) == []
    assert check_repository(root).ok
