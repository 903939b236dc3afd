"""Run depictions in worker processes with a time limit.

RDKit's layout runs in C++ and cannot be interrupted from Python, so a pathological structure
is stopped by ending the worker processes and starting fresh ones. Workers start through
``forkserver`` (not ``fork``, which is unsafe in a threaded server) with RDKit preloaded.
This module does not load RDKit itself: a server that only hands drawings to workers never does.
"""

import asyncio
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from threading import Lock

from .errors import DepictionFailed, DepictionTimeout
from .limits import DEFAULT_SIZE, WORKER_PRELOAD
from .worker_setup import Lifeline

DEFAULT_TIMEOUT = 5.0
DEFAULT_WORKERS = 2


def render_svg(*args) -> str:
    """``depict.render_svg`` in the worker (imported there, where it is preloaded)."""
    from .depict import render_svg

    return render_svg(*args)


def depict_job(*args) -> tuple[str, str]:
    """``depict.depict_job`` in the worker."""
    from .depict import depict_job

    return depict_job(*args)


class DepictionPool:
    """Drawings in worker processes, at most ``timeout`` s each: ``render`` (blocking, the SVG)
    and ``draw`` (awaitable, canonical SMILES and SVG, for a server's event loop).

    On a timeout every worker of the pool is ended (including those drawing for other callers:
    ``render`` fails them with DepictionFailed, ``draw`` tries them once more) and a new pool
    starts. Use as a context manager or call ``close()``.
    """

    def __init__(self, *, workers: int = DEFAULT_WORKERS, timeout: float = DEFAULT_TIMEOUT):
        self.workers = workers
        self.timeout = timeout
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(WORKER_PRELOAD))
        self._lock = Lock()
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        self._lifeline = Lifeline()
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._context, **self._lifeline.pool_arguments()
        )

    def submit(
        self, smiles: str, width: int = DEFAULT_SIZE, height: int = DEFAULT_SIZE, legend: str = ""
    ) -> Future:
        """Start a depiction without waiting (no time limit is applied to the future)."""
        with self._lock:
            return self._executor.submit(render_svg, smiles, width, height, legend)

    def render(
        self, smiles: str, width: int = DEFAULT_SIZE, height: int = DEFAULT_SIZE, legend: str = ""
    ) -> str:
        """The SVG, or DepictionTimeout past ``timeout`` seconds; parse errors come through."""
        with self._lock:
            executor = self._executor
            future = executor.submit(render_svg, smiles, width, height, legend)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            self._replace(executor)
            raise DepictionTimeout(
                f"Drawing this molecule took longer than {self.timeout:g} s and was stopped."
            ) from None
        except BrokenProcessPool:
            self._replace(executor)
            raise DepictionFailed(
                "The drawing worker stopped before it answered; try again."
            ) from None

    def start(self) -> None:
        """Start every worker now (else the first drawings wait for them, about a second)."""
        with self._lock:
            futures = [self._executor.submit(int) for _ in range(self.workers)]
        for future in futures:
            future.result()

    async def draw(
        self, smiles: str, width: int = DEFAULT_SIZE, height: int = DEFAULT_SIZE, legend: str = ""
    ) -> tuple[str, str]:
        """``(canonical SMILES, SVG)`` without blocking the event loop; parsing happens in the
        worker too. Raises the core's errors, DepictionTimeout past ``timeout`` seconds, or
        DepictionFailed if the workers stopped twice (a drawing whose workers were ended
        because another one timed out is tried once more)."""
        for attempt in range(2):
            with self._lock:
                executor = self._executor
                future = executor.submit(depict_job, smiles, width, height, legend)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except TimeoutError:
                await asyncio.to_thread(self._replace, executor)
                raise DepictionTimeout(
                    f"Drawing this molecule took longer than {self.timeout:g} s and was stopped."
                ) from None
            except BrokenProcessPool:
                await asyncio.to_thread(self._replace, executor)
                if attempt:
                    raise DepictionFailed(
                        "The drawing worker stopped before it answered; try again."
                    ) from None
        raise AssertionError("unreachable")

    def _replace(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not executor:
                return
            self._executor = self._start()
        _end(executor)

    def close(self) -> None:
        with self._lock:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._lifeline.close()

    def __enter__(self) -> "DepictionPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _end(executor: ProcessPoolExecutor) -> None:
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    # Python 3.11-3.13 have no public way to stop a worker that is busy.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
