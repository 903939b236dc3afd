"""``moiety doctor``: check a deployment and say what to fix, one line per check.

Each check answers OK, WARN or FAIL with a remedy; the command exits 0 when all are OK, 1 when
the worst is a WARN, 2 when anything FAILs. Checks that need what was not given (an admin's
token, the data directory on this machine) say so as a WARN rather than passing silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from .http import Fetcher
from .layout import DataLayout

OK, WARN, FAIL = "OK", "WARN", "FAIL"


@dataclass(frozen=True)
class Check:
    status: str
    name: str
    detail: str
    remedy: str = ""

    def line(self) -> str:
        text = f"{self.status:<4}  {self.name}: {self.detail}"
        if self.remedy and self.status != OK:
            text += f" -> {self.remedy}"
        return text

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "name": self.name,
            "detail": self.detail,
            "remedy": self.remedy,
        }


def exit_code(checks: list[Check]) -> int:
    statuses = {check.status for check in checks}
    return 2 if FAIL in statuses else 1 if WARN in statuses else 0


class Doctor:
    """Runs every check against the hub at ``hub_url`` and the local ``layout`` (if any)."""

    def __init__(
        self,
        hub_url: str,
        layout: DataLayout | None,
        token: str | None = None,
        timeout: float = 10,
    ):
        self.hub_url = hub_url.rstrip("/")
        self.layout = layout
        self.fetch = Fetcher(token, timeout)

    def run(self) -> list[Check]:
        from . import doctor_hub, doctor_local

        hub = doctor_hub.HubChecks(self.hub_url, self.fetch)
        checks = hub.reachable()
        checks.append(hub.service())
        checks.append(doctor_local.database(self.layout))
        checks.append(hub.proxy_routes())
        checks.append(hub.project_servers())
        checks += doctor_local.repositories(self.layout)
        checks.append(doctor_local.disk(self.layout))
        return checks
