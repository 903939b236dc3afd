"""Compound files between two versions of a project: their diffs and ``compounds.changed``.

Plain Python over the git core and the chemistry core (no tornado). The project server calls
:func:`commit_events` after a snapshot or a restore has answered, and :func:`compound_diff`
for ``GET /compounds/diff`` (either side may be the working copy).

Which files a commit changed: the compound files (by suffix) whose blob differs from the
commit's first parent. A file moved or copied without a change to its content (its blob was
already a compound file of the parent, or still is one in the commit) is not news, so neither
the old path's removals nor the new path's additions are reported. A version that is not a
readable compound file (a CSV without a SMILES column) counts as empty; a file unreadable on
both sides is left out, and so is a file whose compounds did not change (a re-ordering, a
re-drawn structure, a salt form) unless its count of unreadable records did.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .activity.events import event
from .chem import ChemError, CompoundFile, UnsupportedFile, is_compound_file, read_compounds
from .chem.diff import Change, Compound, CompoundDiff, diff_compounds, highlights
from .repo import git, list_files, read_blobs
from .repo.blobs import read_at
from .repo.errors import PathNotFound
from .repo.paths import safe_relpath
from .repo.worktree import read_working

HIGHLIGHTS = 4
MAX_PROPERTIES = 8
MAX_VALUE_CHARS = 200
MAX_KEY = 255
NOT_COMPOUNDS = "Moiety reads .sdf, .smi, .csv and .tsv files."


@dataclass(frozen=True)
class FileChange:
    """A compound file a commit changed: its blob before (``None``: added) and after."""

    path: str
    old_blob: str | None
    new_blob: str | None


def first_parent(root: Path, commit: str) -> str | None:
    """The first parent of ``commit`` (a full id), or ``None`` for a root commit."""
    line = git.run(root, ["rev-list", "--parents", "-n", "1", commit, "--"]).stdout.split()
    return line[1].decode() if len(line) > 1 else None


def changed_compound_files(root: Path, commit: str, parent: str | None) -> list[FileChange]:
    """The compound files whose content differs between ``parent`` and ``commit``."""
    old = {e.path: e.blob for e in list_files(root, parent)} if parent else {}
    new = {e.path: e.blob for e in list_files(root, commit)}
    old_compounds = {blob for path, blob in old.items() if is_compound_file(path)}
    new_compounds = {blob for path, blob in new.items() if is_compound_file(path)}
    changes = []
    for path in sorted(old.keys() | new.keys()):
        before, after = old.get(path), new.get(path)
        if before == after or not is_compound_file(path):
            continue
        if before is None and after in old_compounds:
            continue  # moved or copied from another compound file, unchanged
        if after is None and before in new_compounds:
            continue  # moved away unchanged
        changes.append(FileChange(path, before, after))
    return changes


def read_version(data: bytes | None, path: str, identifier) -> CompoundFile | None:
    """A version read as compounds; ``None`` when absent or not a readable compound file."""
    if data is None:
        return None
    try:
        return read_compounds(data, path, identifier=identifier)
    except ChemError:
        return None


def file_diffs(
    root: Path, commit: str, parent: str | None, identifier
) -> list[tuple[str, CompoundDiff]]:
    """``(path, diff)`` for each compound file whose compounds ``commit`` changed."""
    changes = changed_compound_files(root, commit, parent)
    contents = read_blobs(root, [b for c in changes for b in (c.old_blob, c.new_blob) if b])
    found = []
    for change in changes:
        old = read_version(contents.get(change.old_blob), change.path, identifier)
        new = read_version(contents.get(change.new_blob), change.path, identifier)
        if old is None and new is None:
            continue
        empty = CompoundFile(change.path, [], [])
        diff = diff_compounds(old or empty, new or empty)
        unreadable = [len(f.errors) if f else 0 for f in (old, new)]
        if diff.added or diff.removed or diff.changed or unreadable[0] != unreadable[1]:
            found.append((change.path, diff))
    return found


def commit_events(root: str | os.PathLike, commit: str, actor: str, identifier) -> list[dict]:
    """The ``compounds.changed`` event bodies of one commit (a full id), one per file."""
    root = git.repo_root(root)
    parent = first_parent(root, commit)
    return [
        compounds_changed(actor, commit, parent, path, diff)
        for path, diff in file_diffs(root, commit, parent, identifier)
    ]


def event_key(commit: str, path: str) -> str:
    """``compounds.changed:<commit>:<path>``; a path too long for a key is hashed."""
    key = f"compounds.changed:{commit}:{path}"
    if len(key) <= MAX_KEY:
        return key
    return f"compounds.changed:{commit}:sha256:{hashlib.sha256(path.encode()).hexdigest()}"


def compounds_changed(
    actor: str, commit: str, parent: str | None, path: str, diff: CompoundDiff
) -> dict:
    """The event body: counts, at most four structures worth drawing, unreadable records."""
    data: dict[str, Any] = {
        "commit": commit,
        "parent": parent,
        "added": len(diff.added),
        "removed": len(diff.removed),
        "changed": len(diff.changed),
        "highlights": highlighted(diff),
    }
    if diff.errors:
        data["counts"] = {"unreadable": {side: len(e) for side, e in diff.errors.items()}}
    summary = diff.summary(path)
    return event(
        "compounds.changed", actor, summary, path=path, data=data, key=event_key(commit, path)
    )


def highlighted(diff: CompoundDiff, limit: int = HIGHLIGHTS) -> list[dict]:
    """The core's ``highlights`` as ``{change, key, name, smiles, properties}``; a changed
    compound also has ``changes`` (``{name?, properties: {name: {old, new}}}``)."""
    changes: dict[str, Change] = {change.key: change for change in diff.changed}
    compounds: dict[tuple[str, str], Compound] = {
        **{("added", c.key): c for c in diff.added},
        **{("removed", c.key): c for c in diff.removed},
        **{("changed", k): change.new for k, change in changes.items()},
    }
    items = []
    for pick in highlights(diff, limit):
        status, key = pick["status"], pick["key"]
        item = {"change": status, "key": key, "name": pick["name"], "smiles": pick["smiles"]}
        item["properties"] = _bounded(compounds[status, key].properties)
        if status == "changed":
            change = changes[key]
            item["changes"] = {
                **({"name": change.name} if change.name else {}),
                "properties": _bounded(change.properties),
            }
        items.append(item)
    return items


def _bounded(values: dict[str, Any]) -> dict[str, Any]:
    """At most MAX_PROPERTIES entries, long texts cut, so an event stays small."""
    return {name: _short(value) for name, value in list(values.items())[:MAX_PROPERTIES]}


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        return value[: MAX_VALUE_CHARS - 1] + "…"
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short(v) for v in value[:MAX_PROPERTIES]]
    return value


def compound_diff(
    root: str | os.PathLike, path: str, from_rev: str, to_rev: str, identifier
) -> dict:
    """``{path, from, to, added, removed, changed, duplicates, errors, summary}`` of a compound
    file between two revisions (``to_rev`` or ``from_rev`` may be ``WORKING``).

    Raises UnsafePath, UnsupportedFile (not a compound file, or a table without SMILES),
    InvalidRevision and PathNotFound.
    """
    root = git.repo_root(root)
    relative = safe_relpath(root, path)
    if not is_compound_file(relative):
        raise UnsupportedFile(f"{relative} is not a compound file: {NOT_COMPOUNDS}")
    old_label, old = _side(root, relative, from_rev)
    new_label, new = _side(root, relative, to_rev)
    answer = diff_of(relative, old, new, identifier)
    return {"path": relative, "from": old_label, "to": new_label, **answer}


def diff_of(path: str, old: bytes, new: bytes, identifier) -> dict:
    """The compound diff of two versions' bytes, with its one-line summary."""
    diff = diff_compounds(
        read_compounds(old, path, identifier=identifier),
        read_compounds(new, path, identifier=identifier),
    )
    return {**diff.to_dict(), "summary": diff.summary(path)}


def _side(root: Path, relative: str, rev: str) -> tuple[str, bytes]:
    if rev == git.WORKING:
        working = read_working(root, relative)
        if working is None:
            raise PathNotFound(f"{relative!r} is not in the working copy.")
        return git.WORKING, working.data
    commit = git.resolve_commit(root, rev)
    return commit, read_at(root, commit, relative, rev)
