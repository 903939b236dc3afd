"""Every project's registry entry, kept in memory: access checks happen on every request and
every streamed event, and projects are few and change rarely."""

from __future__ import annotations

from ..core import projects as registry
from ..core.access import Caller
from ..core.accounts import project_account


def server_url(slug: str) -> str:
    return f"/user/{project_account(slug)}/"


class ProjectCatalog:
    def __init__(self):
        self._projects: dict[str, dict] = {}

    def load(self, session) -> None:
        self._projects = {}
        for project in registry.projects_by_slugs(session, registry.all_slugs(session)):
            self.add(registry.serialize_project(project))

    def add(self, project: dict) -> dict:
        project = {**project, "server_url": server_url(project["slug"])}
        self._projects[project["slug"]] = project
        return project

    def get(self, slug: str) -> dict | None:
        return self._projects.get(slug)

    def visible_to(self, caller: Caller) -> frozenset[str]:
        return frozenset(
            slug
            for slug, project in self._projects.items()
            if slug == caller.project or caller.can_see(project["teams"])
        )

    def listed_for(self, caller: Caller, presence=None) -> list[dict]:
        projects = [self._projects[s] for s in sorted(self.visible_to(caller))]
        if presence is None:
            return projects
        return [{**p, "active": presence.active(p["slug"])} for p in projects]
