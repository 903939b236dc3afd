"""Exporting a project's discussions for records: every thread and comment, with authors,
times, every version of each comment (:mod:`.comment_versions`: the words before each edit and
at deletion), deletions (by whom, when) and resolutions (by whom, when).

JSON keeps every value as stored, and each comment's ``versions``. CSV has one row per version
of each comment (a comment never edited has one), with its comment's and thread's columns
repeated; a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'`` so that spreadsheets show it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from .comment_versions import versions_of
from .comments import serialize_comment
from .events import isoformat
from .markup import parse
from .threads import comments_of, serialize_thread, threads_of_project

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
    "version",
    "versions",
    "written_at",
    "ended",
    "ended_at",
    "ended_by",
    "body",
    "tags",
    "mentions",
    "molecules",
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_json(session: Session, project: str, exported_by: str) -> dict[str, Any]:
    threads = threads_of_project(session, project)
    comments = comments_of(session, [t.id for t in threads])
    versions = versions_of(session, project, (c for items in comments.values() for c in items))
    items = []
    for thread in threads:
        exported = [_comment(c, versions[c.id]) for c in comments[thread.id]]
        items.append({**serialize_thread(thread, exported), "line_text": thread.line_text})
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
            for number, version in enumerate(comment["versions"], start=1):
                row = _row(thread, comment, number, version)
                writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _comment(comment, versions: list[dict]) -> dict[str, Any]:
    exported = serialize_comment(comment)
    del exported["reactions"]
    return {**exported, "versions": versions}


def _row(thread: dict, comment: dict, number: int, version: dict) -> list:
    """One version of a comment; its tags, mentions and molecules are those of its body."""
    body = version["body"]
    markup = parse(body) if body else None
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
        number,
        len(comment["versions"]),
        version["written_at"],
        version["ended"],
        version["ended_at"],
        version["ended_by"],
        body,
        " ".join(f"#{tag}" for tag in markup.tags) if markup else "",
        " ".join(markup.mentions) if markup else "",
        " ".join(m.smiles for m in markup.molecules) if markup else "",
    ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
