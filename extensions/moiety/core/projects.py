"""The projects registry: which projects exist, and which teams (hub groups) work on each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..store.models import Project, ProjectTeam
from . import audit
from .errors import Conflict, InvalidInput, NotFound
from .events import isoformat, record_event
from .slugs import validate_slug

MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_TEAM = 255


class InvalidProject(InvalidInput):
    code = "invalid-project"


class ProjectExists(Conflict):
    code = "project-exists"


class ProjectNotFound(NotFound):
    code = "project-not-found"


DEPLOYMENT_ACTOR = "moiety"
"""Who did what the deployment itself does (the projects ``moiety.toml`` lists): not a person."""


def create_project(
    session: Session,
    *,
    slug: str,
    title: str,
    teams: Iterable[str],
    created_by: str,
    description: str = "",
    template: str | None = None,
) -> Project:
    """Register a project and record its ``project.created`` event (the caller commits)."""
    slug = validate_slug(slug)
    project = Project(
        slug=slug,
        title=_text("title", title, MAX_TITLE, required=True),
        description=_text("description", description, MAX_DESCRIPTION),
        created_by=_text("creator", created_by, MAX_TEAM, required=True),
        template=None if template is None else _text("template", template, 64, required=True),
        teams=[ProjectTeam(team=t) for t in _team_names(teams)],
    )
    if session.identity_key(Project, slug) in session.identity_map:
        raise _exists(slug)
    try:
        with session.begin_nested():
            session.add(project)
    except IntegrityError:
        raise _exists(slug) from None
    record_event(
        session,
        kind="project.created",
        project=slug,
        actor=created_by,
        summary=f"created the project {project.title}",
        data={"title": project.title, "teams": project.team_names, "template": template},
    )
    audit.record(
        session,
        action="project.created",
        actor=created_by,
        project=slug,
        target_type="project",
        target_id=slug,
        details={
            "title": project.title,
            "description": project.description,
            "teams": project.team_names,
            "template": template,
        },
    )
    return project


def get_project(session: Session, slug: str) -> Project:
    project = session.get(Project, slug) if isinstance(slug, str) else None
    if project is None:
        raise ProjectNotFound(f"There is no project {slug!r} that you can see.")
    return project


def projects_by_slugs(session: Session, slugs: Iterable[str]) -> list[Project]:
    """The projects among ``slugs`` that exist, ordered by slug."""
    return list(
        session.scalars(select(Project).where(Project.slug.in_(set(slugs))).order_by(Project.slug))
    )


def projects_of_teams(session: Session, teams: Iterable[str]) -> list[Project]:
    """The projects that any of ``teams`` works on, ordered by slug."""
    team_projects = select(ProjectTeam.project_slug).where(ProjectTeam.team.in_(set(teams)))
    return list(
        session.scalars(
            select(Project).where(Project.slug.in_(team_projects)).order_by(Project.slug)
        )
    )


def slugs_of_teams(session: Session, teams: Iterable[str]) -> set[str]:
    """The slugs of the projects ``teams`` work on: what their members may see."""
    query = select(ProjectTeam.project_slug).where(ProjectTeam.team.in_(set(teams)))
    return set(session.scalars(query.distinct()))


def all_slugs(session: Session) -> set[str]:
    """Every project's slug: what an admin may see."""
    return set(session.scalars(select(Project.slug)))


def serialize_project(project: Project) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "title": project.title,
        "description": project.description,
        "teams": project.team_names,
        "created_at": isoformat(project.created_at),
        "created_by": project.created_by,
        "template": project.template,
    }


def _exists(slug: str) -> ProjectExists:
    return ProjectExists(f"A project named {slug!r} already exists; choose another slug.")


def _text(field: str, value: object, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidProject(f"The project's {field} must be text.")
    value = value.strip()
    if required and not value:
        raise InvalidProject(f"A project needs a {field}.")
    if len(value) > limit:
        raise InvalidProject(f"The project's {field} is longer than {limit} characters.")
    return value


def _team_names(teams: Iterable[str]) -> list[str]:
    if isinstance(teams, str):
        raise InvalidProject("A project's teams are a list of team names, not one string.")
    names: dict[str, None] = {}
    for team in teams:
        if (
            not isinstance(team, str)
            or not team
            or team != team.strip()
            or len(team) > MAX_TEAM
            or not team.isprintable()
        ):
            raise InvalidProject(f"{team!r} is not a team name.")
        names.setdefault(team)
    if not names:
        raise InvalidProject("A project needs at least one team to work on it.")
    return sorted(names)
