"""Snapshots: stripped notebooks with their cell ids, byte for byte what nbstripout commits."""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from moiety.core.repo import (
    InvalidIdentity,
    PathNotFound,
    check_repository,
    read_file_at,
    snapshot,
)

AUTHOR = ("Ada Lovelace", "ada@users.moiety.invalid")
TEMPLATE_README = (
    Path(__file__).parents[2] / "shared_projects" / "templates" / "default" / "README.md"
)
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)


def git(root, *args, **kwargs):
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, **kwargs
    ).stdout


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "egfr-sar"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def rich_notebook(label="x"):
    """A notebook with outputs, counts and the metadata nbstripout removes."""
    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "py"}}
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# Title {label} — ångström", id="intro"))
    for index in range(3):
        cell = nbformat.v4.new_code_cell(f"print({index}, {label!r})", id=f"code-{index}")
        cell.execution_count = index + 7
        cell.metadata.update(collapsed=False, scrolled=True, ExecuteTime={"end_time": "now"})
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text=f"{index}\n"),
            nbformat.v4.new_output(
                "execute_result",
                data={"image/png": PNG, "text/plain": "<Image>"},
                execution_count=3,
            ),
        ]
        nb.cells.append(cell)
    kept = nbformat.v4.new_code_cell("1 + 1", id="kept-output")
    kept.metadata["tags"] = ["keep_output"]
    kept.execution_count = 11
    kept.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"})]
    nb.cells.append(kept)
    return nbformat.writes(nb)


