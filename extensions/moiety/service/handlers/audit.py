"""``GET /audit``: the audit trail, newest first, as JSON or CSV; read-only (append-only).

Filters: ``project``, ``team``, ``action``, ``since`` and ``until`` (dates, dates and times,
or spans back from now; a date as ``until`` includes that day), ``limit`` and ``before`` (the
previous page's ``next``). Leads read the entries of their teams' projects and their teams'
membership; admins read everything; others get 403. A project the caller cannot see is 404, a
team the caller is not in too; one they are in but do not lead is 403.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...core import audit
from ...core.digest_period import parse_moment, require_lead
from ...core.errors import Forbidden, InvalidInput
from ..base import APIHandler
from .notifications import single

ARGUMENTS = {"project", "team", "since", "until", "action", "format", "limit", "before"}
CSV_LIMIT = audit.MAX_LIMIT


class AuditHandler(APIHandler):
    async def get(self):
        arguments = self.query_lists(ARGUMENTS)
        values = {name: single(self, arguments, name) for name in ARGUMENTS}
        caller = self.caller
        if not caller.admin and not caller.lead_of:
            raise Forbidden(
                "Only team leads and admins can read the audit trail.", code="not-a-lead"
            )
        kind = (values["format"] or "json").lower()
        if kind not in ("json", "csv"):
            raise InvalidInput(f"'format' is json or csv, not {kind!r}.", code="invalid")
        now = datetime.now(UTC)
        query = audit.AuditQuery(
            project=values["project"],
            team=values["team"],
            action=values["action"],
            since=_moment("since", values["since"], now),
            until=_moment("until", values["until"], now),
        )
        limit = audit.parse_limit(
            values["limit"], CSV_LIMIT if kind == "csv" else audit.DEFAULT_LIMIT
        )
        if query.project is not None:
            project = await self.visible_project(query.project)
            if not caller.moderates(project["teams"]):
                raise Forbidden(
                    "Only leads of the project's teams and admins can read its audit trail.",
                    code="not-a-lead",
                )
        if query.team is not None:
            require_lead(caller, query.team, "audit trail")
        items, cursor = await self.moiety.storage.read(
            audit.read_page,
            query,
            lead_of=None if caller.admin else caller.lead_of,
            before=values["before"],
            limit=limit,
            secret=self.moiety.cursor_secret,
        )
        if kind == "json":
            self.write_json({"items": items, "next": cursor})
            return
        self.set_header("Content-Type", "text/csv; charset=UTF-8")
        self.set_header("Content-Disposition", 'attachment; filename="moiety-audit.csv"')
        if cursor is not None:
            self.set_header("X-Moiety-Next", cursor)
        self.finish(audit.to_csv(items))


def _moment(name: str, value: str | None, now: datetime) -> datetime | None:
    if value is None:
        return None
    return parse_moment(name, value, now, end_of_day=name == "until")


default_handlers = [(r"api/audit", AuditHandler)]
