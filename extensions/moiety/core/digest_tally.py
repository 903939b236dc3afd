"""Tallies behind a digest's project section: files by kind, compounds added and removed, and
the rows of snapshots, restores and threads as the digest shows them.

Event ``data`` comes from project servers, so every field is checked before it is shown: a
commit must look like one, counts must be whole numbers, texts are cut to a bounded length.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from .events import isoformat
from .markup import excerpt

MAX_ITEMS = 50
EXCERPT = 140
_COMMIT = re.compile(r"[0-9a-f]{7,64}")


class FileTally:
    """Events of one file kind: how many (saves folded into one event count each), of how
    many files, by whom; renames with their old and new paths."""

    def __init__(self):
        self.count = 0
        self.paths: dict[str, None] = {}
        self.people: set[str] = set()
        self.renames: list[dict] = []

    def add(self, row: Row) -> None:
        count = row.data_count if row.kind == "file.saved" else 1
        self.count += count if _whole(count) and count > 0 else 1
        self.people.add(row.actor)
        if row.path:
            self.paths.setdefault(row.path)
        if row.kind == "file.renamed" and len(self.renames) < MAX_ITEMS:
            old = row.data_from if isinstance(row.data_from, str) else None
            self.renames.append({"from": old, "to": row.path, "actor": row.actor})

    def as_json(self) -> dict[str, Any]:
        found = {"count": self.count, "files": len(self.paths), "people": sorted(self.people)}
        if self.renames:
            found["renames"] = self.renames
        else:
            found["paths"] = list(self.paths)[:MAX_ITEMS]
        return found


class CompoundTally:
    """``compounds.changed`` events: counts (``+added -removed ~changed``) per file and in
    all, and the compounds added and removed (name, SMILES, file), at most MAX_ITEMS each.

    ``added``, ``removed`` and ``changed`` may each be a number (as project servers report
    them, with a few compounds in ``highlights``: ``[{change, key, name, smiles, ...}]``), a
    list of compounds (``{name, smiles, ...}``, as the compound diff gives them), or
    ``{count, items}``."""

    def __init__(self):
        self.counts = Counter()
        self.files: dict[str, dict] = {}
        self.items: dict[str, list] = {"added": [], "removed": []}

    def add(self, row: Row) -> None:
        path = row.path or ""
        file = self.files.setdefault(
            path, {"path": row.path, "added": 0, "removed": 0, "changed": 0, "people": set()}
        )
        file["people"].add(row.actor)
        highlights = row.data_highlights if isinstance(row.data_highlights, list) else []
        for what in ("added", "removed", "changed"):
            count, compounds = _compound_list(getattr(row, f"data_{what}"))
            if not compounds:
                picked = [h for h in highlights if isinstance(h, dict) and h.get("change") == what]
                compounds = [_compound(h) for h in picked]
            self.counts[what] += count
            file[what] += count
            if what in self.items:
                room = MAX_ITEMS - len(self.items[what])
                self.items[what].extend({**c, "path": row.path} for c in compounds[:room])

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.counts["added"],
            "removed": self.counts["removed"],
            "changed": self.counts["changed"],
            "files": [{**f, "people": sorted(f["people"])} for f in self.files.values()],
            "added_items": self.items["added"],
            "removed_items": self.items["removed"],
        }


def _compound_list(value: object) -> tuple[int, list[dict]]:
    items: list = []
    count = None
    if isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        items = value.get("items") if isinstance(value.get("items"), list) else []
        count = value.get("count")
    elif _whole(value):
        count = value
    compounds = [_compound(item) for item in items if isinstance(item, dict)]
    total = count if _whole(count) and count >= 0 else len(items)
    return total, compounds


def _compound(item: dict) -> dict[str, str | None]:
    return {key: _short(item.get(key)) for key in ("name", "smiles")}


def snapshot(row: Row) -> dict[str, Any]:
    commit = row.data_commit if isinstance(row.data_commit, str) else ""
    message = row.data_message if isinstance(row.data_message, str) else ""
    return {
        "commit": commit if _COMMIT.fullmatch(commit) else None,
        "message": _short(message.strip().splitlines()[0] if message.strip() else "", 200),
        "author": row.actor,
        "created_at": isoformat(row.created_at),
        "files": len(row.data_paths) if isinstance(row.data_paths, list) else 0,
        "auto": row.data_auto in (True, 1),  # SQLite's JSON_EXTRACT gives true as 1
    }


def restore(row: Row) -> dict[str, Any]:
    restored_from = row.data_restored_from if isinstance(row.data_restored_from, str) else ""
    return {
        "path": row.path,
        "author": row.actor,
        "created_at": isoformat(row.created_at),
        "restored_from": restored_from if _COMMIT.fullmatch(restored_from) else None,
    }


def thread(row: Row, until: datetime) -> dict[str, Any]:
    return {
        "thread": row.id,
        "path": row.path,
        "state": row.state,
        "opened_by": row.created_by,
        "created_at": isoformat(row.created_at),
        "age_days": max(0, (until - row.created_at).days),
        "last_activity": isoformat(row.updated_at),
        "comments": row.comments,
        "excerpt": excerpt(row.body or "", EXCERPT),
    }


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: object, limit: int = 500) -> str | None:
    if not isinstance(value, str):
        return None
    return value if len(value) <= limit else value[: limit - 1] + "…"
