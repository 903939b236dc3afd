"""``PUT /presence``: a project server says who is in it now (people see it in Projects)."""

from __future__ import annotations

from ..base import APIHandler
from .events import require_project_server

PRESENCE_SCHEMA = {
    "type": "object",
    "properties": {
        "people": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": 255},
            "maxItems": 500,
        }
    },
    "required": ["people"],
    "additionalProperties": False,
}


class PresenceHandler(APIHandler):
    async def put(self):
        project = require_project_server(self)
        body = self.json_body(PRESENCE_SCHEMA)
        allowed = self.directory_now().people_of(project["teams"])
        people = [name for name in body["people"] if name in allowed]
        self.moiety.presence.report(project["slug"], people)
        self.write_json(
            {"project": project["slug"], "active": self.moiety.presence.active(project["slug"])}
        )


default_handlers = [(r"api/presence", PresenceHandler)]