def test_notebook_is_committed_without_outputs_and_the_working_copy_keeps_them(repo):
    (repo / "notebooks").mkdir()
    (repo / "notebooks" / "sar.ipynb").write_text(rich_notebook())
    working_before = (repo / "notebooks" / "sar.ipynb").read_bytes()

    result = snapshot(repo, "First version", *AUTHOR)

    assert result.changed
    assert result.added == ["notebooks/sar.ipynb"]
    committed = json.loads(read_file_at(repo, "notebooks/sar.ipynb", result.commit))
    working = json.loads((repo / "notebooks" / "sar.ipynb").read_bytes())
    assert (repo / "notebooks" / "sar.ipynb").read_bytes() == working_before
    assert [c["id"] for c in committed["cells"]] == [c["id"] for c in working["cells"]]
    code = [c for c in committed["cells"] if c["cell_type"] == "code" and c["id"] != "kept-output"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert all(c["outputs"] for c in working["cells"] if c["cell_type"] == "code")
    assert "scrolled" not in json.dumps(committed)
    assert "widgets" not in committed["metadata"]
    who = git(repo, "log", "-1", "--format=%an%x00%ae%x00%cn%x00%ce%x00%B", result.commit)
    assert who.decode().split("\0") == [*AUTHOR, *AUTHOR, "First version\n\n"]


def test_committed_blobs_equal_what_the_nbstripout_filter_with_keep_id_commits(repo, tmp_path):
    """The filter is set up with the template README's own ``git config`` lines."""
    old_format = nbformat.v4.new_notebook(nbformat_minor=4)
    old_format.cells.append(nbformat.v4.new_code_cell("x = 1"))
    del old_format.cells[0]["id"]
    old_format.cells[0].outputs = [nbformat.v4.new_output("stream", text="out\n")]
    files = {"rich.ipynb": rich_notebook(), "deep/old.ipynb": json.dumps(old_format, indent=1)}
    by_filter = tmp_path / "by-filter"
    by_filter.mkdir()
    git(by_filter, "init", "-q", "-b", "main")
    for line in TEMPLATE_README.read_text().splitlines():
        if line.startswith("git config "):
            command = shlex.split(line.replace("python3", shlex.quote(sys.executable)))
            git(by_filter, *command[1:])
    shutil.copy(TEMPLATE_README.with_name(".gitattributes"), by_filter)
    assert "--keep-id" in git(by_filter, "config", "filter.nbstripout.clean").decode()
    for root in (repo, by_filter):
        (root / "deep").mkdir()
        for name, text in files.items():
            (root / name).write_text(text)

    snapshot(repo, "ours", *AUTHOR)
    git(by_filter, "add", "rich.ipynb", "deep/old.ipynb")

    for name in files:
        ours = git(repo, "rev-parse", f"HEAD:{name}").strip()
        theirs = git(by_filter, "ls-files", "-s", "--", name).split()[1]
        assert ours == theirs, name
    stored = json.loads(read_file_at(repo, "rich.ipynb"))
    ids = [c["id"] for c in stored["cells"]]
    assert ids == ["intro", "code-0", "code-1", "code-2", "kept-output"]


def test_a_snapshot_without_changes_creates_no_commit(repo):
    (repo / "a.txt").write_text("a\n")
    first = snapshot(repo, "one", *AUTHOR)
    again = snapshot(repo, "two", *AUTHOR)
    assert first.changed
    assert not again.changed
    assert again.commit == first.commit == git(repo, "rev-parse", "HEAD").decode().strip()
    assert git(repo, "rev-list", "--count", "HEAD").strip() == b"1"


def test_an_empty_repository_with_nothing_to_commit_answers_no_commit(repo):
    result = snapshot(repo, "nothing", *AUTHOR)
    assert result.commit is None
    assert not result.changed


def test_only_outputs_changed_is_no_change(repo):
    (repo / "n.ipynb").write_text(rich_notebook())
    first = snapshot(repo, "one", *AUTHOR)
    nb = nbformat.reads((repo / "n.ipynb").read_text(), as_version=4)
    nb.cells[1].outputs[0]["text"] = "a different run\n"
    nb.cells[1].execution_count = 99
    (repo / "n.ipynb").write_text(nbformat.writes(nb))
    assert snapshot(repo, "two", *AUTHOR).commit == first.commit


def test_deletions_gitignore_and_modes(repo):
    (repo / ".gitignore").write_text("scratch/\n*.tmp\n")
    (repo / "scratch").mkdir()
    (repo / "scratch" / "junk.txt").write_text("junk\n")
    (repo / "x.tmp").write_text("tmp\n")
    (repo / "run.sh").write_text("#!/bin/sh\n")
    (repo / "run.sh").chmod(0o755)
    (repo / "gone.txt").write_text("soon gone\n")
    os.symlink("run.sh", repo / "link")
    first = snapshot(repo, "one", *AUTHOR)
    assert first.added == [".gitignore", "gone.txt", "link", "run.sh"]
    tree = git(repo, "ls-tree", "HEAD").decode()
    assert "100755 blob" in tree.split("run.sh")[0].splitlines()[-1]
    assert "120000 blob" in tree.split("\tlink")[0].splitlines()[-1]

    (repo / "gone.txt").unlink()
    (repo / "run.sh").write_text("#!/bin/sh\necho hi\n")
    second = snapshot(repo, "two", *AUTHOR)
    assert (second.deleted, second.modified, second.added) == (["gone.txt"], ["run.sh"], [])


def test_paths_limit_the_snapshot_and_an_ignored_file_can_be_named(repo):
    (repo / ".gitignore").write_text("*.log\n")
    (repo / "data").mkdir()
    (repo / "data" / "a.csv").write_text("smiles\nCCO\n")
    (repo / "notes.txt").write_text("notes\n")
    (repo / "run.log").write_text("log\n")
    result = snapshot(repo, "data only", *AUTHOR, paths=["data", "run.log"])
    assert result.added == ["data/a.csv", "run.log"]
    assert git(repo, "status", "--porcelain", "--", "notes.txt").startswith(b"??")
    with pytest.raises(PathNotFound, match="neither in the project folder nor in its history"):
        snapshot(repo, "missing", *AUTHOR, paths=["nope.txt"])


def test_a_malformed_notebook_is_committed_as_it_is(repo):
    (repo / "broken.ipynb").write_text('{"cells": [ oops')
    result = snapshot(repo, "broken", *AUTHOR)
    assert result.unstripped == [{"path": "broken.ipynb", "reason": "it is not valid JSON"}]
    assert read_file_at(repo, "broken.ipynb") == b'{"cells": [ oops'


def test_the_real_index_follows_the_commit_and_status_is_clean_for_plain_files(repo):
    (repo / "a.txt").write_text("a\n")
    snapshot(repo, "one", *AUTHOR)
    (repo / "a.txt").unlink()
    (repo / "b.txt").write_text("b\n")
    snapshot(repo, "two", *AUTHOR)
    assert git(repo, "status", "--porcelain") == b""
    assert check_repository(repo).ok


def test_an_unchanged_file_edited_later_is_seen_even_with_the_same_size(repo):
    (repo / "a.txt").write_text("aaaa\n")
    past = 1_600_000_000
    os.utime(repo / "a.txt", (past, past))
    snapshot(repo, "one", *AUTHOR)
    assert snapshot(repo, "cached", *AUTHOR).changed is False
    (repo / "a.txt").write_text("bbbb\n")
    os.utime(repo / "a.txt", (past, past))
    result = snapshot(repo, "two", *AUTHOR)
    assert result.modified == ["a.txt"]
    assert read_file_at(repo, "a.txt") == b"bbbb\n"


@pytest.mark.parametrize(
    ("name", "email"),
    [("", "a@b"), ("Ada\nEvil", "a@b"), ("Ada", "a@b>"), ("Ada <x>", "a@b"), ("Ada", "nomail")],
)
def test_bad_identities_are_refused(repo, name, email):
    (repo / "a.txt").write_text("a\n")
    with pytest.raises(InvalidIdentity):
        snapshot(repo, "msg", name, email)
