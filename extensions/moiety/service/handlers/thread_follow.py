"""Threads following what project servers report (``POST /events``): renames move them,
deletions orphan them, changed cells outdate them, watchers are notified; line anchors are
updated once the file has been read back from the project, in the background."""

from __future__ import annotations

import asyncio
import logging

from ...core.notifications import notify_event
from ...core.thread_anchors import FileAnchors
from ...core.thread_tracking import apply_file, follow_event
from .notifications import deliveries
from .project_files import ProjectFiles

log = logging.getLogger("moiety.threads")


def after_server_event(session, event, event_json: dict, published: list) -> list[str]:
    """Once a project server's event is recorded: threads follow it (renames, deletions,
    changed cells) and watchers are notified. Returns paths whose files must be read to
    update line anchors (see :func:`refresh_later`). A failure here is logged and never
    loses the event."""
    try:
        with session.begin_nested():
            reread = follow_event(session, event)
            notes = notify_event(session, event)
    except Exception:
        log.exception("Moiety: threads could not follow event %s", event.id)
        return []
    published.extend(deliveries(notes, event, event_json))
    return reread


_refreshing: set[asyncio.Task] = set()


def refresh_later(app, slug: str, paths: list[str]) -> None:
    """Read these files from the project and update their threads' anchors, in the
    background (the project server that reported the event is not kept waiting)."""
    if not paths:
        return
    task = asyncio.ensure_future(_refresh(app, slug, list(paths)))
    _refreshing.add(task)
    task.add_done_callback(_refreshing.discard)


async def _refresh(app, slug: str, paths: list[str]) -> None:
    files = ProjectFiles(app)
    for path in paths:
        try:
            file = await files.read(slug, path, lines=True, start=False)
            await app.storage.write(_apply_file, project=slug, file=file)
        except Exception as e:
            log.warning("Moiety: could not re-read %s in %s for its threads: %s", path, slug, e)


def _apply_file(session, *, published, project: str, file: FileAnchors) -> int:
    return apply_file(session, project, file)
