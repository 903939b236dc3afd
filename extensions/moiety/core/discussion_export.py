"""Exporting a project's discussions for records: every thread and comment, with authors,
times, edits (when), deletions (by whom, when) and resolutions (by whom, when).

JSON keeps every value as stored. CSV has one row per comment, with its thread's columns
repeated; a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'`` so that spreadsheets show it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from .events import isoformat
from .threads import serialize_threads, threads_of_project

CSV_COLUMNS = [
    "thread_id",
    "path",
    "opened_path",
    "cell_id",
    "line",
    "line_end",
    "commit",
    "anchor_state",
    "thread_state",
    "opened_by",
    "opened_at",
    "resolved_by",
    "resolved_at",
    "reopened_by",
    "reopened_at",
    "comment_id",
    "author",
    "created_at",
    "edited_at",
    "deleted_by",
    "deleted_at",
    "body",
    "tags",
    "mentions",
    "molecules",
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_json(session: Session, project: str, exported_by: str) -> dict[str, Any]:
    threads = threads_of_project(session, project)
    items = serialize_threads(session, threads, None)
    for thread, item in zip(threads, items, strict=True):
        item["line_text"] = thread.line_text
        for comment in item["comments"]:
            del comment["reactions"]
    return {
        "project": project,
        "exported_at": isoformat(datetime.now(UTC)),
        "exported_by": exported_by,
        "threads": items,
    }


def export_csv(session: Session, project: str, exported_by: str) -> str:
    document = export_json(session, project, exported_by)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for thread in document["threads"]:
        for comment in thread["comments"]:
            writer.writerow([_cell(value) for value in _row(thread, comment)])
    return out.getvalue()


def _row(thread: dict, comment: dict) -> list:
    anchor = thread["anchor"]
    return [
        thread["id"],
        thread["path"],
        thread["opened_path"],
        anchor["cell_id"],
        anchor["line"],
        anchor["line_end"],
        thread["commit"],
        thread["anchor_state"],
        thread["state"],
        thread["created_by"],
        thread["created_at"],
        thread["resolved_by"],
        thread["resolved_at"],
        thread["reopened_by"],
        thread["reopened_at"],
        comment["id"],
        comment["author"],
        comment["created_at"],
        comment["edited_at"],
        comment["deleted_by"],
        comment["deleted_at"],
        comment["body"],
        " ".join(f"#{tag}" for tag in comment["tags"]),
        " ".join(comment["mentions"]),
        " ".join(m["smiles"] for m in comment["molecules"]),
    ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
