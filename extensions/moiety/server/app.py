"""Configuration and handler registration of the server extension."""

from __future__ import annotations

import os

from jupyter_server.extension.application import ExtensionApp
from traitlets import Unicode, default

from .. import __version__
from .handlers import default_handlers


class MoietyServer(ExtensionApp):
    name = "moiety"
    load_other_extensions = True

    project = Unicode(
        help="Slug of the project this server serves; empty in personal servers."
    ).tag(config=True)

    @default("project")
    def _project_default(self):
        return os.environ.get("MOIETY_PROJECT", "")

    service_prefix = Unicode(help="Browser-facing URL prefix of the Moiety service.").tag(
        config=True
    )

    @default("service_prefix")
    def _service_prefix_default(self):
        return os.environ.get("MOIETY_SERVICE_PREFIX", "/services/moiety/")

    service_api_url = Unicode(
        help="Direct URL of the service's API, used by this server to report activity."
    ).tag(config=True)

    @default("service_api_url")
    def _service_api_url_default(self):
        return os.environ.get("MOIETY_SERVICE_API_URL", "")

    author_email = Unicode(
        help="E-mail on snapshot commits; {name} is replaced by the hub user's name."
    ).tag(config=True)

    @default("author_email")
    def _author_email_default(self):
        return os.environ.get("MOIETY_AUTHOR_EMAIL", "{name}@users.moiety.invalid")

    def initialize_handlers(self):
        self.handlers.extend(default_handlers)
        self.log.info("Moiety server extension %s (project: %s)", __version__, self.project or "-")
