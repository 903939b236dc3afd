"""Threads following their files: what a project server's events change about their anchors.

- ``file.renamed`` moves the threads of the file (or of everything in a renamed folder);
- ``file.deleted`` orphans them;
- ``file.saved`` of a notebook and ``snapshot.created`` carry each notebook's cells
  (``[[cell_id, hash]]``), from which cell threads are ``current``, ``outdated`` or
  ``orphaned`` (:func:`moiety.core.thread_anchors.cell_state`);
- events without cells (text files saved, files created or restored) leave line and cell
  threads as they are and name the path: the caller reads the file (:class:`FileAnchors`,
  with its lines) and gives it to :func:`apply_file`.

Functions here never commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..store.discussion import Thread
from ..store.models import Event
from . import audit
from .thread_anchors import (
    CURRENT,
    ORPHANED,
    FileAnchors,
    cell_state,
    line_anchor,
    renamed_path,
)

FOLLOWED_KINDS = frozenset(
    {
        "file.saved",
        "file.created",
        "file.renamed",
        "file.deleted",
        "snapshot.created",
        "version.restored",
    }
)


def follow_event(session: Session, event: Event) -> list[str]:
    """Bring the anchors of ``event.project``'s threads up to date with ``event``.

    Returns the paths whose threads still need the file itself (its cells or lines) to be
    read, in the order they should be read.
    """
    kind, project, data, path = event.kind, event.project, event.data or {}, event.path
    if kind not in FOLLOWED_KINDS:
        return []
    if kind == "file.renamed":
        old = data.get("from")
        if isinstance(old, str) and path:
            for thread in threads_under(session, project, old):
                before = thread.path
                thread.path = renamed_path(thread.path, old, path) or thread.path
                if thread.path != before:
                    _audit_move(session, event, thread, before)
        return []
    if kind == "file.deleted":
        if path:
            for thread in threads_under(session, project, path):
                thread.anchor_state = ORPHANED
        return []
    if kind == "snapshot.created":
        cells = data.get("cells") if isinstance(data.get("cells"), dict) else {}
        reread = []
        for each in dict.fromkeys([*cells, *(p for p in data.get("paths") or () if p)]):
            if not isinstance(each, str):
                continue
            pairs = cells.get(each)
            if _update(session, project, each, pairs if isinstance(pairs, list) else None):
                reread.append(each)
        return reread
    if not path:
        return []
    cells = data.get("cells") if kind == "file.saved" else None
    return (
        [path]
        if _update(session, project, path, cells if isinstance(cells, list) else None)
        else []
    )


def _audit_move(session: Session, event: Event, thread: Thread, before: str) -> None:
    audit.record(
        session,
        action="thread.moved",
        actor=event.actor,
        project=thread.project,
        target_type="thread",
        target_id=thread.id,
        details={"from": before, "to": thread.path, "event": event.id},
    )


def apply_file(session: Session, project: str, file: FileAnchors) -> int:
    """Update the threads on ``file.path`` from the file as it is now; returns how many."""
    cells = file.cell_pairs() if file.kind == "notebook" else None
    threads = threads_at(session, project, file.path)
    for thread in threads:
        if not file.exists:
            thread.anchor_state = ORPHANED
        else:
            _apply(thread, cells, file.lines)
    return len(threads)


def threads_at(session: Session, project: str, path: str) -> list[Thread]:
    query = select(Thread).where(Thread.project == project, Thread.path == path)
    return list(session.scalars(query.order_by(Thread.id)))


def threads_under(session: Session, project: str, path: str) -> list[Thread]:
    """Threads on the file ``path``, or on anything in the folder ``path``."""
    path = path.strip("/")
    query = select(Thread).where(
        Thread.project == project,
        or_(Thread.path == path, Thread.path.startswith(path + "/", autoescape=True)),
    )
    return list(session.scalars(query.order_by(Thread.id)))


def _update(session: Session, project: str, path: str, cells: list | None) -> bool:
    """Apply what is known (the file exists; maybe its cells); True if a read is needed."""
    needs_read = False
    for thread in threads_at(session, project, path):
        needs_read |= _apply(thread, cells, None)
    return needs_read


def _apply(thread: Thread, cells: list | None, lines: Sequence[str] | None) -> bool:
    """Update one thread of an existing file; True if it needs what was not given."""
    if thread.cell_id is not None:
        if cells is None:
            return True
        pairs = [pair for pair in cells if isinstance(pair, list | tuple)]
        thread.anchor_state = cell_state(thread.cell_id, thread.cell_hash, pairs)
        return False
    if thread.line is not None:
        if lines is None:
            return True
        state, line, line_end = line_anchor(thread.line, thread.line_end, thread.line_text, lines)
        thread.anchor_state, thread.line, thread.line_end = state, line, line_end
        return False
    thread.anchor_state = CURRENT
    return False
