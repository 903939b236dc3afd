"""A depiction worker process, and the pool's handle on it.

The worker (``serve``) answers one job at a time over its pipe. Before each job it arms a CPU-time
timer (``ITIMER_PROF``) with the job's budget; the timer's signal, SIGPROF, is left at its
default action, so the kernel ends the worker the moment the job has *computed* that long, even
inside RDKit's C++ (which Python cannot interrupt). The handle (``Worker``) tells that end from
any other by the exit status, and gives up on a worker that holds a job past ``backstop``
seconds of wall-clock time without answering. No RDKit in this module: the worker imports the
drawing code, which the forkserver has preloaded.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection

from .errors import ChemError, DepictionFailed, DepictionTimeout
from .worker_setup import Lifeline, end_with_parent

START_SECONDS = 60.0
JOBS = ("render_svg",)


def backstop(timeout: float) -> float:
    """Wall-clock seconds a worker may hold a job before it is ended, computing or not."""
    return 3 * timeout + 10


def timed_out(timeout: float) -> DepictionTimeout:
    return DepictionTimeout(
        f"Drawing this structure took more than {timeout:g} s of computation and was stopped; "
        "draw a smaller part of it."
    )


def _depict_unless(connection: Connection, depict, text, width, height, legend):
    """Canonicalize, ask the pool whether to draw (it may have that picture), then draw."""
    canonical = depict.canonical_job(text)
    connection.send(("ask", canonical))
    if not connection.recv():
        return canonical, None
    return canonical, depict.render_svg(canonical, width, height, legend)


def serve(connection: Connection, lifeline: Connection) -> None:
    """A worker process: answer jobs ``(name, args, budget)`` one at a time, each within
    ``budget`` seconds of CPU time, with ``("ok", value)`` or ``("error", ChemError)``; a job
    may first ask the pool a question (``("ask", value)``, answered by a boolean)."""
    end_with_parent(lifeline)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    from . import depict  # preloaded by the forkserver

    jobs = {name: getattr(depict, name) for name in JOBS}
    jobs["depict_unless"] = partial(_depict_unless, connection, depict)
    connection.send("ready")
    while True:
        try:
            name, args, budget = connection.recv()
        except (EOFError, OSError):
            return
        signal.setitimer(signal.ITIMER_PROF, budget)
        try:
            answer = ("ok", jobs[name](*args))
        except ChemError as error:
            answer = ("error", error)
        except (EOFError, OSError):
            return
        except Exception as error:  # RDKit's own failures, in words
            answer = ("error", ChemError(f"RDKit could not draw this structure: {error}"))
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        connection.send(answer)


class WorkerEnded(Exception):
    """The worker process is gone; ``error`` is what its job answers."""

    def __init__(self, error: ChemError):
        super().__init__(str(error))
        self.error = error


class Worker:
    """One worker process and the pipe to it (used by one thread at a time)."""

    def __init__(self, context, lifeline: Lifeline, name: str):
        ours, theirs = context.Pipe()
        self.process = context.Process(
            target=serve, args=(theirs, lifeline.reader), name=name, daemon=True
        )
        self.process.start()
        theirs.close()
        self.connection = ours
        try:
            if not ours.poll(START_SECONDS) or ours.recv() != "ready":
                raise EOFError
        except (EOFError, OSError):
            self.kill()
            raise DepictionFailed("The drawing worker could not start; try again.") from None

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def run(self, name: str, args: tuple, timeout: float, ask: Callable[[str], bool] | None):
        """The job's value; raises its ChemError, or WorkerEnded when the worker is gone.
        ``ask`` answers the job's question, if it asks one."""
        deadline = time.monotonic() + backstop(timeout)
        try:
            self.connection.send((name, args, timeout))
            while self.connection.poll(max(0.0, deadline - time.monotonic())):
                kind, value = self.connection.recv()
                if kind == "ask":
                    self.connection.send(bool(ask(value)) if ask is not None else True)
                elif kind == "ok":
                    return value
                else:
                    raise value
        except (EOFError, OSError):
            self.process.join(5)
            stopped = self.process.exitcode == -signal.SIGPROF
            self.kill()
            if stopped:
                raise WorkerEnded(timed_out(timeout)) from None
            raise WorkerEnded(
                DepictionFailed("The drawing worker stopped before it answered; try again.")
            ) from None
        self.kill()
        raise WorkerEnded(timed_out(timeout))

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()

    def stop(self) -> None:
        """End the worker: it reads end-of-file and returns (killed if it does not)."""
        self.connection.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
