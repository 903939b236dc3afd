"""Hub settings derived from a :class:`Deployment`: groups, roles, scopes, the service.

Kept apart from ``jupyterhub_config.py`` so the same rules serve the demo, a single machine and
Kubernetes, and so tests can check them without starting a hub.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..core import accounts
from .settings import Deployment

SERVICE_NAME = "moiety"
LEAD_SCOPE = "custom:moiety:lead"
REPORT_SCOPE = "custom:moiety:report"

CUSTOM_SCOPES = {
    LEAD_SCOPE: {
        "description": "Lead a team in Moiety: review all its projects, create projects, digests.",
    },
    REPORT_SCOPE: {
        "description": "Report file activity of a project server to the Moiety service.",
    },
}

SERVICE_SCOPES = [
    "read:users:name",
    f"access:servers!group={accounts.ALL_PROJECTS_GROUP}",
    "read:users:activity",
    "read:groups",
    "groups",
    "admin:users",
    f"servers!group={accounts.ALL_PROJECTS_GROUP}",
    f"read:servers!group={accounts.ALL_PROJECTS_GROUP}",
]
"""What the service's own token may do (least privilege; the README lists why each is needed)."""


def load_groups(deployment: Deployment) -> dict:
    groups = {
        accounts.ALL_PROJECTS_GROUP: {
            "users": [p.account for p in deployment.projects],
            "properties": {accounts.GROUP_KIND: accounts.PROJECTS},
        }
    }
    for team in deployment.teams:
        groups[team.name] = {
            "users": sorted(set(team.members) | set(team.leads)),
            "properties": {accounts.GROUP_KIND: accounts.TEAM},
        }
        groups[accounts.leads_group(team.name)] = {
            "users": list(team.leads),
            "properties": {accounts.GROUP_KIND: accounts.LEADS, "team": team.name},
        }
        groups[accounts.projects_group(team.name)] = {
            "users": [p.account for p in deployment.projects if team.name in p.teams],
            "properties": {accounts.GROUP_KIND: accounts.PROJECT_ACCESS, "team": team.name},
        }
    return groups


def load_roles(deployment: Deployment) -> list[dict]:
    roles = [
        {
            "name": "user",
            "description": "Everyone: their own things, and the Moiety service.",
            "scopes": ["self", f"access:services!service={SERVICE_NAME}"],
        },
        {
            "name": "moiety-service",
            "description": "The Moiety service's own token.",
            "scopes": SERVICE_SCOPES,
            "services": [SERVICE_NAME],
        },
        {
            "name": "moiety-project-server",
            "description": "Project accounts: their servers report activity to Moiety.",
            "scopes": [f"{REPORT_SCOPE}!user"],
            "groups": [accounts.ALL_PROJECTS_GROUP],
        },
    ]
    for team in deployment.teams:
        access = accounts.projects_group(team.name)
        roles.append(
            {
                "name": f"moiety-team-{team.name}",
                "description": f"Members and leads of {team.name} use its project servers.",
                "scopes": [f"access:servers!group={access}", f"read:servers!group={access}"],
                "groups": [team.name, accounts.leads_group(team.name)],
            }
        )
        roles.append(
            {
                "name": f"moiety-lead-{team.name}",
                "description": f"Leads of {team.name}.",
                "scopes": [f"{LEAD_SCOPE}!group={team.name}"],
                "groups": [accounts.leads_group(team.name)],
            }
        )
    return roles


def server_token_scopes(spawner) -> list[str]:
    """Scopes of a single-user server's token; the hub keeps only those its owner holds."""
    return [
        "access:servers!server",
        "users:activity!user",
        f"access:services!service={SERVICE_NAME}",
        f"{REPORT_SCOPE}!user",
    ]


def service_spec(deployment: Deployment, environment: dict[str, str]) -> dict:
    return {
        "name": SERVICE_NAME,
        "url": f"http://127.0.0.1:{deployment.service_port}",
        "command": [sys.executable, "-m", "moiety.service"],
        "environment": environment,
        "oauth_no_confirm": True,
        "display": False,
        "info": {"about": "Moiety: feed, threads, projects and chemistry for your teams"},
    }


def service_environment(deployment: Deployment) -> dict[str, str]:
    """What the service process needs to know about the deployment."""
    return {
        "MOIETY_CONFIG": str(deployment.config_path),
        "MOIETY_DATA_DIR": str(deployment.data_dir),
        "MOIETY_DB_URL": deployment.service_db_url,
        "MOIETY_PROJECTS_ROOT": str(deployment.projects_root),
        "MOIETY_SERVICE_PORT": str(deployment.service_port),
    }


class TrustedOAuthClients:
    """The hub's ``oauth_no_confirm_list``: clients whose "Authorize access" page is skipped.

    The Moiety service, and every project server (``jupyterhub-user-project-<slug>``, also those
    created after the hub started). Project servers run Moiety's own code for the project's
    teams, and the hub already lets in only those teams, so asking people to consent to their
    own project on first visit adds a confusing page and no protection.
    """

    prefix = f"jupyterhub-user-{accounts.PROJECT_ACCOUNT_PREFIX}"

    def __init__(self, services: set[str]):
        self.services = set(services)

    def __contains__(self, client_id: object) -> bool:
        return isinstance(client_id, str) and (
            client_id in self.services or client_id.startswith(self.prefix)
        )

    def __iter__(self):
        return iter(self.services)


def server_environment(deployment: Deployment) -> dict[str, str]:
    """What every single-user server (and its kernels) needs to reach the service.

    ``MOIETY_SERVER_*`` variables of the hub's environment pass through, so a deployment (or a
    test) can tune the server extension without editing this file.
    """
    passed = {k: v for k, v in os.environ.items() if k.startswith("MOIETY_SERVER_")}
    return passed | {
        "MOIETY_SERVICE_API_URL": (
            f"http://127.0.0.1:{deployment.service_port}/services/{SERVICE_NAME}/api/"
        ),
        "MOIETY_SERVICE_PREFIX": f"/services/{SERVICE_NAME}/",
        "MOIETY_AUTHOR_EMAIL": deployment.author_email_template,
    }


def proxy_command(repo_root: Path) -> list[str] | None:
    """The configurable-http-proxy installed into the repository by ``make``, if present."""
    local = repo_root / "node_modules" / ".bin" / "configurable-http-proxy"
    return [str(local)] if local.exists() else None
