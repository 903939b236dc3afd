"""Run depictions in worker processes, each job within a budget of computation time.

RDKit's layout runs in C++ and cannot be interrupted from Python, so a worker process is ended
by the kernel the moment one job has *computed* for ``timeout`` seconds (``depict_worker``);
time a job spends queued, or waiting for a CPU, does not count. The pool answers
DepictionTimeout for that one job and starts a fresh worker in its place; the other workers, and
the jobs queued for them, carry on. A worker that ends any other way answers DepictionFailed for
its job.

Jobs wait in one queue taken in turn by owner (``owner=``, e.g. the caller's name; see
``fair_queue``): one person sending many hard structures waits behind their own drawings, not
in front of everyone else's.

Each worker is fed by a thread of this pool, one job at a time, over its own pipe. Workers start
through ``forkserver`` (not ``fork``, which is unsafe in a threaded server) with RDKit preloaded
and end with the process that started them (``worker_setup.Lifeline``). This module does not
load RDKit itself: a server that only hands drawings to workers never does.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future

from .depict_worker import Worker, WorkerEnded
from .errors import ChemError, DepictionFailed
from .fair_queue import FairQueue
from .limits import DEFAULT_DRAW_SECONDS, DEFAULT_SIZE, WORKER_PRELOAD
from .worker_setup import Lifeline

DEFAULT_TIMEOUT = DEFAULT_DRAW_SECONDS
DEFAULT_WORKERS = 2


class DepictionPool:
    """Drawings in ``workers`` processes, each job within ``timeout`` s of computation.

    ``render`` (blocking, the SVG), ``submit`` (its future), and for a server that caches by
    structure, ``draw_unless`` (canonical SMILES, and the SVG only of a structure the caller has
    no picture of) and ``svg`` (both awaitable). Errors are
    the core's (InvalidMolecule, InputTooLarge, ...), DepictionTimeout for a job stopped at its
    budget and DepictionFailed for a worker lost otherwise; only the job concerned gets them.
    Workers start at once, in the background; ``start`` waits for them. Use as a context
    manager or call ``close()``. Counter: ``restarts`` (workers replaced).
    """

    def __init__(self, *, workers: int = DEFAULT_WORKERS, timeout: float = DEFAULT_TIMEOUT):
        self.workers = workers
        self.timeout = timeout
        self.restarts = 0
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(WORKER_PRELOAD))
        self._lifeline = Lifeline()
        self._queue = FairQueue()
        self._current: dict[int, Worker] = {}
        self._ready = [threading.Event() for _ in range(workers)]
        self._threads = [
            threading.Thread(
                target=self._feed, args=(slot,), name=f"moiety-depict-{slot}", daemon=True
            )
            for slot in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    # --- the jobs --------------------------------------------------------------------------

    def submit(
        self,
        smiles: str,
        width: int = DEFAULT_SIZE,
        height: int = DEFAULT_SIZE,
        legend: str = "",
        *,
        owner: Hashable = None,
    ) -> Future:
        """Start a drawing of ``smiles``; the future's value is the SVG."""
        return self._submit("render_svg", (smiles, width, height, legend), owner)

    def render(
        self, smiles: str, width: int = DEFAULT_SIZE, height: int = DEFAULT_SIZE, legend: str = ""
    ) -> str:
        """The SVG of ``smiles``, waiting for it."""
        return self.submit(smiles, width, height, legend).result()

    async def draw_unless(
        self,
        smiles: str,
        width: int,
        height: int,
        skip: Callable[[str], bool],
        *,
        owner: Hashable = None,
    ) -> tuple[str, str | None]:
        """``(canonical SMILES, SVG)`` in one job, but no SVG (None) when ``skip(canonical)``
        says the caller has no need of one (e.g. it has that structure's picture already).
        ``skip`` runs on a pool thread, between the job's two steps."""
        args = (smiles, width, height, "")
        return await asyncio.wrap_future(self._submit("depict_unless", args, owner, skip))

    async def svg(
        self,
        smiles: str,
        width: int = DEFAULT_SIZE,
        height: int = DEFAULT_SIZE,
        legend: str = "",
        *,
        owner: Hashable = None,
    ) -> str:
        """The SVG of ``smiles`` (e.g. a canonical SMILES), off the event loop."""
        return await asyncio.wrap_future(self.submit(smiles, width, height, legend, owner=owner))

    def _submit(
        self, name: str, args: tuple, owner: Hashable, skip: Callable[[str], bool] | None = None
    ) -> Future:
        future: Future = Future()
        ask = None if skip is None else (lambda canonical: not skip(canonical))
        self._queue.put(owner, (future, name, args, ask))
        return future

    # --- the workers -----------------------------------------------------------------------

    def _feed(self, slot: int) -> None:
        """Keep one worker busy with the queue's jobs, replacing it when it ends."""
        worker = None
        try:
            while True:
                if worker is None:
                    worker = self._spawn(slot)
                self._ready[slot].set()
                job = self._queue.get()
                if job is None:
                    return
                future, name, args, ask = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if worker is None:
                        worker = self._spawn(slot)
                        if worker is None:
                            raise DepictionFailed("The drawing worker could not start; try again.")
                    future.set_result(worker.run(name, args, self.timeout, ask))
                except WorkerEnded as ended:
                    worker = None
                    self.restarts += 1
                    future.set_exception(ended.error)
                except ChemError as error:
                    future.set_exception(error)
        finally:
            self._ready[slot].set()
            if worker is not None:
                worker.stop()

    def _spawn(self, slot: int) -> Worker | None:
        try:
            worker = Worker(self._context, self._lifeline, f"moiety-depict-worker-{slot}")
        except (DepictionFailed, OSError):
            return None
        self._current[slot] = worker
        return worker

    def pids(self) -> list[int]:
        """The process ids of the current workers."""
        return [w.pid for w in list(self._current.values()) if w.process.is_alive()]

    def start(self) -> None:
        """Wait until every worker has started (the first one takes about a second)."""
        for ready in self._ready:
            ready.wait()

    def close(self) -> None:
        for future, *_ in self._queue.close():
            future.cancel()
        for thread in self._threads:
            thread.join()
        self._lifeline.close()

    def __enter__(self) -> DepictionPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
