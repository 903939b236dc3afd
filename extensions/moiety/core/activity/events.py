"""The events a project server reports (bodies of the service's ``POST /events``).

Each body is ``{key, kind, actor, summary, path?, data}``. The key is fixed when the event is
made, before it goes into the outbox, so every retry carries the same key; events about a
commit are keyed by the commit id, so reporting one twice (say after a restart) stores it once.

``data`` by kind:

- ``file.saved``: ``count`` (saves folded in), ``cells`` for a notebook: ``[[cell_id, hash16]]``;
- ``file.created``: ``{}``; ``file.deleted``: ``{}``;
- ``file.renamed``: ``from`` (the old path; ``path`` is the new one);
- ``snapshot.created``: ``commit``, ``message``, ``paths`` (what changed), ``auto`` and
  ``cells``: ``{notebook path: [[cell_id, hash16]]}`` for each notebook the commit added or
  changed (dropped with ``cells_truncated: true`` past a size budget);
- ``version.restored``: ``commit`` (the new commit), ``restored_from``, ``saved_before``.
"""

from __future__ import annotations

import json
import uuid

MAX_SUMMARY = 500
MAX_PATH = 1024
CELLS_BUDGET_BYTES = 192 * 1024


def new_key(kind: str) -> str:
    return f"{kind}:{uuid.uuid4().hex}"


def event(
    kind: str,
    actor: str,
    summary: str,
    *,
    path: str | None = None,
    data: dict | None = None,
    key: str | None = None,
) -> dict:
    data = dict(data or {})
    body = {"key": key or new_key(kind), "kind": kind, "actor": actor}
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1] + "…"
    body["summary"] = summary
    if path is not None:
        if len(path) <= MAX_PATH:
            body["path"] = path
        else:
            data["long_path"] = path
    body["data"] = data
    return body


def file_saved(actor: str, path: str, count: int, cells: list | None = None) -> dict:
    data: dict = {"count": count}
    if cells is not None:
        data["cells"] = cells
    times = f" ({count} saves)" if count > 1 else ""
    return event("file.saved", actor, f"saved {path}{times}", path=path, data=data)


def file_created(actor: str, path: str) -> dict:
    return event("file.created", actor, f"created {path}", path=path)


def file_renamed(actor: str, old: str, new: str) -> dict:
    return event("file.renamed", actor, f"renamed {old} to {new}", path=new, data={"from": old})


def file_deleted(actor: str, path: str) -> dict:
    return event("file.deleted", actor, f"deleted {path}", path=path)


def snapshot_created(
    actor: str,
    commit: str,
    message: str,
    paths: list[str],
    cells: dict[str, list] | None = None,
    *,
    auto: bool = False,
) -> dict:
    first_line = message.strip().splitlines()[0] if message.strip() else "Snapshot"
    data = {"commit": commit, "message": message, "paths": paths, "auto": auto}
    data.update(_budgeted_cells(cells or {}))
    return event(
        "snapshot.created",
        actor,
        f"snapshot {commit[:8]}: {first_line}",
        path=paths[0] if len(paths) == 1 else None,
        data=data,
        key=f"snapshot.created:{commit}",
    )


def version_restored(
    actor: str, path: str, commit: str, restored_from: str, saved_before: str | None
) -> dict:
    return event(
        "version.restored",
        actor,
        f"restored {path} as it was at {restored_from[:8]}",
        path=path,
        data={"commit": commit, "restored_from": restored_from, "saved_before": saved_before},
        key=f"version.restored:{commit}",
    )


def _budgeted_cells(cells: dict[str, list]) -> dict:
    kept, used = {}, 0
    for path in sorted(cells):
        size = len(json.dumps(cells[path])) + len(path)
        if used + size > CELLS_BUDGET_BYTES:
            return {"cells": kept, "cells_truncated": True}
        kept[path] = cells[path]
        used += size
    return {"cells": kept}
