"""Configuration, handler registration and lifecycle of the server extension.

Settings are traitlets; each has an environment default so that a deployment can tune project
servers through the hub's environment: the hub passes every ``MOIETY_SERVER_*`` variable to the
servers it spawns (e.g. ``MOIETY_SERVER_SAVE_QUIET_SECONDS=30``).
"""

from __future__ import annotations

import os
import signal
import threading

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Float, Integer, Unicode, default

from .. import __version__
from . import large_text, worker_threads
from .compounds import default_handlers as compound_handlers
from .handlers import default_handlers
from .project import ProjectServices
from .project_handlers import default_handlers as project_handlers


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw.strip() else default
    except ValueError:
        return default


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
        help="Direct URL of the service's API, used by this server to report activity "
        "(env MOIETY_SERVER_SERVICE_API_URL, else MOIETY_SERVICE_API_URL set by the hub)."
    ).tag(config=True)

    @default("service_api_url")
    def _service_api_url_default(self):
        return os.environ.get("MOIETY_SERVER_SERVICE_API_URL") or os.environ.get(
            "MOIETY_SERVICE_API_URL", ""
        )

    author_email = Unicode(
        help="E-mail on snapshot commits; {name} is replaced by the hub user's name."
    ).tag(config=True)

    @default("author_email")
    def _author_email_default(self):
        return os.environ.get("MOIETY_AUTHOR_EMAIL", "{name}@users.moiety.invalid")

    template = Unicode(
        help="Project template laid into an empty project folder that has no repository yet "
        "(env MOIETY_SERVER_TEMPLATE)."
    ).tag(config=True)

    @default("template")
    def _template_default(self):
        return os.environ.get("MOIETY_SERVER_TEMPLATE", "default")

    save_quiet_seconds = Float(
        help="Saves of a file by one person are reported as one file.saved once this many "
        "seconds pass without another (env MOIETY_SERVER_SAVE_QUIET_SECONDS)."
    ).tag(config=True)

    @default("save_quiet_seconds")
    def _save_quiet_default(self):
        return _env_number("MOIETY_SERVER_SAVE_QUIET_SECONDS", 120.0)

    save_max_wait_seconds = Float(
        help="Someone saving without pause is still reported after this many seconds; 0 means "
        "ten quiet periods (env MOIETY_SERVER_SAVE_MAX_WAIT_SECONDS)."
    ).tag(config=True)

    @default("save_max_wait_seconds")
    def _save_max_wait_default(self):
        return _env_number("MOIETY_SERVER_SAVE_MAX_WAIT_SECONDS", 0.0)

    auto_snapshot_seconds = Float(
        help="Take a snapshot, authored by the project account, once edits have been quiet for "
        "this many seconds; 0 turns automatic snapshots off (env "
        "MOIETY_SERVER_AUTO_SNAPSHOT_SECONDS)."
    ).tag(config=True)

    @default("auto_snapshot_seconds")
    def _auto_snapshot_default(self):
        return _env_number("MOIETY_SERVER_AUTO_SNAPSHOT_SECONDS", 0.0)

    outbox_retry_base_seconds = Float(
        help="First delay before sending an event again when the service did not take it "
        "(doubles at each failure; env MOIETY_SERVER_OUTBOX_RETRY_BASE_SECONDS)."
    ).tag(config=True)

    @default("outbox_retry_base_seconds")
    def _retry_base_default(self):
        return _env_number("MOIETY_SERVER_OUTBOX_RETRY_BASE_SECONDS", 1.0)

    outbox_retry_max_seconds = Float(
        help="Longest delay between two tries of an event (env "
        "MOIETY_SERVER_OUTBOX_RETRY_MAX_SECONDS)."
    ).tag(config=True)

    @default("outbox_retry_max_seconds")
    def _retry_max_default(self):
        return _env_number("MOIETY_SERVER_OUTBOX_RETRY_MAX_SECONDS", 300.0)

    idle_timeout_seconds = Float(
        help="A project server stops itself after this many seconds in which nobody changed a "
        "file or a document, opened a document, ran code or used a terminal (polling and open "
        "connections do not count); 0 never stops it. The hub sets it from MOIETY_IDLE_TIMEOUT "
        "(env MOIETY_SERVER_IDLE_TIMEOUT_SECONDS)."
    ).tag(config=True)

    @default("idle_timeout_seconds")
    def _idle_timeout_default(self):
        return _env_number("MOIETY_SERVER_IDLE_TIMEOUT_SECONDS", 0.0)

    writer_timeout_seconds = Float(
        60.0, help="How long a snapshot or restore waits for another one to finish."
    ).tag(config=True)

    git_threads = Integer(4, help="Threads that run git work off the event loop.").tag(config=True)

    compound_threads = Integer(
        help="Threads that read compound files, diff them and search them, off the event loop "
        "(env MOIETY_SERVER_COMPOUND_THREADS)."
    ).tag(config=True)

    @default("compound_threads")
    def _compound_threads_default(self):
        return max(1, int(_env_number("MOIETY_SERVER_COMPOUND_THREADS", 2)))

    compound_search_threads = Integer(
        help="Threads RDKit uses to match one substructure search; -1 means one per core "
        "(env MOIETY_SERVER_COMPOUND_SEARCH_THREADS)."
    ).tag(config=True)

    @default("compound_search_threads")
    def _compound_search_threads_default(self):
        return int(_env_number("MOIETY_SERVER_COMPOUND_SEARCH_THREADS", -1))

    compound_index_in_memory = Bool(
        help="Keep the substructure index's molecules live in memory: faster broad SMARTS "
        "searches, about 50 times the memory (env MOIETY_SERVER_COMPOUND_INDEX_IN_MEMORY=1)."
    ).tag(config=True)

    @default("compound_index_in_memory")
    def _compound_in_memory_default(self):
        return os.environ.get("MOIETY_SERVER_COMPOUND_INDEX_IN_MEMORY", "") in ("1", "true", "yes")

    compound_tautomers = Bool(
        help="Compound identities use the canonical tautomer (RDKit's TautomerEnumerator): "
        "tautomers written differently count as one compound, at about 2.4 ms a molecule. A "
        "project's moiety.toml ([compounds] tautomers = true|false) overrides it (env "
        "MOIETY_SERVER_COMPOUND_TAUTOMERS=1)."
    ).tag(config=True)

    @default("compound_tautomers")
    def _compound_tautomers_default(self):
        return os.environ.get("MOIETY_SERVER_COMPOUND_TAUTOMERS", "") in ("1", "true", "yes")

    project_services: ProjectServices | None = None

    def initialize_settings(self):
        large_text.install()
        if self.project:
            self.project_services = ProjectServices(self)

    def initialize_handlers(self):
        self.handlers.extend(default_handlers)
        self.handlers.extend(project_handlers)
        self.handlers.extend(compound_handlers)
        self.log.info("Moiety server extension %s (project: %s)", __version__, self.project or "-")

    async def _start_jupyter_server_extension(self, serverapp):
        stop_cleanly_on_sigint(serverapp)
        worker_threads.release_at_exit()
        if self.project_services is not None:
            await self.project_services.start()

    async def stop_extension(self):
        if self.project_services is not None:
            await self.project_services.stop()


def stop_cleanly_on_sigint(serverapp) -> None:
    """Make SIGINT stop the server as SIGTERM does, with every extension's cleanup.

    JupyterHub stops a server with SIGINT first. jupyter_server installs its SIGINT handler
    only when stdin is a terminal, which a spawned server's is not, so SIGINT raises
    KeyboardInterrupt out of the event loop: no extension is stopped (saves still being
    folded would be lost), and worker threads that the collaboration rooms' stores started
    are never told to end, so the process hangs until the hub kills it a minute later.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, serverapp._signal_stop)
