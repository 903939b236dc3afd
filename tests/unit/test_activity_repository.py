"""A project server's repository at start: created, adopted, completed, recovered, and the
files Jupyter writes into the project folder never versioned."""

import subprocess

import pytest

from moiety.core.repo import check_repository, history, snapshot
from moiety.server.repository import JUPYTER_FILES, prepare_repository


def git(root, *args) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def test_an_empty_folder_gets_the_template_and_a_first_commit(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    assert prepare_repository(root, "fresh") == "created"
    assert (root / "README.md").is_file()
    assert (root / ".gitignore").is_file()
    (commit,) = history(root)
    assert (commit.author, commit.message) == ("Moiety", "Create the fresh project")
    assert "README.md" in commit.paths
    assert check_repository(root).ok
    assert prepare_repository(root, "fresh") == "ready"
    assert len(history(root)) == 1


def test_files_without_git_are_adopted_as_the_first_version(tmp_path):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "series.csv").write_text("smiles\nCCO\n")
    assert prepare_repository(root, "adopted") == "adopted"
    assert not (root / "README.md").exists()
    assert history(root)[0].paths == ["data/series.csv"]


def test_a_start_interrupted_after_git_init_is_completed(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    assert prepare_repository(root, "half") == "created"
    assert len(history(root)) == 1


def test_a_stale_index_lock_is_removed_at_start(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    prepare_repository(root, "locked")
    (root / ".git" / "index.lock").write_text("")
    (root / "new.txt").write_text("x\n")
    assert prepare_repository(root, "locked") == "ready"
    assert not (root / ".git" / "index.lock").exists()
    git(root, "add", "new.txt")


def test_what_jupyter_writes_into_the_folder_is_never_snapshotted(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    prepare_repository(root, "quiet")
    (root / ".jupyter").mkdir()
    (root / ".jupyter" / "collaboration_sessions.json").write_text("{}")
    (root / ".~sar.ipynb").write_text("{}")
    (root / ".jupyter_ystore.db").write_bytes(b"\0")
    (root / "sar.txt").write_text("kept\n")
    result = snapshot(root, "after a save", "Ada", "ada@users.moiety.invalid")
    assert result.added == ["sar.txt"]
    exclude = (root / ".git" / "info" / "exclude").read_text()
    assert exclude.count(JUPYTER_FILES[0]) == 1
    prepare_repository(root, "quiet")
    assert (root / ".git" / "info" / "exclude").read_text() == exclude


def test_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        prepare_repository(tmp_path / "nowhere", "x")
