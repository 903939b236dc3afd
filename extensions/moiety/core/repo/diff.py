"""Comparing one file between two versions: notebook-aware (nbdime), unified text, or binary.

Either side may be :data:`WORKING`, the working copy. A notebook in the working copy is compared
in its stored form (without outputs), so the diff shows what a snapshot would commit.
"""

import difflib
import json
import os
from pathlib import Path

import nbdime
import nbformat

from . import git
from .blobs import read_at
from .errors import PathNotFound
from .git import WORKING
from .notebooks import is_notebook, quiet_nbformat, stored_notebook
from .paths import safe_relpath
from .worktree import read_working

_SNIFF_BYTES = 8000
MAX_DIFF_BYTES = 20_000_000


def diff(root: str | os.PathLike, path: str, from_rev: str, to_rev: str = WORKING) -> dict:
    """JSON-able comparison of ``path`` between ``from_rev`` and ``to_rev``.

    Always ``{path, from, to, kind, identical}`` (``from``/``to`` are commit ids or
    ``"WORKING"``), and by ``kind``:

    - ``"notebook"``: ``base`` (the notebook at ``from``) and ``diff`` (nbdime's notebook diff),
      what nbdime's web viewer takes;
    - ``"text"``: ``diff``, a unified diff;
    - ``"binary"``: ``from_size`` and ``to_size`` in bytes;
    - ``"too-large"``: the same sizes, when a side is over :data:`MAX_DIFF_BYTES`.

    A notebook that does not parse on either side is compared as text, with ``notebook_error``.
    """
    root = git.repo_root(root)
    relative = safe_relpath(root, path)
    old_label, old = _read_side(root, relative, from_rev)
    new_label, new = _read_side(root, relative, to_rev)
    answer = {"path": relative, "from": old_label, "to": new_label, "identical": old == new}
    if max(len(old), len(new)) > MAX_DIFF_BYTES:
        return {**answer, "kind": "too-large", "from_size": len(old), "to_size": len(new)}
    if is_notebook(relative):
        try:
            base, changes = _notebook_diff(old, new)
        except ValueError as exc:
            answer["notebook_error"] = str(exc)
        else:
            return {**answer, "kind": "notebook", "base": base, "diff": changes}
    old_text, new_text = decode_text(old), decode_text(new)
    if old_text is None or new_text is None:
        return {**answer, "kind": "binary", "from_size": len(old), "to_size": len(new)}
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True),
        new_text.splitlines(keepends=True),
        fromfile=f"a/{relative}",
        tofile=f"b/{relative}",
    )
    return {**answer, "kind": "text", "diff": "".join(_terminated(lines))}


def _read_side(root: Path, relative: str, rev: str) -> tuple[str, bytes]:
    if rev == WORKING:
        working = read_working(root, relative)
        if working is None:
            raise PathNotFound(f"{relative!r} is not in the working copy.")
        data = working.data
        return WORKING, stored_notebook(data)[0] if is_notebook(relative) else data
    commit = git.resolve_commit(root, rev)
    return commit, read_at(root, commit, relative, rev)


def _notebook_diff(old: bytes, new: bytes) -> tuple[dict, list]:
    with quiet_nbformat():
        try:
            base = nbformat.reads(old.decode("utf-8"), as_version=4)
            remote = nbformat.reads(new.decode("utf-8"), as_version=4)
        except Exception as exc:
            raise ValueError(f"the notebook could not be read ({exc})") from exc
        changes = nbdime.diff_notebooks(base, remote)
    return json.loads(json.dumps(base)), json.loads(json.dumps(changes))


def decode_text(data: bytes) -> str | None:
    """The file's text if it is UTF-8 without a NUL near its start (as git tells binary)."""
    if b"\0" in data[:_SNIFF_BYTES]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _terminated(lines):
    """Unified diff lines, with git's marker where a side does not end with a newline."""
    for line in lines:
        if line.endswith("\n"):
            yield line
        else:
            yield line + "\n\\ No newline at end of file\n"
