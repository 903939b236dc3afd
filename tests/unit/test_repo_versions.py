"""History, diffs, restores and reading files at a version, on real git repositories."""

import importlib
import json
import subprocess
from datetime import datetime

import nbformat
import pytest

from moiety.core.repo import (
    WORKING,
    InvalidRevision,
    PathNotFound,
    RepoError,
    changed_paths,
    check_repository,
    diff,
    history,
    list_files,
    read_blobs,
    read_file_at,
    restore,
    snapshot,
)

ADA = ("Ada Lovelace", "ada@users.moiety.invalid")
BOB = ("Bob Jones", "bob@users.moiety.invalid")


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True).stdout


def notebook(*sources, outputs=False):
    nb = nbformat.v4.new_notebook()
    for index, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source, id=f"cell-{index}")
        if outputs:
            cell.execution_count = index + 1
            cell.outputs = [nbformat.v4.new_output("stream", text=f"out {index}\n")]
        nb.cells.append(cell)
    return nbformat.writes(nb)


@pytest.fixture
def repo(tmp_path):
    """A project with three versions: notebook and CSV added, both edited, CSV renamed."""
    root = tmp_path / "sulfonamide-sar"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "data").mkdir()
    (root / "notebooks").mkdir()
    (root / "data" / "compounds.csv").write_text("smiles,name\nCCO,ethanol\n")
    (root / "notebooks" / "sar.ipynb").write_text(notebook("x = 1", "y = 2", outputs=True))
    snapshot(root, "Add compounds", *ADA)
    (root / "data" / "compounds.csv").write_text("smiles,name\nCCO,ethanol\nCCN,ethylamine\n")
    (root / "notebooks" / "sar.ipynb").write_text(notebook("x = 10", "y = 2", outputs=True))
    snapshot(root, "More compounds", *BOB)
    (root / "data" / "compounds.csv").rename(root / "data" / "series.csv")
    snapshot(root, "Rename the series", *ADA)
    return root


def commits(root):
    return [line.decode() for line in git(root, "rev-list", "HEAD").split()]


def test_history_lists_commits_newest_first_with_authors_and_paths(repo):
    items = history(repo)
    assert [c.message for c in items] == ["Rename the series", "More compounds", "Add compounds"]
    assert [c.commit for c in items] == commits(repo)
    assert [(c.author, c.email) for c in items] == [ADA, BOB, ADA]
    assert items[0].changes == [
        {"status": "renamed", "path": "data/series.csv", "old_path": "data/compounds.csv"}
    ]
    assert items[2].paths == ["data/compounds.csv", "notebooks/sar.ipynb"]
    created = datetime.fromisoformat(items[0].created_at)
    assert items[0].created_at.endswith("Z")
    assert created.utcoffset().total_seconds() == 0
    assert json.loads(json.dumps(items[0].to_json()))["author"] == ADA[0]


def test_history_of_a_file_follows_its_renames_and_pages(repo):
    items = history(repo, "data/series.csv")
    assert [c.message for c in items] == ["Rename the series", "More compounds", "Add compounds"]
    assert [c.paths for c in items] == [
        ["data/series.csv"],
        ["data/compounds.csv"],
        ["data/compounds.csv"],
    ]
    assert [c.message for c in history(repo, "notebooks", limit=1, skip=1)] == ["Add compounds"]
    assert history(repo, "notebooks/sar.ipynb", limit=1)[0].message == "More compounds"
    with pytest.raises(RepoError, match="limit"):
        history(repo, limit=0)


