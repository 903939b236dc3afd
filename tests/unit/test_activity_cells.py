"""Anchors for comment threads, and the bodies of the events project servers report."""

import hashlib
import json
import subprocess

import nbformat
import pytest

from moiety.core.activity import anchors, cell_hash, events, notebook_cells
from moiety.core.activity.cells import cell_pairs
from moiety.core.repo import PathNotFound, UnsafePath, snapshot


def sha16(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "egfr-sar"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# EGFR", id="title"),
        nbformat.v4.new_code_cell("x = 1\ny = 2", id="code"),
    ]
    (root / "sar.ipynb").write_text(nbformat.writes(nb))
    (root / "notes.md").write_text("one\ntwo\nthree\n")
    (root / "plate.bin").write_bytes(b"\x00\x01\x02" * 10)
    (root / "data").mkdir()
    (root / "data" / "keep.txt").write_text("x\n")
    snapshot(root, "first", "Ada", "ada@users.moiety.invalid")
    return root


def test_a_cell_hash_is_sha256_of_its_source_whether_a_string_or_lines():
    assert cell_hash("x = 1\ny = 2") == sha16("x = 1\ny = 2")
    assert cell_hash(["x = 1\n", "y = 2"]) == sha16("x = 1\ny = 2")
    assert len(cell_hash("")) == 16


def test_notebook_cells_with_ids_indexes_and_hashes():
    data = json.dumps(
        {"cells": [{"id": "a", "source": ["x\n", "y"]}, {"source": "z"}], "nbformat": 4}
    ).encode()
    assert notebook_cells(data) == [
        {"id": "a", "index": 0, "hash": sha16("x\ny")},
        {"id": None, "index": 1, "hash": sha16("z")},
    ]
    assert cell_pairs(data) == [["a", sha16("x\ny")], [None, sha16("z")]]
    assert notebook_cells(b"{not json") is None
    assert notebook_cells(b'{"cells": 3}') is None
    assert notebook_cells(b"\xff\xfe") is None


def test_anchors_of_a_notebook_a_text_and_a_binary(repo):
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    notebook = anchors(repo, "sar.ipynb").to_json()
    assert notebook == {
        "path": "sar.ipynb",
        "exists": True,
        "commit": head,
        "kind": "notebook",
        "cells": [
            {"id": "title", "index": 0, "hash": sha16("# EGFR")},
            {"id": "code", "index": 1, "hash": sha16("x = 1\ny = 2")},
        ],
    }
    assert anchors(repo, "notes.md").to_json()["lines"] == 3
    assert anchors(repo, "./notes.md").kind == "text"
    assert anchors(repo, "plate.bin").kind == "binary"
    missing = anchors(repo, "gone.ipynb")
    assert (missing.exists, missing.kind, missing.commit) == (False, None, head)


def test_anchors_refuse_folders_and_paths_out_of_the_project(repo, tmp_path):
    with pytest.raises(PathNotFound, match="folder"):
        anchors(repo, "data")
    (repo / "out").symlink_to(tmp_path)
    for bad in ("../x", "/etc/passwd", "out/x", ".git/config", "-rf"):
        if bad == "-rf":
            assert anchors(repo, bad).exists is False
            continue
        with pytest.raises(UnsafePath):
            anchors(repo, bad)


def test_event_bodies():
    saved = events.file_saved("alice", "sar.ipynb", 3, [["a", "0123456789abcdef"]])
    assert saved["kind"] == "file.saved"
    assert saved["summary"] == "saved sar.ipynb (3 saves)"
    assert saved["data"] == {"count": 3, "cells": [["a", "0123456789abcdef"]]}
    assert 8 <= len(saved["key"]) <= 255
    assert saved["key"] != events.file_saved("alice", "sar.ipynb", 3)["key"]
    renamed = events.file_renamed("bob", "a.ipynb", "b.ipynb")
    assert (renamed["path"], renamed["data"]) == ("b.ipynb", {"from": "a.ipynb"})
    commit = "c" * 40
    snap = events.snapshot_created("alice", commit, "-- first\nbody", ["a.ipynb", "b.txt"])
    assert snap["key"] == f"snapshot.created:{commit}"
    assert snap["summary"] == "snapshot cccccccc: -- first"
    assert "path" not in snap
    assert snap["data"]["paths"] == ["a.ipynb", "b.txt"]
    long = events.file_created("alice", "x" * 2000)
    assert len(long["summary"]) == 500
    assert "path" not in long
    assert long["data"]["long_path"] == "x" * 2000


def test_cells_of_many_notebooks_stay_within_the_event_size_limit():
    big = {f"nb{i}.ipynb": [[f"cell-{j}", "0" * 16] for j in range(500)] for i in range(20)}
    data = events.snapshot_created("alice", "c" * 40, "many", sorted(big), big)["data"]
    assert data["cells_truncated"] is True
    assert 0 < len(data["cells"]) < 20
    assert len(json.dumps(data)) < 256 * 1024
