"""One writer at a time, crash safety under SIGKILL, and no leaked processes or files.

Child processes are forked (``multiprocessing`` "fork" context) so that they start without
re-importing nbformat; a child that must be killed at an exact step of a snapshot reports the
step over a pipe and blocks there, and the test kills its whole process group, git included.
"""

import gc
import multiprocessing
import os
import signal
import subprocess
import threading
import types
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from moiety.core.repo import (
    WORKING,
    RepositoryBusy,
    check_repository,
    diff,
    history,
    read_file_at,
    snapshot,
)
from moiety.core.repo import git as repo_git
from moiety.core.repo.lock import writer_lock

AUTHOR = ("Ada Lovelace", "ada@users.moiety.invalid")
fork = multiprocessing.get_context("fork")


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True).stdout


def head(root):
    return git(root, "rev-parse", "HEAD").decode().strip()


def commit_count(root):
    return int(git(root, "rev-list", "--count", "HEAD"))


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "egfr-sar"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 0", id="only-cell")]
    (root / "sar.ipynb").write_text(nbformat.writes(nb))
    (root / "notes.txt").write_text("start\n")
    snapshot(root, "first", *AUTHOR)
    return root


def _snapshot_own_file(root, name, rounds, barrier):
    barrier.wait()
    for index in range(rounds):
        (root / name).write_text(f"{name} {index}\n")
        assert snapshot(root, f"{name} {index}", *AUTHOR, paths=[name]).changed


def test_concurrent_snapshots_from_threads_all_land(repo):
    barrier = threading.Barrier(4)
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(_snapshot_own_file, repo, f"t{n}.txt", 5, barrier) for n in range(4)]
        for future in futures:
            future.result()
    assert commit_count(repo) == 1 + 20
    for n in range(4):
        assert read_file_at(repo, f"t{n}.txt") == f"t{n}.txt 4\n".encode()
    assert check_repository(repo).ok


def _process_writer(root, name, rounds, barrier):
    _snapshot_own_file(root, name, rounds, barrier)


def test_concurrent_snapshots_from_processes_all_land(repo):
    barrier = fork.Barrier(3)
    children = [
        fork.Process(target=_process_writer, args=(repo, f"p{n}.txt", 5, barrier)) for n in range(2)
    ]
    for child in children:
        child.start()
    _snapshot_own_file(repo, "parent.txt", 5, barrier)
    for child in children:
        child.join()
    assert [child.exitcode for child in children] == [0, 0]
    assert commit_count(repo) == 1 + 15
    for name in ("p0.txt", "p1.txt", "parent.txt"):
        assert read_file_at(repo, name) == f"{name} 4\n".encode()
    assert check_repository(repo).ok


def test_a_held_lock_makes_other_threads_wait_and_keeps_git_locks(repo):
    (repo / "notes.txt").write_text("edited\n")
    holding, release = threading.Event(), threading.Event()

    def hold():
        with writer_lock(repo):
            holding.set()
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait()
    (repo / ".git" / "index.lock").write_text("")
    try:
        with pytest.raises(RepositoryBusy, match="try again"):
            snapshot(repo, "blocked", *AUTHOR, timeout=0.05)
        assert (repo / ".git" / "index.lock").exists()
    finally:
        release.set()
        holder.join()
    assert snapshot(repo, "after", *AUTHOR).modified == ["notes.txt"]
    assert not (repo / ".git" / "index.lock").exists()


def _hold_lock_until_killed(root, conn):
    with writer_lock(root):
        conn.send("holding")
        conn.recv()


