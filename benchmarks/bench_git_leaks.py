"""Git child processes and open files before and after 1,000 repository operations.

    .venv/bin/python benchmarks/bench_git_leaks.py [--quick]

Runs the same mix of operations (snapshot, history, diff, read a file at HEAD) through
``moiety.core.repo`` and through GitPython the way handler code often uses it (a ``Repo`` per
request, not closed), and counts this process's git children (zombies included) and its open
file descriptors before, right after, and after a garbage collection. ``--quick`` does 200.
"""

import argparse
import gc
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import git as gitpython

from moiety.core.repo import WORKING, diff, history, read_file_at, snapshot

AUTHOR = ("Bench Mark", "bench@users.moiety.invalid")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def git_children() -> int:
    me, count = str(os.getpid()), 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, fields = stat.split("(", 1)[1].rsplit(")", 1)
        count += fields.split()[1] == me and name.startswith("git")
    return count


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def moiety_operation(root: Path, index: int) -> None:
    kind = index % 4
    if kind == 0:
        (root / "notes.txt").write_text(f"version {index}\n")
        snapshot(root, f"v{index}", *AUTHOR)
    elif kind == 1:
        history(root, "notes.txt", limit=5)
    elif kind == 2:
        diff(root, "notes.txt", "HEAD", WORKING)
    else:
        read_file_at(root, "notes.txt", "HEAD")


def gitpython_operation(root: Path, index: int) -> None:
    repo = gitpython.Repo(root)
    kind = index % 4
    if kind == 0:
        (root / "notes.txt").write_text(f"version {index}\n")
        repo.index.add(["notes.txt"])
        actor = gitpython.Actor(*AUTHOR)
        repo.index.commit(f"v{index}", author=actor, committer=actor)
    elif kind == 1:
        list(repo.iter_commits("HEAD", paths="notes.txt", max_count=5))
    elif kind == 2:
        repo.git.diff("HEAD", "--", "notes.txt")
    else:
        (repo.head.commit.tree / "notes.txt").data_stream.read()


def measure(operation, root: Path, count: int) -> dict:
    for index in range(4):
        operation(root, index)
    gc.collect()
    before = (git_children(), open_files())
    start = time.perf_counter()
    for index in range(count):
        operation(root, index)
    elapsed = time.perf_counter() - start
    right_after = (git_children(), open_files())
    gc.collect()
    collected = (git_children(), open_files())
    return {"before": before, "after": right_after, "gc": collected, "seconds": elapsed}


def new_repo(parent: Path, name: str) -> Path:
    root = parent / name
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    (root / "notes.txt").write_text("start\n")
    snapshot(root, "start", *AUTHOR)
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 operations instead of 1,000")
    count = 200 if parser.parse_args().quick else 1000
    with tempfile.TemporaryDirectory() as scratch:
        results = {
            "moiety.core.repo": measure(moiety_operation, new_repo(Path(scratch), "moiety"), count),
            "GitPython, a Repo per operation": measure(
                gitpython_operation, new_repo(Path(scratch), "gitpython"), count
            ),
        }
    print(f"## {count} operations (snapshot, history, diff, read), a quarter each\n")
    print(
        "| library | git children before / after / after gc | open fds before / after / after gc "
        "| time | per operation |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        children = f"{r['before'][0]} / {r['after'][0]} / {r['gc'][0]}"
        fds = f"{r['before'][1]} / {r['after'][1]} / {r['gc'][1]}"
        per = r["seconds"] / count * 1000
        print(f"| {name} | {children} | {fds} | {r['seconds']:.1f} s | {per:.1f} ms |")
    ours = results["moiety.core.repo"]
    theirs = results["GitPython, a Repo per operation"]
    print(f"\nTime ratio GitPython / Moiety: {theirs['seconds'] / ours['seconds']:.2f}")
    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}")
    leaked = ours["after"] != ours["before"]
    return 1 if leaked else 0


if __name__ == "__main__":
    sys.exit(main())
