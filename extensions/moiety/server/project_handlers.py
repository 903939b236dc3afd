"""The project endpoints: snapshot, history, diff, restore, comment anchors, activity status.

All of them are for whoever the hub lets into the project server (members and leads of the
project's teams, and the service with its own token): ``@web.authenticated`` plus
jupyter_server's ``@authorized`` (the hub's authorizer checks ``access:servers`` again).
Commits are authored by the authenticated user. In a personal server they answer 404.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..core.errors import InvalidInput
from ..core.repo.commits import MAX_MESSAGE_CHARS
from ..core.repo.history import MAX_LIMIT
from .handlers import MoietyHandler

MAX_PATHS = 1000


def _text(body: dict, name: str, *, required: bool = True, limit: int = 4096) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"Field '{name}' is required and must be non-empty text.")
    if len(value) > limit:
        raise InvalidInput(f"Field '{name}' is longer than {limit} characters.")
    return value


def _known_fields(body: dict, known: set[str]) -> None:
    unknown = sorted(set(body) - known)
    if unknown:
        raise InvalidInput(
            f"Unknown field {unknown[0]!r}; this endpoint takes {', '.join(sorted(known))}.",
            code="unknown-field",
        )


class ProjectHandler(MoietyHandler):
    def query(self, known: set[str]) -> dict[str, str]:
        """Query arguments by name, each given at most once; unknown names are refused.

        A bare number is JupyterLab's cache-buster (``ServerConnection`` adds one to GETs) and
        is passed over."""
        given_names = {n for n in self.request.query_arguments if not n.isdigit()}
        unknown = sorted(given_names - known)
        if unknown:
            raise InvalidInput(
                f"Unknown query argument {unknown[0]!r}; this endpoint takes "
                f"{', '.join(sorted(known))}.",
                code="unknown-argument",
            )
        values = {}
        for name in given_names:
            given = self.get_query_arguments(name)
            if len(given) != 1:
                raise InvalidInput(f"Give the query argument {name!r} once.")
            values[name] = given[0]
        return values

    def number(self, args: dict, name: str, default: int, low: int, high: int) -> int:
        raw = args.get(name)
        if raw is None:
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise InvalidInput(f"{name} must be a whole number from {low} to {high}.")
        return int(raw)


class SnapshotHandler(ProjectHandler):
    @web.authenticated
    @authorized
    async def post(self):
        project = self.project_only()
        body = self.json_body()
        _known_fields(body, {"message", "paths"})
        message = _text(body, "message", limit=MAX_MESSAGE_CHARS)
        paths = body.get("paths")
        if paths is not None:
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise InvalidInput("Field 'paths' must be a list of file or folder paths.")
            if not 1 <= len(paths) <= MAX_PATHS:
                raise InvalidInput(
                    f"Field 'paths' must list 1 to {MAX_PATHS} paths; leave it out to snapshot "
                    "every change."
                )
        answer = await project.versions.snapshot(self.user_name, message, paths)
        self.write_json(answer, status=201 if answer["changed"] else 200)


class HistoryHandler(ProjectHandler):
    @web.authenticated
    @authorized
    async def get(self):
        project = self.project_only()
        args = self.query({"path", "limit", "skip"})
        limit = self.number(args, "limit", 50, 1, MAX_LIMIT)
        skip = self.number(args, "skip", 0, 0, 10**9)
        items = await project.versions.history(args.get("path"), limit, skip)
        more = str(skip + limit) if len(items) == limit else None
        self.write_json({"items": items, "next": more})


class DiffHandler(ProjectHandler):
    @web.authenticated
    @authorized
    async def get(self):
        project = self.project_only()
        args = self.query({"path", "from", "to"})
        if not args.get("path"):
            raise InvalidInput("Give the file to compare as the query argument 'path'.")
        answer = await project.versions.diff(
            args["path"], args.get("from", "HEAD"), args.get("to", "WORKING")
        )
        self.write_json(answer)


class RestoreHandler(ProjectHandler):
    @web.authenticated
    @authorized
    async def post(self):
        project = self.project_only()
        body = self.json_body()
        _known_fields(body, {"path", "commit", "message"})
        path = _text(body, "path")
        commit = _text(body, "commit", limit=255)
        message = _text(body, "message", required=False, limit=MAX_MESSAGE_CHARS)
        answer = await project.versions.restore(self.user_name, path, commit, message)
        self.write_json(answer, status=201 if answer["changed"] else 200)


class AnchorsHandler(ProjectHandler):
    @web.authenticated
    @authorized
    async def get(self):
        """Also for the service's own token: it reads anchors for comment threads."""
        project = self.project_only()
        args = self.query({"path"})
        if not args.get("path"):
            raise InvalidInput("Give the file as the query argument 'path'.")
        self.write_json(await project.versions.anchors(args["path"]))


class ActivityHandler(ProjectHandler):
    @web.authenticated
    @authorized
    async def get(self):
        """The outbox: events waiting for the service, failed tries, the last error."""
        project = self.project_only()
        self.query(set())
        self.write_json(await project.reporter.stats())


default_handlers = [
    (r"/moiety/api/snapshot", SnapshotHandler),
    (r"/moiety/api/history", HistoryHandler),
    (r"/moiety/api/diff", DiffHandler),
    (r"/moiety/api/restore", RestoreHandler),
    (r"/moiety/api/anchors", AnchorsHandler),
    (r"/moiety/api/activity", ActivityHandler),
]