def test_a_killed_lock_holder_releases_the_lock(repo):
    parent_end, child_end = fork.Pipe()
    child = fork.Process(target=_hold_lock_until_killed, args=(repo, child_end))
    child.start()
    assert parent_end.recv() == "holding"
    with pytest.raises(RepositoryBusy):
        snapshot(repo, "blocked", *AUTHOR, timeout=0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    parent_end.close()
    child_end.close()
    (repo / "notes.txt").write_text("after the kill\n")
    assert snapshot(repo, "free again", *AUTHOR).changed


def test_stale_git_locks_left_by_a_killed_git_are_recovered(repo):
    (repo / ".git" / "index.lock").write_text("")
    (repo / ".git" / "refs" / "heads" / "main.lock").write_text("")
    (repo / "notes.txt").write_text("edited\n")
    with pytest.raises(subprocess.CalledProcessError):
        git(repo, "update-ref", "refs/heads/main", "HEAD")
    assert snapshot(repo, "recovered", *AUTHOR).modified == ["notes.txt"]
    assert not (repo / ".git" / "index.lock").exists()
    assert not (repo / ".git" / "refs" / "heads" / "main.lock").exists()
    assert git(repo, "status", "--porcelain", "--", "notes.txt") == b""


def _snapshot_stopping_at(root, conn, target, during):
    """Snapshot, but stop at git command number ``target`` (before it, or while it runs)."""
    os.setsid()
    real = subprocess
    steps = iter(range(1000))

    def run(command, *, input, **kwargs):
        if next(steps) == target:
            if during:
                options = {key: kwargs[key] for key in ("cwd", "env")}
                proc = real.Popen(command, stdin=real.PIPE, stdout=real.PIPE, **options)
                proc.stdin.write(input[: len(input) // 2])
                proc.stdin.flush()
            conn.send(("stopped", subcommand(command)))
            conn.recv()
        return real.run(command, input=input, **kwargs)

    repo_git.subprocess = types.SimpleNamespace(run=run, TimeoutExpired=real.TimeoutExpired)
    result = snapshot(root, "from the child", *AUTHOR)
    conn.send(("done", result.commit))


def subcommand(command):
    index = 1
    while command[index] == "-c":
        index += 2
    return command[index]


def test_snapshots_killed_at_every_step_lose_nothing(repo):
    landed = [head(repo)]
    stopped_at = set()
    for target in range(11):
        for during in (False, True):
            edit = f"edit {target} {during}\n"
            with (repo / "notes.txt").open("a") as notes:
                notes.write(edit)
            parent_end, child_end = fork.Pipe()
            child = fork.Process(
                target=_snapshot_stopping_at, args=(repo, child_end, target, during)
            )
            child.start()
            kind, detail = parent_end.recv()
            if kind == "stopped":
                stopped_at.add(detail)
                os.killpg(child.pid, signal.SIGKILL)
            child.join()
            parent_end.close()
            child_end.close()

            report = check_repository(repo)
            assert report.ok, report.problems
            assert report.head == head(repo)
            assert (repo / "notes.txt").read_text().endswith(edit)
            for commit in landed:
                git(repo, "merge-base", "--is-ancestor", commit, "HEAD")
            landed.append(head(repo))
    assert stopped_at == {
        "rev-parse",
        "ls-tree",
        "ls-files",
        "hash-object",
        "read-tree",
        "update-index",
        "write-tree",
        "commit-tree",
        "update-ref",
    }
    final = snapshot(repo, "after the kills", *AUTHOR)
    notes = read_file_at(repo, "notes.txt").decode()
    assert all(f"edit {t} {d}\n" in notes for t in range(11) for d in (False, True))
    assert final.commit == head(repo)
    assert check_repository(repo).ok
    assert git(repo, "status", "--porcelain", "--", "notes.txt") == b""


def _git_children():
    """Git processes whose parent is this process (other children, such as a hub started by
    a session fixture of the same test run, are not ours to count)."""
    me = str(os.getpid())
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                name, _, rest = handle.read().rpartition(")")
        except OSError:
            continue
        fields = rest.split()
        if fields[1] == me and name.partition("(")[2].startswith("git"):
            found.append(entry)
    return found


def test_a_thousand_operations_leak_no_process_and_no_file(repo):
    """Four threads share the 1,000 operations, so the descriptors are also shared-state safe."""

    def operation(index, label):
        kind, own = index % 10, f"notes-{label}.txt"
        if kind == 0:
            (repo / own).write_text(f"version {index} {label}\n")
            assert snapshot(repo, f"v{index}", *AUTHOR, paths=[own]).changed
        elif kind == 1:
            snapshot(repo, "nothing new", *AUTHOR, paths=["sar.ipynb"])
        elif kind in (2, 3, 4):
            history(repo, "notes.txt" if kind == 2 else None, limit=5)
        elif kind in (5, 6):
            diff(repo, "sar.ipynb" if kind == 5 else "notes.txt", "HEAD", WORKING)
        else:
            read_file_at(repo, "notes.txt", "HEAD")

    def worker(label):
        for index in range(250):
            operation(index, label)

    for index in range(10):
        operation(index, "warm-up")
    gc.collect()
    children, fds = _git_children(), len(os.listdir("/proc/self/fd"))
    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(worker, f"t{n}") for n in range(4)]:
            future.result()
    gc.collect()
    assert _git_children() == children == []
    assert len(os.listdir("/proc/self/fd")) == fds
    assert commit_count(repo) == 1 + 1 + 4 * 25
    assert check_repository(repo).ok
