"""HTTP handlers of the server extension, at ``<server>/moiety/api/...``."""

from __future__ import annotations

import json

from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web

from .. import __version__


class MoietyHandler(ExtensionHandlerMixin, APIHandler):
    @property
    def moiety(self):
        return self.extensionapp

    @property
    def user_name(self) -> str:
        return self.current_user.username


class HealthHandler(MoietyHandler):
    @web.authenticated
    def get(self):
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
