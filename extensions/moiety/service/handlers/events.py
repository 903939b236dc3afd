"""``POST /events``: project servers report file activity, for their own project only."""

from __future__ import annotations

from ...core.errors import Forbidden, InvalidInput
from ...core.event_fields import MAX_DATA_BYTES
from ...core.events import event_by_key, record_event, serialize_event
from ...deployment.hub import REPORT_SCOPE
from ..base import APIHandler
from .thread_follow import after_server_event, refresh_later

MAX_EVENT_REQUEST = MAX_DATA_BYTES + 128 * 1024
"""Project servers' events may be larger than people's requests (64 KiB): a snapshot's event
lists the cells it changed (the project server budgets them to 192 KiB), and a
``compounds.changed`` event's highlights have no fixed bound (structures, names and property
names are not cut). An event's data may be 256 KiB as stored; the request may be longer by
its other fields and by JSON escapes (the project server escapes non-ASCII text)."""

SERVER_EVENT_KINDS = [
    "file.created",
    "file.saved",
    "file.renamed",
    "file.deleted",
    "snapshot.created",
    "version.restored",
    "compounds.changed",
    "molecule.shared",
    "member.joined",
]

EVENT_SCHEMA = {
    "type": "object",
    "properties": {
        "key": {"type": "string", "minLength": 8, "maxLength": 255},
        "kind": {"enum": SERVER_EVENT_KINDS},
        "actor": {"type": "string", "minLength": 1, "maxLength": 255},
        "summary": {"type": "string", "minLength": 1, "maxLength": 500},
        "path": {"type": "string", "minLength": 1, "maxLength": 1024},
        "data": {"type": "object"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
    },
    "required": ["key", "kind", "actor", "summary"],
    "additionalProperties": False,
}


def require_project_server(handler: APIHandler) -> dict:
    """The caller's own project, if the caller is a project server's token; 403 otherwise."""
    caller = handler.caller
    if caller.project is None or f"{REPORT_SCOPE}!user={caller.name}" not in caller.scopes:
        raise Forbidden(
            f"Only a project server's own token may call this (scope {REPORT_SCOPE}).",
            code="project-servers-only",
        )
    project = handler.moiety.catalog.get(caller.project)
    if project is None:
        raise Forbidden(f"The project {caller.project!r} is not registered.", code="no-project")
    return project


class EventsHandler(APIHandler):
    max_request = MAX_EVENT_REQUEST

    async def post(self):
        project = require_project_server(self)
        caller = self.caller
        body = self.json_body(EVENT_SCHEMA)
        actor = body["actor"]
        if actor != caller.name and actor not in self.directory_now().people_of(project["teams"]):
            raise InvalidInput(
                f"{actor!r} is not a member of the project's teams; report events of members.",
                code="unknown-actor",
            )
        event, created, reread = await self.moiety.storage.write(
            _record, project=project["slug"], **body
        )
        refresh_later(self.moiety, project["slug"], reread)
        self.write_json(event, status=201 if created else 200)


def _record(session, *, published, project, key, **fields):
    existing = event_by_key(session, project, key)
    if existing is not None:
        return serialize_event(existing), False, []
    recorded = record_event(session, project=project, key=key, **fields)
    event = serialize_event(recorded)
    reread = after_server_event(session, recorded, event, published)
    published.append(event)
    return event, True, reread


default_handlers = [(r"api/events", EventsHandler)]
