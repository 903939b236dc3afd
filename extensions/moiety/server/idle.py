"""A project server stops itself once nobody has done anything in it for a while.

jupyter_server's own rule (``shutdown_no_activity_timeout``) waits for zero kernels, and its
kernel culler spares kernels with an open connection, while an open JupyterLab tab polls the
API every few seconds: a tab left open, or a kernel someone started and walked away from, would
keep a project server running for ever. jupyterhub-idle-culler judges by the same activity.

So a project server counts only what people do: a change of a file or of a live document, a
document opened, a request that changes something (saves, snapshots, starting a kernel ...),
code running (a kernel busy, or output since), a terminal used. Reading, polling and an
idle open connection do not count. After ``timeout`` seconds without any of these, and with no
kernel busy, the server stops as jupyter_server's own rule stops it: kernels shut down,
extensions stopped (nothing folded is lost), the process exits and the hub sees it gone.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

CHECK_SECONDS_MAX = 60.0


class IdleStop:
    def __init__(self, serverapp, timeout: float, log: logging.Logger):
        self.serverapp = serverapp
        self.timeout = timeout
        self.log = log
        self._touched = datetime.now(UTC)
        self._task: asyncio.Task | None = None

    @property
    def interval(self) -> float:
        """How often to look: a fifth of the timeout, between 1 s and a minute."""
        return min(CHECK_SECONDS_MAX, max(1.0, self.timeout / 5))

    def touch(self) -> None:
        """Someone did something in the project now."""
        self._touched = datetime.now(UTC)

    def last_activity(self) -> datetime:
        """The latest of: a touch, output of a kernel, a terminal used."""
        settings = self.serverapp.web_app.settings
        sources = [
            self._touched,
            self.serverapp.kernel_manager.last_kernel_activity,
            settings.get("terminal_last_activity"),
        ]
        return max(_utc(source) for source in sources if source is not None)

    def kernels_busy(self) -> bool:
        kernels = self.serverapp.kernel_manager.list_kernels()
        return any(k.get("execution_state") in ("busy", "starting") for k in kernels)

    def idle_seconds(self) -> float:
        if self.kernels_busy():
            return 0.0
        return (datetime.now(UTC) - self.last_activity()).total_seconds()

    def start(self) -> None:
        if self.timeout > 0:
            self._task = asyncio.create_task(self._watch(), name="moiety-idle")
            self.log.info("Moiety: stops after %g s without activity", self.timeout)

    async def stop(self) -> None:
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                idle = self.idle_seconds()
            except Exception:
                self.log.exception("Moiety: could not tell whether the project is idle")
                continue
            if idle >= self.timeout:
                self.log.info(
                    "Moiety: no activity in the project for %d s (limit %g s); stopping",
                    idle,
                    self.timeout,
                )
                self.serverapp.stop()
                return


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
