"""Hub accounts that stand for projects, and the hub groups that carry team access.

A project is a collaboration account (JupyterHub's "real-time collaboration without
impersonation" pattern): kernels run as the project, never as a person. Team members reach its
server through a role scoped to the group ``<team>-projects`` that the account belongs to.
"""

PROJECT_ACCOUNT_PREFIX = "project-"
ALL_PROJECTS_GROUP = "moiety-projects"

GROUP_KIND = "moiety"
TEAM = "team"
LEADS = "leads"
PROJECT_ACCESS = "project-access"
PROJECTS = "projects"


def project_account(slug: str) -> str:
    return f"{PROJECT_ACCOUNT_PREFIX}{slug}"


def is_project_account(name: str) -> bool:
    return name.startswith(PROJECT_ACCOUNT_PREFIX)


def slug_of_account(name: str) -> str | None:
    return name[len(PROJECT_ACCOUNT_PREFIX) :] if is_project_account(name) else None


def leads_group(team: str) -> str:
    return f"{team}-leads"


def projects_group(team: str) -> str:
    return f"{team}-projects"