def test_history_of_an_empty_repository_is_empty(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    assert history(tmp_path) == []
    assert list_files(tmp_path) == []


def test_notebook_diff_is_nbdime_data_with_the_base(repo):
    first, second = commits(repo)[2], commits(repo)[1]
    answer = diff(repo, "notebooks/sar.ipynb", first, second)
    assert answer["kind"] == "notebook"
    assert (answer["from"], answer["to"], answer["identical"]) == (first, second, False)
    assert [c["id"] for c in answer["base"]["cells"]] == ["cell-0", "cell-1"]
    assert answer["base"]["cells"][0]["source"] == "x = 1"
    (cells,) = answer["diff"]
    assert cells["key"] == "cells"
    assert cells["diff"][0]["key"] == 0
    assert json.loads(json.dumps(answer)) == answer


def test_notebook_diff_to_the_working_copy_compares_the_stored_form(repo):
    assert diff(repo, "notebooks/sar.ipynb", "HEAD", WORKING)["identical"] is True
    (repo / "notebooks" / "sar.ipynb").write_text(notebook("x = 10", "y = 3", outputs=True))
    answer = diff(repo, "notebooks/sar.ipynb", "HEAD", WORKING)
    assert answer["to"] == WORKING
    assert not answer["identical"]
    assert "outputs" not in json.dumps(answer["diff"])
    (cells,) = answer["diff"]
    assert [(change["op"], change["key"]) for change in cells["diff"]] == [("patch", 1)]


def test_text_diff_is_unified(repo):
    first = commits(repo)[2]
    answer = diff(repo, "data/series.csv", "HEAD", WORKING)
    assert answer["kind"] == "text"
    assert answer["identical"]
    (repo / "data" / "series.csv").write_text("smiles,name\nCCN,ethylamine\nc1ccccc1,benzene")
    answer = diff(repo, "data/series.csv", "HEAD", WORKING)
    assert answer["diff"].splitlines() == [
        "--- a/data/series.csv",
        "+++ b/data/series.csv",
        "@@ -1,3 +1,3 @@",
        " smiles,name",
        "-CCO,ethanol",
        " CCN,ethylamine",
        "+c1ccccc1,benzene",
        "\\ No newline at end of file",
    ]
    assert diff(repo, "data/compounds.csv", first, "HEAD~1")["diff"].endswith("+CCN,ethylamine\n")


def test_binary_and_malformed_notebooks(repo):
    (repo / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0binary")
    (repo / "broken.ipynb").write_text("{not json\n")
    snapshot(repo, "binary", *ADA)
    (repo / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0other bytes")
    (repo / "broken.ipynb").write_text("{still not json\n")
    answer = diff(repo, "plot.png", "HEAD", WORKING)
    assert answer["kind"] == "binary"
    assert (answer["from_size"], answer["to_size"]) == (17, 22)
    broken = diff(repo, "broken.ipynb", "HEAD", WORKING)
    assert broken["kind"] == "text"
    assert "could not be read" in broken["notebook_error"]
    assert "+{still not json" in broken["diff"]


def test_files_too_large_to_diff_get_their_sizes(repo, monkeypatch):
    diff_module = importlib.import_module("moiety.core.repo.diff")
    monkeypatch.setattr(diff_module, "MAX_DIFF_BYTES", 30)
    answer = diff(repo, "data/compounds.csv", "HEAD~2", "HEAD~1")
    assert answer["kind"] == "too-large"
    assert (answer["from_size"], answer["to_size"]) == (24, 39)
    assert not answer["identical"]


def test_unknown_revisions_and_absent_paths_raise_clear_errors(repo):
    first = commits(repo)[2]
    with pytest.raises(InvalidRevision, match="no commit 'deadbeef'"):
        diff(repo, "data/series.csv", "deadbeef", "HEAD")
    with pytest.raises(PathNotFound, match=f"does not exist at {first}"):
        diff(repo, "data/series.csv", first, "HEAD")
    with pytest.raises(PathNotFound, match="not in the working copy"):
        diff(repo, "data/compounds.csv", first, WORKING)
    with pytest.raises(PathNotFound, match="is a folder"):
        read_file_at(repo, "data", "HEAD")


def test_restore_is_a_new_commit_and_keeps_history(repo):
    before = commits(repo)
    first = before[2]
    (repo / "notebooks" / "sar.ipynb").write_text(notebook("x = 99", "y = 2", outputs=True))

    result = restore(repo, "notebooks/sar.ipynb", first, *BOB)

    after = commits(repo)
    assert after[2:] == before
    assert result.saved_before == after[1]
    assert result.commit == after[0]
    assert result.restored_from == first
    assert result.modified == ["notebooks/sar.ipynb"]
    assert read_file_at(repo, "notebooks/sar.ipynb", "HEAD") == read_file_at(
        repo, "notebooks/sar.ipynb", first
    )
    assert "x = 99" in read_file_at(repo, "notebooks/sar.ipynb", after[1]).decode()
    working = json.loads((repo / "notebooks" / "sar.ipynb").read_text())
    assert "".join(working["cells"][0]["source"]) == "x = 1"
    assert working["cells"][0]["outputs"] == []
    assert history(repo, limit=1)[0].author == BOB[0]
    assert "Restore notebooks/sar.ipynb" in history(repo, limit=1)[0].message
    assert check_repository(repo).ok


def test_restore_brings_back_a_deleted_file(repo):
    first = commits(repo)[2]
    result = restore(repo, "data/compounds.csv", first, *ADA, message="Bring the old list back")
    assert result.added == ["data/compounds.csv"]
    assert result.saved_before is None
    assert (repo / "data" / "compounds.csv").read_text() == "smiles,name\nCCO,ethanol\n"
    assert history(repo, limit=1)[0].message == "Bring the old list back"


def test_restoring_the_current_version_changes_nothing(repo):
    result = restore(repo, "data/series.csv", "HEAD", *ADA)
    assert not result.changed
    assert result.commit == commits(repo)[0]


def test_list_files_read_blobs_and_changed_paths(repo):
    first = commits(repo)[2]
    files = list_files(repo)
    assert [f.path for f in files] == ["data/series.csv", "notebooks/sar.ipynb"]
    contents = read_blobs(repo, [f.blob for f in files])
    assert contents[files[0].blob] == read_file_at(repo, "data/series.csv")
    assert contents[files[1].blob] == read_file_at(repo, "notebooks/sar.ipynb")
    assert [f.path for f in list_files(repo, first)] == [
        "data/compounds.csv",
        "notebooks/sar.ipynb",
    ]
    assert changed_paths(repo, first, "HEAD") == [
        {"status": "deleted", "path": "data/compounds.csv"},
        {"status": "added", "path": "data/series.csv"},
        {"status": "modified", "path": "notebooks/sar.ipynb"},
    ]
    with pytest.raises(RepoError, match="not a full blob id"):
        read_blobs(repo, ["--batch-all-objects"])
    with pytest.raises(PathNotFound, match="no file content"):
        read_blobs(repo, ["0" * 40])
