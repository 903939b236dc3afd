"""Who may see and do what, decided from hub membership (teams are hub groups).

Plain data in, plain answers out: the service fills a :class:`Directory` from the hub's groups
and asks it about a :class:`Caller`; no request or database objects here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import accounts


@dataclass(frozen=True)
class Directory:
    """Teams, their members and leads, and project accounts, as the hub has them now."""

    members: dict[str, frozenset[str]] = field(default_factory=dict)
    leads: dict[str, frozenset[str]] = field(default_factory=dict)
    project_accounts: frozenset[str] = frozenset()

    @classmethod
    def from_hub_groups(cls, groups: Iterable[dict]) -> Directory:
        members: dict[str, frozenset[str]] = {}
        leads: dict[str, frozenset[str]] = {}
        project_accounts: set[str] = set()
        for group in groups:
            props = group.get("properties") or {}
            kind = props.get(accounts.GROUP_KIND)
            users = frozenset(group.get("users") or ())
            if kind == accounts.TEAM:
                members[group["name"]] = users
            elif kind == accounts.LEADS and props.get("team"):
                leads[props["team"]] = users
            elif kind == accounts.PROJECTS:
                project_accounts |= users
        leads = {team: names for team, names in leads.items() if team in members}
        return cls(members=members, leads=leads, project_accounts=frozenset(project_accounts))

    @property
    def teams(self) -> list[str]:
        return sorted(self.members)

    def teams_of(self, name: str) -> list[str]:
        return sorted(t for t, names in self.members.items() if name in names)

    def teams_led_by(self, name: str) -> list[str]:
        return sorted(t for t, names in self.leads.items() if name in names)

    def people_of(self, teams: Iterable[str]) -> set[str]:
        """Members and leads of the given teams: who may be mentioned in their projects."""
        people: set[str] = set()
        for team in teams:
            people |= self.members.get(team, frozenset())
            people |= self.leads.get(team, frozenset())
        return people

    def caller(self, name: str, *, admin: bool = False, scopes: Iterable[str] = ()) -> Caller:
        return Caller(
            name=name,
            admin=admin,
            teams=frozenset(self.teams_of(name)),
            lead_of=frozenset(self.teams_led_by(name)),
            project=accounts.slug_of_account(name) if name in self.project_accounts else None,
            scopes=frozenset(scopes),
        )


@dataclass(frozen=True)
class Caller:
    """The authenticated person (or project server) making a request."""

    name: str
    admin: bool = False
    teams: frozenset[str] = frozenset()
    lead_of: frozenset[str] = frozenset()
    project: str | None = None
    scopes: frozenset[str] = frozenset()

    def can_see(self, project_teams: Iterable[str]) -> bool:
        if self.admin:
            return True
        teams = set(project_teams)
        return bool(teams & (self.teams | self.lead_of))

    def leads_all(self, teams: Iterable[str]) -> bool:
        """Admins, or leads of every one of ``teams``: may create projects for them."""
        teams = list(teams)
        return self.admin or (bool(teams) and all(t in self.lead_of for t in teams))

    def moderates(self, project_teams: Iterable[str]) -> bool:
        """Admins and leads of one of the project's teams may remove others' words."""
        return self.admin or bool(set(project_teams) & self.lead_of)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "teams": sorted(self.teams | self.lead_of),
            "lead_of": sorted(self.lead_of),
            "admin": self.admin,
        }
