"""HTTP handlers of the server extension, at ``<server>/moiety/api/...``: the shared base and
the health check. The project endpoints are in :mod:`.project_handlers`.

Every failure answers ``{"error": code, "message": sentence}``: the core's errors carry their
own status (4xx for anything a caller can fix), tornado's and jupyter_server's errors keep
theirs, anything else is a 500 whose details stay in the server log.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web

from .. import __version__
from ..core.errors import MoietyError, NotFound, TooLarge
from ..core.repo.errors import RepoError

MAX_BODY = 64 * 1024


class MoietyHandler(ExtensionHandlerMixin, APIHandler):
    auth_resource = "contents"
    """The hub's authorizer checks ``access:servers`` for every resource; in a plain Jupyter
    server, reading and changing versions needs the same permissions as the files."""

    @property
    def moiety(self):
        return self.extensionapp

    @property
    def user_name(self) -> str:
        return self.current_user.username

    def project_only(self):
        """The project's services; 404 in a personal server."""
        project = self.moiety.project_services
        if project is None:
            raise NotFound(
                "This is not a project server: versions and activity exist only in the servers "
                "of projects (open the project from the Moiety panel).",
                code="not-a-project-server",
            )
        return project

    def json_body(self) -> dict:
        if len(self.request.body) > MAX_BODY:
            raise TooLarge(f"The request body is larger than {MAX_BODY // 1024} KiB.")
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError as exc:
            raise MoietyError(
                f"The request body is not valid JSON: {exc}", code="bad-json"
            ) from None
        if not isinstance(body, dict):
            raise MoietyError("The request body must be a JSON object.", code="invalid")
        return body

    def write_json(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(data))

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MoietyError | RepoError):
            code, message = exc.code, exc.message
        elif isinstance(exc, web.HTTPError):
            code = HTTPStatus(status_code).phrase.lower().replace(" ", "-")
            message = exc.log_message % exc.args if exc.log_message and exc.args else None
            message = message or exc.log_message or HTTPStatus(status_code).description
        else:
            code, message = "server-error", "Moiety failed to answer; the server log has details."
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"error": code, "message": message}))

    def send_error(self, status_code=500, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MoietyError | RepoError):
            status_code = exc.status
        super().send_error(status_code, **kwargs)

    def log_exception(self, typ, value, tb):
        if isinstance(value, MoietyError | RepoError) and value.status < 500:
            self.log.info(
                "%s %s: %s %s", self.request.method, self.request.path, value.status, value.code
            )
        else:
            super().log_exception(typ, value, tb)


class HealthHandler(MoietyHandler):
    @web.authenticated
    def get(self):
        """Anyone the server lets in (the hub checked ``access:servers``)."""
        project = self.moiety.project or None
        self.finish(
            json.dumps(
                {
                    "name": "moiety",
                    "version": __version__,
                    "service_url": self.moiety.service_prefix,
                    "user": self.user_name,
                    "server_kind": "project" if project else "personal",
                    "project": project,
                }
            )
        )


default_handlers = [(r"/moiety/api/health", HealthHandler)]
