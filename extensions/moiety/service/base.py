"""What every service handler shares: hub authentication, JSON in and out, errors."""

from __future__ import annotations

import json
from http import HTTPStatus

import jsonschema
from jupyterhub.services.auth import HubOAuthenticated
from tornado import web
from tornado.log import app_log

from ..core.access import Caller, Directory
from ..core.errors import InvalidInput, MoietyError, NotFound, NotLoggedIn, TooLarge

MAX_REQUEST = 64 * 1024
"""The largest JSON request body a person's request may have: a post or comment of nearly
64 KiB of text fits with its envelope; past that the answer is a 413 naming the limit. Only
``POST /events`` from project servers takes more (:data:`.handlers.events.MAX_EVENT_REQUEST`)."""


class BaseHandler(HubOAuthenticated, web.RequestHandler):
    """Authenticates through the hub in ``prepare`` without blocking the event loop."""

    caller: Caller | None = None

    @property
    def moiety(self):
        return self.settings["moiety"]

    async def prepare(self):
        model = await self.hub_auth.get_user(self, sync=False)
        self._hub_auth_user_cache = None
        if model:
            try:
                self._hub_auth_user_cache = self.check_hub_user(model)
            except web.HTTPError:
                raise
            except Exception:
                self._hub_auth_user_cache = None
        user = self._hub_auth_user_cache
        if user:
            directory = await self.moiety.directory.get()
            self.caller = directory.caller(
                user["name"], admin=bool(user.get("admin")), scopes=user.get("scopes", ())
            )

    def get_current_user(self):
        return getattr(self, "_hub_auth_user_cache", None)

    def set_default_headers(self):
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")


class APIHandler(BaseHandler):
    """JSON API: every answer is JSON, every failure ``{"error", "message"}`` with a 4xx."""

    requires_login = True
    max_request = MAX_REQUEST
    """Bytes of request body :meth:`json_body` accepts; larger ones answer 413."""

    async def prepare(self):
        await super().prepare()
        if self.requires_login and self.caller is None:
            raise NotLoggedIn(
                "You are not logged in to Moiety: log in to the hub, or send a hub API token "
                "in the Authorization header."
            )

    def directory_now(self) -> Directory:
        """Membership as last read from the hub (``prepare`` refreshed it if it was stale)."""
        return self.moiety.directory.current

    def visible_now(self) -> frozenset[str]:
        """Slugs the caller may see, by the latest membership this process knows."""
        caller = self.directory_now().caller(
            self.caller.name, admin=self.caller.admin, scopes=self.caller.scopes
        )
        return self.moiety.catalog.visible_to(caller)

    async def visible_projects(self) -> frozenset[str]:
        await self.moiety.directory.get()
        return self.visible_now()

    async def visible_project(self, slug: object) -> dict:
        """The project if the caller may see it; 404 otherwise, so existence does not leak."""
        project = self.moiety.catalog.get(slug) if isinstance(slug, str) else None
        if project is None or slug not in await self.visible_projects():
            raise NotFound(f"There is no project {slug!r} that you can see.", code="no-project")
        return project

    def query_lists(self, known: set[str]) -> dict[str, list[str]]:
        """Query arguments as name -> values, refusing names this endpoint does not know."""
        unknown = sorted(set(self.request.query_arguments) - known)
        if unknown:
            raise InvalidInput(
                f"Unknown query argument {unknown[0]!r}; this endpoint takes "
                f"{', '.join(sorted(known))}.",
                code="unknown-argument",
            )
        return {name: self.get_query_arguments(name) for name in self.request.query_arguments}

    def json_body(self, schema: dict) -> dict:
        """The request body parsed and checked against ``schema`` (a JSON Schema)."""
        size = len(self.request.body)
        if size > self.max_request:
            raise TooLarge(
                f"The request body is {_kib(size)} KiB; Moiety takes at most "
                f"{self.max_request // 1024} KiB here. Shorten the text, or put large content "
                "in a file of the project and link to it."
            )
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError as e:
            raise MoietyError(f"The request body is not valid JSON: {e}", code="bad-json") from None
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(schema).iter_errors(body)
        )
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path)
            prefix = f"Field '{where}': " if where else ""
            raise MoietyError(prefix + error.message, code="invalid")
        return body

    def write_json(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(data, default=str))

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MoietyError):
            code, message = exc.code, exc.message
        elif isinstance(exc, web.HTTPError):
            code = HTTPStatus(status_code).phrase.lower().replace(" ", "-")
            message = (
                exc.log_message % exc.args if exc.log_message and exc.args else exc.log_message
            )
            message = message or HTTPStatus(status_code).description
        else:
            code, message = "server-error", "Moiety failed to answer; the service log has details."
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"error": code, "message": message}))

    def send_error(self, status_code=500, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MoietyError):
            status_code = exc.status
        super().send_error(status_code, **kwargs)

    def not_found(self, what: str) -> NotFound:
        return NotFound(f"No {what} that you can see.")

    def log_exception(self, typ, value, tb):
        if isinstance(value, MoietyError):
            app_log.info(
                "%s %s: %s %s", self.request.method, self.request.path, value.status, value.code
            )
        else:
            super().log_exception(typ, value, tb)


def _kib(size: int) -> str:
    """``size`` bytes in KiB, rounded up, so a body just over the limit does not read as it."""
    return f"{-(-size // 1024):,}"
