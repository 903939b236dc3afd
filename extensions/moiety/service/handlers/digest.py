"""``GET /digest?team=&since=&format=json|md``: a team's digest, for its leads and admins.

Members of the team get 403, people outside it 404 (as for an unknown team); ``since`` is a
date, a date and time, or a span back from now (``7d``, the default, or ``24h``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...core import digest, digest_markdown
from ...core.digest_period import parse_since, require_lead
from ...core.errors import InvalidInput, NotFound
from ..base import APIHandler
from .notifications import single

FORMATS = {"json": "json", "md": "md", "markdown": "md"}


class DigestHandler(APIHandler):
    async def get(self):
        arguments = self.query_lists({"team", "since", "format"})
        team = single(self, arguments, "team")
        if not team:
            raise InvalidInput("Name the team: ?team=<team>.", code="invalid")
        require_lead(self.caller, team, "digest")
        kind = FORMATS.get((single(self, arguments, "format") or "json").lower())
        if kind is None:
            raise InvalidInput("'format' is json or md (markdown).", code="invalid")
        now = datetime.now(UTC)
        since = parse_since(single(self, arguments, "since"), now)
        found = await self.moiety.storage.read(
            digest.build_digest, team=team, since=since, until=now
        )
        if team not in self.directory_now().teams and not found["projects"]:
            raise NotFound(f"There is no team {team!r}.", code="no-team")
        if kind == "json":
            self.write_json(found)
            return
        self.set_header("Content-Type", "text/markdown; charset=UTF-8")
        self.finish(digest_markdown.render(found))


default_handlers = [(r"api/digest", DigestHandler)]
