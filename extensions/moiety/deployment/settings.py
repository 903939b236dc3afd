"""Read ``moiety.toml`` and the documented ``MOIETY_*`` environment overrides.

The hub config, the service and the CLI all describe one deployment; this module is the single
place that reads it, so the three never disagree about a path or a port.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.accounts import project_account

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CONFIG = REPO_ROOT / "hub_config" / "moiety.toml"

AUTHENTICATORS = {"dummy", "native", "pam"}
SPAWNERS = {"simple", "local", "kubernetes"}


class DeploymentError(ValueError):
    """The deployment description is inconsistent; the message says what to fix."""


@dataclass(frozen=True)
class Team:
    name: str
    members: tuple[str, ...]
    leads: tuple[str, ...]


@dataclass(frozen=True)
class ProjectSeed:
    slug: str
    title: str
    teams: tuple[str, ...]
    description: str = ""
    template: str = "default"
    content: str | None = None

    @property
    def account(self) -> str:
        return project_account(self.slug)


@dataclass(frozen=True)
class Deployment:
    """Everything the hub config, the service and the CLI need to agree on."""

    config_path: Path
    data_dir: Path
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    service_port: int = 10101
    authenticator: str = "dummy"
    spawner: str = "simple"
    demo_password: str = "moiety"  # noqa: S105 -- the documented demo default
    db_url: str = ""
    hub_db_url: str = ""
    admins: tuple[str, ...] = ("admin",)
    teams: tuple[Team, ...] = ()
    projects: tuple[ProjectSeed, ...] = ()
    public_url: str = ""
    idle_timeout: int = 3600
    author_email_template: str = "{name}@users.moiety.invalid"
    extra: dict = field(default_factory=dict)

    @property
    def projects_root(self) -> Path:
        return self.data_dir / "projects"

    @property
    def home_root(self) -> Path:
        return self.data_dir / "home"

    @property
    def service_db_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'moiety.sqlite'}"

    @property
    def people(self) -> list[str]:
        names = list(self.admins)
        for team in self.teams:
            names.extend(team.members)
            names.extend(team.leads)
        return sorted(set(names))


def _env(name: str, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            raise DeploymentError(f"{name} must be a whole number, got {value!r}") from None
    return value


def _names(values, where: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise DeploymentError(f"{where} must be a list of user names")
    return tuple(values)


def _teams(raw: dict) -> tuple[Team, ...]:
    teams = []
    for name, spec in raw.items():
        teams.append(
            Team(
                name=name,
                members=_names(spec.get("members", []), f"teams.{name}.members"),
                leads=_names(spec.get("leads", []), f"teams.{name}.leads"),
            )
        )
    return tuple(teams)


def _projects(raw: dict, team_names: set[str]) -> tuple[ProjectSeed, ...]:
    projects = []
    for slug, spec in raw.items():
        teams = _names(spec.get("teams", []), f"projects.{slug}.teams")
        unknown = sorted(set(teams) - team_names)
        if not teams or unknown:
            raise DeploymentError(
                f"projects.{slug}.teams must name teams defined under [teams]; unknown: {unknown}"
            )
        projects.append(
            ProjectSeed(
                slug=slug,
                title=spec.get("title", slug),
                teams=teams,
                description=spec.get("description", ""),
                template=spec.get("template", "default"),
                content=spec.get("content"),
            )
        )
    return tuple(projects)


def load_deployment(config_path: str | os.PathLike | None = None) -> Deployment:
    """The deployment from ``moiety.toml`` (``MOIETY_CONFIG``) with environment overrides."""
    path = Path(config_path or _env("MOIETY_CONFIG", str(DEFAULT_CONFIG))).resolve()
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise DeploymentError(f"No Moiety configuration at {path}; set MOIETY_CONFIG") from None
    except tomllib.TOMLDecodeError as e:
        raise DeploymentError(f"{path} is not valid TOML: {e}") from None
    hub = raw.get("hub", {})
    teams = _teams(raw.get("teams", {}))
    deployment = Deployment(
        config_path=path,
        data_dir=Path(_env("MOIETY_DATA_DIR", hub.get("data_dir", "var/demo"))).resolve(),
        ip=_env("MOIETY_IP", hub.get("ip", "127.0.0.1")),
        port=_env("MOIETY_PORT", hub.get("port", 8000)),
        hub_port=_env("MOIETY_HUB_PORT", hub.get("hub_port", 8081)),
        proxy_api_port=_env("MOIETY_PROXY_API_PORT", hub.get("proxy_api_port", 8001)),
        service_port=_env("MOIETY_SERVICE_PORT", hub.get("service_port", 10101)),
        authenticator=_env("MOIETY_AUTHENTICATOR", hub.get("authenticator", "dummy")),
        spawner=_env("MOIETY_SPAWNER", hub.get("spawner", "simple")),
        demo_password=_env("MOIETY_DEMO_PASSWORD", "moiety"),
        db_url=_env("MOIETY_DB_URL", hub.get("db_url", "")),
        hub_db_url=_env("MOIETY_HUB_DB_URL", hub.get("hub_db_url", "")),
        admins=_names(hub.get("admins", ["admin"]), "hub.admins"),
        teams=teams,
        projects=_projects(raw.get("projects", {}), {t.name for t in teams}),
        public_url=_env("MOIETY_PUBLIC_URL", hub.get("public_url", "")),
        idle_timeout=_env("MOIETY_IDLE_TIMEOUT", hub.get("idle_timeout", 3600)),
        author_email_template=hub.get("author_email", "{name}@users.moiety.invalid"),
        extra=raw.get("k8s", {}),
    )
    if deployment.authenticator not in AUTHENTICATORS:
        raise DeploymentError(f"authenticator must be one of {sorted(AUTHENTICATORS)}")
    if deployment.spawner not in SPAWNERS:
        raise DeploymentError(f"spawner must be one of {sorted(SPAWNERS)}")
    return deployment
