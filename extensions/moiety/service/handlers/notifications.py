"""Notifications and watches: ``GET /notifications``, ``POST /notifications/read``,
``GET|POST|DELETE /watches`` (and ``DELETE /watches/{id}``).

Everyone logged in has their own notifications and watches; a watch is only for a project the
caller can see, and notifications show only while their project is visible to the caller.
"""

from __future__ import annotations

from ...core import notifications, watches
from ...core.errors import Forbidden, InvalidInput
from ...core.events import serialize_event
from ...store.discussion import Notification, Thread
from ...store.models import Event
from ..base import APIHandler
from ..stream import Delivery

READ_SCHEMA = {
    "type": "object",
    "properties": {
        "ids": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 2**62},
            "maxItems": notifications.MAX_IDS,
        },
        "all": {"const": True},
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["ids"]}, {"required": ["all"]}],
}
WATCH_SCHEMA = {
    "type": "object",
    "properties": {
        "project": {"type": "string", "minLength": 1, "maxLength": 64},
        "path": {"type": ["string", "null"], "maxLength": 1024},
    },
    "required": ["project"],
    "additionalProperties": False,
}
FLAGS = {"1": True, "true": True, "0": False, "false": False, "": False}


def deliveries(
    notes: list[Notification],
    event: Event,
    event_json: dict | None = None,
    thread: Thread | None = None,
) -> list[Delivery]:
    """Live deliveries of new notifications about ``event``, for the ``published`` list."""
    if not notes:
        return []
    event_json = event_json or serialize_event(event)
    brief = None if thread is None else notifications.thread_brief(thread)
    return [
        Delivery(
            user=note.user,
            project=event.project,
            event_id=event.id,
            notification=notifications.serialize_notification(note, event_json, brief),
        )
        for note in notes
    ]


def single(handler: APIHandler, arguments: dict[str, list[str]], name: str) -> str | None:
    values = arguments.get(name) or []
    if len(values) > 1:
        raise InvalidInput(f"Give '{name}' at most once.", code="invalid")
    return values[0] if values else None


def people_only(handler: APIHandler, what: str) -> None:
    if handler.caller.project is not None:
        raise Forbidden(f"Project servers cannot {what}; people do.", code="people-only")


class NotificationsHandler(APIHandler):
    async def get(self):
        arguments = self.query_lists({"unread", "limit", "before"})
        unread = single(self, arguments, "unread")
        if unread is not None and unread.lower() not in FLAGS:
            raise InvalidInput("'unread' is 1 (only unread ones) or 0.", code="invalid")
        visible = await self.visible_projects()
        page = await self.moiety.storage.read(
            notifications.list_notifications,
            self.caller.name,
            visible,
            unread=FLAGS.get((unread or "").lower(), False),
            before=single(self, arguments, "before"),
            limit=single(self, arguments, "limit"),
            secret=self.moiety.cursor_secret,
        )
        self.write_json(page)


class ReadHandler(APIHandler):
    async def post(self):
        body = self.json_body(READ_SCHEMA)
        visible = await self.visible_projects()
        name = self.caller.name

        def mark(session, published):
            updated = notifications.mark_read(
                session, name, ids=body.get("ids"), everything=body.get("all", False)
            )
            return {
                "updated": updated,
                "unread_count": notifications.unread_count(session, name, visible),
            }

        self.write_json(await self.moiety.storage.write(mark))


class WatchesHandler(APIHandler):
    async def get(self):
        arguments = self.query_lists({"project"})
        visible = await self.visible_projects()
        project = single(self, arguments, "project")
        if project is not None:
            visible = visible & {project}
        items = await self.moiety.storage.read(
            lambda session: [
                watches.serialize_watch(w)
                for w in watches.list_watches(session, self.caller.name, visible)
            ]
        )
        self.write_json({"items": items, "next": None})

    async def post(self):
        body = self.json_body(WATCH_SCHEMA)
        project = await self.visible_project(body["project"])
        people_only(self, "watch projects")
        watch, created = await self.moiety.storage.write(
            _add_watch, user=self.caller.name, project=project["slug"], path=body.get("path")
        )
        self.write_json(watch, status=201 if created else 200)

    async def delete(self):
        arguments = self.query_lists({"project", "path"})
        if arguments:
            body = {name: single(self, arguments, name) for name in arguments}
        else:
            body = self.json_body(WATCH_SCHEMA)
        if not body.get("project"):
            raise InvalidInput("Name the watched project: {project, path?}.", code="invalid")
        project = await self.visible_project(body["project"])
        removed = await self.moiety.storage.write(
            lambda session, published: watches.remove_watch(
                session, user=self.caller.name, project=project["slug"], path=body.get("path")
            )
        )
        self.write_json({"removed": removed})


class WatchHandler(APIHandler):
    async def delete(self, watch_id):
        if not watch_id.isdigit() or len(watch_id) > 18:
            raise watches.WatchNotFound(f"You have no watch {watch_id}.")
        removed = await self.moiety.storage.write(
            lambda session, published: watches.remove_watch(
                session, user=self.caller.name, watch_id=int(watch_id)
            )
        )
        self.write_json({"removed": removed})


def _add_watch(session, *, published, **fields):
    watch, created = watches.add_watch(session, **fields)
    session.flush()
    return watches.serialize_watch(watch), created


default_handlers = [
    (r"api/notifications", NotificationsHandler),
    (r"api/notifications/read", ReadHandler),
    (r"api/watches", WatchesHandler),
    (r"api/watches/([^/]+)", WatchHandler),
]
