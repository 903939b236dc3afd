"""Watching a project, a file or a folder: its activity becomes notifications (reason ``watch``).

A watch names a project and optionally a path: a file (``notebooks/explore.ipynb``) or a folder
(``notebooks/``, with the slash). Without a path it covers everything in the project.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..store.discussion import Watch
from ..store.models import Event
from .errors import InvalidInput, NotFound
from .event_fields import MAX_PATH, storable
from .events import isoformat


class InvalidWatch(InvalidInput):
    code = "invalid-watch"


class WatchNotFound(NotFound):
    code = "watch-not-found"


def checked_path(path: object) -> str:
    """A watch's path: ``""`` for the whole project, a file, or a folder ending in ``/``."""
    if path is None:
        return ""
    if not isinstance(path, str) or not storable(path) or len(path) > MAX_PATH:
        raise InvalidWatch("A watch's path must be a file or folder path in the project.")
    folder = path.endswith("/")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts or path.startswith("/"):
        raise InvalidWatch(f"{path!r} is not a path inside the project; give a relative path.")
    if not parts:
        return ""
    return "/".join(parts) + ("/" if folder else "")


def add_watch(
    session: Session, *, user: str, project: str, path: object = None
) -> tuple[Watch, bool]:
    """Watch ``project`` (or ``path`` in it); returns the watch and whether it is new."""
    path = checked_path(path)
    existing = _find(session, user, project, path)
    if existing is not None:
        return existing, False
    watch = Watch(user=user, project=project, path=path)
    try:
        with session.begin_nested():
            session.add(watch)
    except IntegrityError:
        found = _find(session, user, project, path)
        if found is None:
            raise
        return found, False
    return watch, True


def remove_watch(
    session: Session,
    *,
    user: str,
    watch_id: int | None = None,
    project: str | None = None,
    path: object = None,
) -> int:
    """Stop watching (by id, or by project and path); returns how many watches ended."""
    query = delete(Watch).where(Watch.user == user)
    if watch_id is not None:
        query = query.where(Watch.id == watch_id)
    else:
        query = query.where(Watch.project == project, Watch.path == checked_path(path))
    removed = session.execute(query).rowcount
    if watch_id is not None and not removed:
        raise WatchNotFound(f"You have no watch {watch_id}.")
    return removed


def list_watches(session: Session, user: str, visible: Collection[str]) -> list[Watch]:
    query = select(Watch).where(Watch.user == user, Watch.project.in_(set(visible)))
    return list(session.scalars(query.order_by(Watch.project, Watch.path)))


def serialize_watch(watch: Watch) -> dict[str, Any]:
    return {
        "id": watch.id,
        "project": watch.project,
        "path": watch.path or None,
        "created_at": isoformat(watch.created_at),
    }


def event_paths(event: Event) -> list[str]:
    """The paths an event is about: its path, a rename's old path, a snapshot's paths."""
    data = event.data or {}
    paths = [event.path] if event.path else []
    if isinstance(data.get("from"), str):
        paths.append(data["from"])
    if event.kind == "snapshot.created" and isinstance(data.get("paths"), list):
        paths.extend(p for p in data["paths"] if isinstance(p, str))
    return paths


def watchers(session: Session, project: str, paths: Iterable[str]) -> set[str]:
    """Who watches ``project`` as a whole, or one of ``paths`` (or a folder holding one)."""
    paths = list(paths)
    found = set()
    for user, watched in session.execute(
        select(Watch.user, Watch.path).where(Watch.project == project)
    ):
        if not watched or any(_covers(watched, path) for path in paths):
            found.add(user)
    return found


def _covers(watched: str, path: str) -> bool:
    if watched.endswith("/"):
        return path.startswith(watched)
    return path == watched


def _find(session: Session, user: str, project: str, path: str) -> Watch | None:
    return session.scalars(
        select(Watch).where(Watch.user == user, Watch.project == project, Watch.path == path)
    ).first()
