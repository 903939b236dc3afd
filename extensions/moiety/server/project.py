"""Everything a project server runs besides Jupyter: its repository, versions and activity."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.accounts import project_account
from ..core.activity.outbox import Outbox, outbox_path
from .access import GroupAccess
from .activity import Activity
from .idle import IdleStop
from .presence import PresenceReporter
from .reporter import Reporter
from .repository import prepare_repository
from .rooms import attribute_room_edits
from .versions import Versions


class ProjectServices:
    def __init__(self, app):
        """Prepare the repository (blocking, at start-up, before the server serves)."""
        serverapp = app.serverapp
        self.log = app.log
        self.root = Path(serverapp.root_dir).resolve()
        outcome = prepare_repository(self.root, app.project, app.template)
        self.log.info("Moiety: project repository %s is %s", self.root, outcome)
        self.executor = ThreadPoolExecutor(app.git_threads, thread_name_prefix="moiety-git")
        api_url = app.service_api_url.rstrip("/")
        token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
        self.reporter = Reporter(
            Outbox(outbox_path(self.root)),
            f"{api_url}/events" if api_url else "",
            token,
            self.log,
            retry_base=app.outbox_retry_base_seconds,
            retry_max=app.outbox_retry_max_seconds,
        )
        self.versions = Versions(
            self.root,
            app.author_email,
            self.executor,
            self.reporter.report,
            app.writer_timeout_seconds,
        )
        self.activity = Activity(
            self.versions,
            self.reporter.report,
            project_account(app.project),
            serverapp.base_url,
            self.log,
            save_quiet=app.save_quiet_seconds,
            save_max_wait=app.save_max_wait_seconds,
            auto_snapshot=app.auto_snapshot_seconds,
        )
        self.activity.listen(serverapp.event_logger)
        from .compound_index import ProjectCompounds  # RDKit loads in project servers only

        self.compounds = ProjectCompounds(
            self.root,
            self.reporter.report,
            self.log,
            threads=app.compound_threads,
            search_threads=app.compound_search_threads,
            in_memory=app.compound_index_in_memory,
            tautomers=app.compound_tautomers,
        )
        self.versions.on_commit = self.compounds.committed
        self.versions.compounds = self.compounds
        self.presence = PresenceReporter(
            self.activity.presence, f"{api_url}/presence" if api_url else "", token, self.log
        )
        self.activity.on_presence = self.presence.changed
        self.idle = IdleStop(serverapp, app.idle_timeout_seconds, self.log)
        self.activity.on_activity = self.idle.touch
        self.web_app = serverapp.web_app
        self.group_access = GroupAccess.for_server(serverapp, self.log)

    async def start(self) -> None:
        """Once the event loop runs: watch requests, process activity, deliver the outbox.

        The request log function is wrapped only now: JupyterHub's single-user extension
        replaces it while it loads, and extensions load in name order.
        """
        self.activity.wrap_log_function(self.web_app.settings)
        if not attribute_room_edits(self.web_app, self.activity.edited):
            self.log.warning("Moiety: no collaboration rooms; live edits are not attributed")
        self.activity.start()
        self.compounds.start()
        self.reporter.start()
        self.presence.start()
        self.idle.start()
        await self._recover_commits()
        if self.group_access is not None:
            try:
                self.group_access.apply(await self.group_access.read_groups())
            except Exception as exc:
                self.log.warning("Moiety: could not read this account's hub groups: %s", exc)
            self.group_access.start()

    async def _recover_commits(self) -> None:
        """Report the commits a killed run of this server made but had not reported yet."""
        try:
            recovered = await self.versions.recover()
        except Exception:
            self.log.exception("Moiety: could not report the commits of the previous run")
            return
        if recovered:
            self.log.info("Moiety: reported %d commit(s) the previous run had not", recovered)

    async def stop(self) -> None:
        await self.idle.stop()
        await self.presence.stop()
        if self.group_access is not None:
            await self.group_access.stop()
        await self.activity.stop()
        await self.compounds.stop()
        await self.reporter.stop()
        self.executor.shutdown(wait=True)
