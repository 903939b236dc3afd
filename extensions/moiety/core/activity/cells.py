"""Where comments can anchor in a file: a notebook's cells (id and source hash), a text's lines.

A comment thread records the cell id and the hash of the cell's source when it is opened. The
project server reports the cells of each saved or snapshotted notebook (``data.cells``), and
answers :func:`anchors` for the working copy, so the thread code can tell whether a thread's
cell still exists (else it is orphaned) and whether its source changed (it is outdated).

The hash is the first 16 hex digits of the SHA-256 of the cell's source as UTF-8 text (a
source stored as a list of lines is joined first, as nbformat does).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..repo import git
from ..repo.diff import decode_text
from ..repo.errors import PathNotFound, RepoError
from ..repo.notebooks import is_notebook
from ..repo.paths import safe_relpath

HASH_CHARS = 16


def cell_hash(source: str | list[str]) -> str:
    """The first 16 hex digits of the SHA-256 of a cell's source."""
    if isinstance(source, list):
        source = "".join(source)
    return hashlib.sha256(str(source).encode("utf-8")).hexdigest()[:HASH_CHARS]


def notebook_cells(data: bytes) -> list[dict] | None:
    """``[{id, index, hash}]`` for each cell of a notebook, or ``None`` if ``data`` is none.

    A cell without an id (notebooks older than nbformat 4.5) has ``id`` ``None``.
    """
    try:
        notebook = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    found = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            return None
        cell_id = cell.get("id")
        found.append(
            {
                "id": cell_id if isinstance(cell_id, str) else None,
                "index": index,
                "hash": cell_hash(cell.get("source", "")),
            }
        )
    return found


def cell_pairs(data: bytes) -> list[list] | None:
    """The compact form events carry: ``[[cell_id, hash16], ...]``, or ``None``."""
    cells = notebook_cells(data)
    return None if cells is None else [[cell["id"], cell["hash"]] for cell in cells]


@dataclass(frozen=True)
class Anchors:
    path: str
    exists: bool
    commit: str | None
    kind: str | None
    cells: list[dict] = field(default_factory=list)
    lines: int | None = None

    def to_json(self) -> dict:
        answer = {
            "path": self.path,
            "exists": self.exists,
            "commit": self.commit,
            "kind": self.kind,
            "cells": self.cells,
        }
        if self.lines is not None:
            answer["lines"] = self.lines
        return answer


def anchors(root: str | os.PathLike, path: str) -> Anchors:
    """What comments on ``path`` can anchor to in the working copy, with HEAD's commit.

    ``kind`` is ``"notebook"`` (with ``cells``), ``"text"`` (with ``lines``), ``"binary"``, or
    ``None`` when the file does not exist (``exists`` false). A folder raises
    :class:`~moiety.core.repo.errors.PathNotFound`.
    """
    root = git.repo_root(root)
    relative = safe_relpath(root, path)
    full = root / relative
    commit = git.head_commit(root)
    if full.is_dir():
        raise PathNotFound(f"{relative!r} is a folder; comments anchor to files.")
    data = _read(full)
    if data is None:
        return Anchors(relative, False, commit, None)
    if is_notebook(relative):
        cells = notebook_cells(data)
        if cells is not None:
            return Anchors(relative, True, commit, "notebook", cells)
    text = decode_text(data)
    if text is None:
        return Anchors(relative, True, commit, "binary")
    return Anchors(relative, True, commit, "text", lines=len(text.splitlines()))


def _read(full: Path) -> bytes | None:
    try:
        return full.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        raise RepoError(f"{full.name!r} cannot be read ({exc.strerror}).") from exc
