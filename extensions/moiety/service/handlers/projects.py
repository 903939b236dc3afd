"""Projects: list, read (with members), create, and open (start the project server)."""

from __future__ import annotations

from ...core.errors import Forbidden, InvalidInput
from ...core.slugs import validate_slug
from ..base import APIHandler

CREATE_SCHEMA = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": {"type": "string", "maxLength": 2000},
        "teams": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 20},
        "template": {"type": "string"},
    },
    "required": ["slug", "title", "teams"],
    "additionalProperties": False,
}


class ProjectsHandler(APIHandler):
    async def get(self):
        await self.moiety.directory.get()
        caller = self.directory_now().caller(self.caller.name, admin=self.caller.admin)
        items = self.moiety.catalog.listed_for(caller, self.moiety.presence)
        self.write_json({"items": items, "next": None})

    async def post(self):
        body = self.json_body(CREATE_SCHEMA)
        validate_slug(body["slug"])
        directory = await self.moiety.directory.get()
        unknown = sorted(set(body["teams"]) - set(directory.teams))
        if unknown:
            raise InvalidInput(
                f"No team named {', '.join(unknown)}; teams are {', '.join(directory.teams)}.",
                code="unknown-team",
            )
        if not self.caller.leads_all(body["teams"]):
            raise Forbidden(
                "Only leads of every listed team, or hub admins, may create a project for them.",
                code="not-a-lead",
            )
        project = await self.moiety.projects.create(
            slug=body["slug"],
            title=body["title"],
            teams=body["teams"],
            description=body.get("description", ""),
            template=body.get("template", "default"),
            created_by=self.caller.name,
        )
        self.write_json(project, status=201)


class ProjectHandler(APIHandler):
    async def get(self, slug):
        project = await self.visible_project(slug)
        directory = self.directory_now()
        members = [
            {
                "name": name,
                "teams": sorted(
                    t for t in project["teams"] if name in directory.members.get(t, ())
                ),
                "lead": any(name in directory.leads.get(t, ()) for t in project["teams"]),
            }
            for name in sorted(directory.people_of(project["teams"]))
        ]
        active = self.moiety.presence.active(project["slug"])
        self.write_json({**project, "members": members, "active": active})


class ProjectMembersHandler(APIHandler):
    """Who may be mentioned in a project: feeds mention autocompletion."""

    async def get(self, slug):
        project = await self.visible_project(slug)
        prefix = self.get_query_argument("q", "").lower()
        names = sorted(self.directory_now().people_of(project["teams"]))
        items = [{"name": n} for n in names if n.startswith(prefix)]
        self.write_json({"items": items, "next": None})


class ProjectStartHandler(APIHandler):
    async def post(self, slug):
        project = await self.visible_project(slug)
        if self.caller.project is not None:
            raise Forbidden("Project servers cannot open projects.", code="people-only")
        ready = await self.moiety.projects.start(project["slug"])
        self.write_json(
            {"server_url": project["server_url"], "ready": ready}, status=200 if ready else 202
        )


default_handlers = [
    (r"api/projects", ProjectsHandler),
    (r"api/projects/([^/]+)", ProjectHandler),
    (r"api/projects/([^/]+)/members", ProjectMembersHandler),
    (r"api/projects/([^/]+)/start", ProjectStartHandler),
]
