"""Snapshot of many notebooks: Moiety's in-process snapshot against git + the nbstripout filter.

    .venv/bin/python benchmarks/bench_snapshot.py [--quick]

The same notebooks (small twenty-cell ones and large ones with images and tables in their
outputs) go into two repositories. One is snapshotted by ``moiety.core.repo.snapshot``; the other
is committed the way nbstripout's users do it: ``git add -A`` and ``git commit`` with nbstripout
set up as the git filter with ``--keep-id`` (the template README's lines). Two steps are timed:
the first snapshot of all notebooks (dated ten minutes back, as if saved earlier), then a
snapshot after editing one notebook. The run checks that both ways committed byte-identical
notebook blobs, and prints a markdown table.
"""

import argparse
import base64
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from moiety.core.repo import snapshot

AUTHOR = ("Bench Mark", "bench@users.moiety.invalid")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def make_notebook(index: int, large: bool, rng: random.Random) -> str:
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    for cell_number in range(20):
        if cell_number % 5 == 0:
            nb.cells.append(nbformat.v4.new_markdown_cell(f"## Step {cell_number} of {index}"))
            continue
        cell = nbformat.v4.new_code_cell(f"result_{cell_number} = compute({index}, {cell_number})")
        cell.execution_count = cell_number
        cell.outputs = [nbformat.v4.new_output("stream", text=f"{index}:{cell_number}\n")]
        if large and cell_number % 2:
            image = base64.b64encode(rng.randbytes(150_000)).decode()
            cell.outputs.append(
                nbformat.v4.new_output(
                    "display_data", data={"image/png": image, "text/plain": "<Figure>"}
                )
            )
        if large and cell_number % 3 == 0:
            rows = "".join(f"<tr><td>{i}</td><td>{rng.random():.6f}</td></tr>" for i in range(1500))
            cell.outputs.append(
                nbformat.v4.new_output(
                    "execute_result",
                    data={"text/html": f"<table>{rows}</table>", "text/plain": "table"},
                    execution_count=cell_number,
                )
            )
        nb.cells.append(cell)
    return nbformat.writes(nb)


def git(root: Path, *args: str) -> str:
    identity = ["-c", f"user.name={AUTHOR[0]}", "-c", f"user.email={AUTHOR[1]}"]
    done = subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)
    return done.stdout.decode()


def filter_repo(root: Path) -> None:
    """Set up nbstripout the way the template README tells people who clone by hand."""
    python = f'"{sys.executable}"'
    git(root, "config", "filter.nbstripout.clean", f"{python} -m nbstripout --keep-id")
    git(root, "config", "filter.nbstripout.smudge", "cat")
    git(root, "config", "filter.nbstripout.required", "true")
    (root / ".gitattributes").write_text("*.ipynb filter=nbstripout\n")


def blobs(root: Path) -> dict[str, str]:
    listing = git(root, "ls-tree", "-r", "HEAD")
    return {
        line.split("\t")[1]: line.split()[2]
        for line in listing.splitlines()
        if line.endswith(".ipynb")
    }


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 notebooks instead of 100")
    args = parser.parse_args()
    small, large = (3, 1) if args.quick else (80, 20)
    rng = random.Random(42)
    notebooks = {
        f"notebooks/small-{i:03}.ipynb": make_notebook(i, False, rng) for i in range(small)
    }
    notebooks |= {
        f"notebooks/large-{i:03}.ipynb": make_notebook(i, True, rng) for i in range(large)
    }
    size_mb = sum(len(text) for text in notebooks.values()) / 1e6

    with tempfile.TemporaryDirectory() as scratch:
        ours, theirs = Path(scratch) / "moiety", Path(scratch) / "nbstripout"
        for root in (ours, theirs):
            (root / "notebooks").mkdir(parents=True)
            git(root, "init", "-q", "-b", "main")
            for name, text in notebooks.items():
                (root / name).write_text(text)
                os.utime(root / name, (time.time() - 600,) * 2)
        filter_repo(theirs)
        (ours / ".gitattributes").write_text("*.ipynb filter=nbstripout\n")

        def commit_by_filter(message):
            git(theirs, "add", "-A")
            git(theirs, "commit", "-q", "-m", message)

        first = (
            timed(lambda: snapshot(ours, "all notebooks", *AUTHOR)),
            timed(lambda: commit_by_filter("all notebooks")),
        )
        identical_first = blobs(ours) == blobs(theirs)

        edited = next(iter(notebooks))
        changed = notebooks[edited].replace("compute(0, 1)", "compute(0, 100)")
        for root in (ours, theirs):
            (root / edited).write_text(changed)
        second = (
            timed(lambda: snapshot(ours, "one edit", *AUTHOR)),
            timed(lambda: commit_by_filter("one edit")),
        )
        identical_second = blobs(ours) == blobs(theirs)

    count = small + large
    print(f"## Snapshot of {count} notebooks ({small} small, {large} large; {size_mb:.1f} MB)\n")
    print("| step | Moiety `snapshot()` | `git add -A` + `git commit`, nbstripout filter | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for label, (moiety, nbstripout) in (
        (f"first snapshot, {count} notebooks", first),
        ("next snapshot, 1 notebook edited", second),
    ):
        print(f"| {label} | {moiety:.2f} s | {nbstripout:.2f} s | {nbstripout / moiety:.0f}x |")
    print()
    print(
        f"Committed notebook blobs byte-identical: first {identical_first}, next {identical_second}"
    )
    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores; {git(Path('.'), '--version').strip()}")
    return 0 if identical_first and identical_second else 1


if __name__ == "__main__":
    sys.exit(main())
