"""The service process: configuration, start-up and the Tornado application."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import signal
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from sqlalchemy.engine import make_url
from tornado import web
from tornado.httpserver import HTTPServer
from traitlets import Bool, Float, Integer, Unicode, default
from traitlets.config import Application

from .. import __version__
from ..core.chem.depict_cache import DepictionCache
from ..core.chem.depict_pool import DepictionPool
from ..core.presence import Presence
from ..deployment import load_deployment
from ..store.migrate import upgrade
from .catalog import ProjectCatalog
from .directory import CachedDirectory
from .handlers import default_handlers
from .hub_api import HubAPI
from .metrics import ServiceMetrics
from .project_setup import ProjectSetup
from .storage import Storage
from .stream import Broadcaster


class MoietyService(Application):
    name = "moiety-service"
    description = "The Moiety service: projects, feed, threads and chemistry for hub teams."
    version = __version__

    data_dir = Unicode(help="Directory for the service's own files (DB, secrets).").tag(config=True)

    @default("data_dir")
    def _data_dir_default(self):
        return os.environ.get("MOIETY_DATA_DIR", os.path.abspath("var/demo"))

    db_url = Unicode(help="SQLAlchemy URL of the service DB; SQLite in data_dir if empty.").tag(
        config=True
    )

    @default("db_url")
    def _db_url_default(self):
        return os.environ.get("MOIETY_DB_URL") or f"sqlite:///{self.data_dir}/moiety.sqlite"

    projects_root = Unicode(
        help="Where project repositories live, when this machine has them (embedded deployment)."
    ).tag(config=True)

    @default("projects_root")
    def _projects_root_default(self):
        return os.environ.get("MOIETY_PROJECTS_ROOT", "")

    port = Integer(help="Port to listen on (from the hub's JUPYTERHUB_SERVICE_URL).").tag(
        config=True
    )

    @default("port")
    def _port_default(self):
        url = os.environ.get("JUPYTERHUB_SERVICE_URL", "")
        return urlparse(url).port or int(os.environ.get("MOIETY_SERVICE_PORT", "10101"))

    ip = Unicode(
        help="Address to listen on (from JUPYTERHUB_SERVICE_URL: 127.0.0.1 when the hub runs "
        "the service, 0.0.0.0 in its own pod)."
    ).tag(config=True)

    @default("ip")
    def _ip_default(self):
        return urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "")).hostname or "127.0.0.1"

    prefix = Unicode(help="URL prefix the proxy routes to the service.").tag(config=True)

    @default("prefix")
    def _prefix_default(self):
        return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/moiety/")

    hub_api_url = Unicode(help="The hub's REST API.").tag(config=True)

    @default("hub_api_url")
    def _hub_api_url_default(self):
        return os.environ.get("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")

    membership_ttl = Float(
        10.0, help="Seconds hub membership (teams, leads) is cached; changes show within this."
    ).tag(config=True)

    keepalive_seconds = Float(
        15.0, help="Seconds between keep-alive comments on idle live streams (for proxies)."
    ).tag(config=True)

    seed_projects = Bool(
        True, help="Create the projects that moiety.toml lists, if missing, at start."
    ).tag(config=True)

    depict_workers = Integer(
        2, help="Worker processes that draw structures for /api/depict (RDKit runs only there)."
    ).tag(config=True)

    depict_timeout = Float(
        5.0,
        help="Seconds of computation a drawing may take (waiting in the queue does not count); "
        "past it that worker is replaced and the answer is 422.",
    ).tag(config=True)

    depict_cache_size = Integer(
        4096, help="Drawings kept in memory, by canonical structure and size."
    ).tag(config=True)

    auth_cache_seconds = Integer(
        20, help="Seconds the hub's answer about a token or cookie is cached."
    ).tag(config=True)

    def cookie_secret(self) -> bytes:
        path = Path(self.data_dir) / "moiety_cookie_secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return bytes.fromhex(path.read_text().strip())

    config_file_name = Unicode(
        "moiety_service_config.py", help="Config file read from the data directory, if present."
    ).tag(config=True)

    def initialize(self, argv=None):
        super().initialize(argv)
        self.load_config_file(self.config_file_name, path=[self.data_dir])

    def make_app(self) -> web.Application:
        token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
        self.hub = HubAPI(self.hub_api_url, token)
        self.directory = CachedDirectory(self.hub, self.membership_ttl)
        self.catalog = ProjectCatalog()
        self.presence = Presence()
        self.broadcaster = Broadcaster()
        self.projects = ProjectSetup(self)
        self.depiction_pool = DepictionPool(
            workers=self.depict_workers, timeout=self.depict_timeout
        )
        self.depiction_cache = DepictionCache(self.depict_cache_size)
        self.metrics = ServiceMetrics(self)
        secret = self.cookie_secret()
        self.cursor_secret = hashlib.sha256(b"moiety-feed-cursor:" + secret).digest()
        handlers = [
            (url_path_join(self.prefix, "oauth_callback"), HubOAuthCallbackHandler),
            *default_handlers(self.prefix),
        ]
        app = web.Application(
            handlers,
            cookie_secret=secret,
            moiety=self,
            log_function=self.log_request,
        )
        from jupyterhub.services.auth import HubOAuth

        HubOAuth.instance().cache_max_age = self.auth_cache_seconds
        return app

    def log_request(self, handler):
        self.metrics.observe_request(handler)
        status = handler.get_status()
        log = self.log.warning if status >= 500 else self.log.debug
        log(
            "%s %s %s %.1fms",
            status,
            handler.request.method,
            handler.request.path,
            1000 * handler.request.request_time(),
        )

    def open_storage(self) -> Storage:
        """Migrate the service DB to the current schema, then open it."""
        self.log.info("Service DB: %s", make_url(self.db_url).render_as_string(hide_password=True))
        upgrade(self.db_url)
        return Storage(self.db_url)

    async def serve(self):
        app = self.make_app()
        self.storage = self.open_storage()
        self.directory.storage = self.storage
        self.storage.on_commit(self.metrics.counting_events(self.broadcaster.publish))
        await self.storage.read(self.catalog.load)
        if self.seed_projects:
            await self.seed()
        server = HTTPServer(app, xheaders=True)
        server.listen(self.port, self.ip)
        asyncio.get_running_loop().run_in_executor(None, self.depiction_pool.start)
        self.log.info(
            "Moiety service %s listening on %s:%s%s", __version__, self.ip, self.port, self.prefix
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop()
        await asyncio.to_thread(self.depiction_pool.close)
        self.storage.close()
        self.log.info("Moiety service stopped")

    async def seed(self):
        config = os.environ.get("MOIETY_CONFIG")
        if not config:
            return
        seeds = load_deployment(config).projects
        try:
            await self.projects.seed(seeds)
        except Exception:
            self.log.exception("Could not create the projects listed in %s", config)

    def start(self):
        asyncio.run(self.serve())


def main(argv=None):
    MoietyService.launch_instance(argv)
