"""Making projects real: the registry entry, the hub account and access, the repository.

Every step is idempotent, so a creation interrupted half-way (a crash, a hub that was down)
completes when it is tried again, and the demo seeding at each start costs nothing once done.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from ..core import accounts
from ..core import projects as registry
from ..core.errors import Conflict
from ..core.events import serialize_event
from ..core.repo import create as repos
from ..core.repo.errors import ProjectExists as RepoExists
from ..core.repo.git import head_commit
from ..store.models import Event


class ProjectSetup:
    def __init__(self, app):
        self.app = app

    @property
    def projects_root(self) -> Path | None:
        return Path(self.app.projects_root) if self.app.projects_root else None

    async def grant_access(self, slug: str, teams: list[str]) -> None:
        account = accounts.project_account(slug)
        hub = self.app.hub
        await hub.create_user(account)
        await hub.add_to_group(accounts.ALL_PROJECTS_GROUP, [account])
        for team in teams:
            await hub.add_to_group(accounts.projects_group(team), [account])
        self.app.directory.invalidate()

    async def make_repository(self, slug: str, template: str, content: str | None) -> None:
        """Create the repository when this machine holds the projects (the embedded hub);
        otherwise the project server creates it at its first start."""
        root = self.projects_root
        if root is None or head_commit_or_none(root / slug):
            return

        def create():
            shared = repos.shared_projects_dir()
            overlays = (shared / content,) if content else ()
            try:
                repos.create_project_repo(
                    root,
                    slug,
                    repos.template_dir(template, shared),
                    repos.SYSTEM_NAME,
                    repos.SYSTEM_EMAIL,
                    overlays=overlays,
                )
            except RepoExists:
                if not head_commit_or_none(root / slug):
                    raise

        await asyncio.get_running_loop().run_in_executor(None, create)

    async def create(
        self,
        *,
        slug: str,
        title: str,
        teams: list[str],
        created_by: str,
        description: str = "",
        template: str = "default",
        content: str | None = None,
        exist_ok: bool = False,
    ) -> dict:
        existing = self.app.catalog.get(slug)
        if existing is not None:
            if exist_ok:
                return existing
            raise Conflict(
                f"A project {slug!r} already exists; choose another slug.", code="project-exists"
            )
        repos.template_dir(template)
        await self.grant_access(slug, teams)
        await self.make_repository(slug, template, content)
        project = await self.app.storage.write(
            _register,
            slug=slug,
            title=title,
            teams=teams,
            created_by=created_by,
            description=description,
            template=template,
        )
        return self.app.catalog.add(project)

    async def seed(self, seeds) -> None:
        """Create the projects ``moiety.toml`` lists, if they do not exist yet."""
        for seed in seeds:
            await self.create(
                slug=seed.slug,
                title=seed.title,
                teams=list(seed.teams),
                description=seed.description,
                template=seed.template,
                content=seed.content,
                created_by=registry.DEPLOYMENT_ACTOR,
                exist_ok=True,
            )

    async def start(self, slug: str, timeout: float = 60) -> bool:
        """Start the project's server if needed; True once it is ready."""
        account = accounts.project_account(slug)
        await self.app.hub.start_server(account)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            user = await self.app.hub.user(account) or {}
            server = (user.get("servers") or {}).get("", {})
            if server.get("ready"):
                return True
            if asyncio.get_running_loop().time() > deadline:
                return False
            if not server.get("pending") and not server.get("ready"):
                await self.app.hub.start_server(account)
            await asyncio.sleep(0.5)


def head_commit_or_none(path: Path) -> str | None:
    if not (path / ".git").is_dir():
        return None
    return head_commit(path)


def _register(session, *, published, **fields) -> dict:
    project = registry.create_project(session, **fields)
    created = session.scalars(
        select(Event).where(Event.project == project.slug, Event.kind == "project.created")
    ).first()
    published.append(serialize_event(created))
    return registry.serialize_project(project)
