"""Who changed which file: watching the contents API and collaborative rooms, folding saves.

Two sources, each attributed to a person:

- **Contents API requests** (PUT, PATCH, POST, DELETE under ``<base>api/contents/``): the
  authenticated user of the request. The tornado application's ``log_function`` is wrapped; it
  sees every finished request with its handler (see :mod:`.contents`).
- **Collaborative saves**: jupyter-collaboration's rooms save shared documents themselves. The
  server's event bus says when a room saved (session events, ``action: "save"``) and who
  joined or left which room (awareness events); the room's websocket says who sent each change
  (:mod:`.rooms`). A room's save is credited to those who changed the document since its
  previous save (:mod:`moiety.core.activity.presence`).

Saves are folded per person and file (:class:`~moiety.core.activity.Debouncer`); creations,
renames and deletions are reported at once, after the saves of that file still being folded.
Every change also feeds the automatic snapshot timer when automatic snapshots are on.
All observations go through one queue, so events enter the outbox in the order they happened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import PurePosixPath

from jupyter_server_ydoc.utils import (
    JUPYTER_COLLABORATION_AWARENESS_EVENTS_URI,
    JUPYTER_COLLABORATION_EVENTS_URI,
)

from ..core.activity import Debouncer, RoomPresence, events
from .contents import contents_change
from .versions import Versions

READS = ("GET", "HEAD", "OPTIONS")


class Activity:
    def __init__(
        self,
        versions: Versions,
        report: Callable[[dict], Awaitable[None]],
        account: str,
        base_url: str,
        log: logging.Logger,
        *,
        save_quiet: float,
        save_max_wait: float,
        auto_snapshot: float = 0.0,
    ):
        self.versions = versions
        self.report = report
        self.account = account
        self.contents_prefix = base_url.rstrip("/") + "/api/contents/"
        self.log = log
        self.saves = Debouncer(save_quiet, save_max_wait or None)
        self.auto = Debouncer(auto_snapshot) if auto_snapshot > 0 else None
        self.presence = RoomPresence()
        self.on_presence: Callable[[], None] = lambda: None
        self.on_activity: Callable[[], None] = lambda: None
        """Told whenever a person does something in the project (see :mod:`.idle`)."""
        self._queue: asyncio.Queue = asyncio.Queue()
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task | None = None

    # --- sources -----------------------------------------------------------------------------

    def wrap_log_function(self, settings: dict) -> None:
        """Observe every finished request, then log it as the server did."""
        original = settings.get("log_function")

        def log_function(handler):
            try:
                self.observe_request(handler)
            except Exception:
                self.log.exception("Moiety: could not record a contents request")
            if original is not None:
                original(handler)

        settings["log_function"] = log_function

    def observe_request(self, handler) -> None:
        if handler.request.method not in READS and handler.get_status() < 400:
            self.on_activity()  # a person changed something: a save, a snapshot, a kernel ...
        change = contents_change(handler, self.contents_prefix)
        if change is not None:
            self._put(*change)

    def listen(self, event_logger) -> None:
        event_logger.add_listener(
            schema_id=JUPYTER_COLLABORATION_EVENTS_URI, listener=self._on_session_event
        )
        event_logger.add_listener(
            schema_id=JUPYTER_COLLABORATION_AWARENESS_EVENTS_URI, listener=self._on_awareness
        )

    def edited(self, room: str, person: str) -> None:
        """``person`` changed the document of ``room`` (see :mod:`.rooms`)."""
        self.presence.edited(room, person)
        self.on_activity()

    async def _on_awareness(self, logger, schema_id: str, data: dict) -> None:
        room, person = data.get("roomid"), data.get("username")
        if room and person:
            if data.get("action") == "join":
                self.presence.join(room, person)
                self.on_activity()
            elif data.get("action") == "leave":
                self.presence.leave(room, person)
            self.on_presence()

    async def _on_session_event(self, logger, schema_id: str, data: dict) -> None:
        if data.get("action") != "save" or not data.get("path"):
            return
        path = str(PurePosixPath(data["path"])).lstrip("/")
        for person in self.presence.saved(data.get("room", "")) or [self.account]:
            self._put("saved", person, path)

    # --- processing, in order -----------------------------------------------------------------

    def _put(self, *item) -> None:
        self._queue.put_nowait(item)

    def start(self) -> None:
        self._task = asyncio.create_task(self._process_forever(), name="moiety-activity")

    async def stop(self) -> None:
        """Report everything still being folded, and take the automatic snapshot that was
        due (at shutdown, also an idle one, nothing may be lost)."""
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None:
            await self._queue.join()
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        try:
            for fold in self.saves.drain():
                await self._report_save(fold)
            for fold in self.auto.drain() if self.auto is not None else ():
                await self._auto_snapshot(fold.people)
        except Exception:
            self.log.exception("Moiety: could not report the last activity before stopping")

    async def _process_forever(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self._process(*item)
            except Exception:
                self.log.exception("Moiety: could not report %s", item[0])
            finally:
                self._queue.task_done()
                self._schedule()

    async def _process(self, what: str, user: str, path: str = "", new: str | None = None):
        now = asyncio.get_running_loop().time()
        if what == "due":
            for fold in self.saves.due(now):
                await self._report_save(fold)
            if self.auto is not None:
                for fold in self.auto.due(now):
                    await self._auto_snapshot(fold.people)
            return
        if self.auto is not None:
            self.auto.add("auto", now, user)
        if what == "saved":
            self.saves.add((user, path), now, user)
        elif what == "created" and not (self.versions.root / path).is_dir():
            await self.report(events.file_created(user, path))
        elif what == "renamed" and new:
            await self._flush_path(path, read_from=new)
            await self.report(events.file_renamed(user, path, new))
        elif what == "deleted":
            await self._flush_path(path)
            await self.report(events.file_deleted(user, path))

    async def _flush_path(self, path: str, read_from: str | None = None) -> None:
        inside = path + "/"
        folds = self.saves.take(lambda key: key[1] == path or key[1].startswith(inside))
        for fold in folds:
            await self._report_save(fold, read_from if fold.key[1] == path else None)

    async def _report_save(self, fold, read_from: str | None = None) -> None:
        actor, path = fold.key
        cells = await self.versions.cells_of(read_from or path)
        await self.report(events.file_saved(actor, path, fold.count, cells))

    async def _auto_snapshot(self, editors: list[str]) -> None:
        people = ", ".join(editors) or "nobody"
        message = f"Automatic snapshot after edits by {people}"
        result = await self.versions.snapshot(self.account, message, None, auto=True)
        if result["changed"]:
            self.log.info("Moiety: %s (%s)", message, result["commit"][:12])

    def _schedule(self) -> None:
        """Wake up when the next fold is due."""
        deadlines = [self.saves.next_deadline()]
        if self.auto is not None:
            deadlines.append(self.auto.next_deadline())
        deadlines = [d for d in deadlines if d is not None]
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if deadlines:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(min(deadlines), self._put, "due", "")
