"""Letting a stopped server's process end: idle AnyIO worker threads are told to finish.

The collaboration rooms' stores run SQLite calls in AnyIO worker threads. AnyIO ends those
threads when the event loop's root task ends, but a Jupyter server's loop is stopped
(``io_loop.stop()``), not ended that way: the threads wait for work for ever, they are not
daemons, and Python waits for them at exit. A project server that stopped itself when idle then
never exited, and the hub kept it listed as running. :func:`release_at_exit` tells them to
finish once Python starts waiting for threads, after the server's own cleanup has run.
"""

from __future__ import annotations

import queue
import threading


def release_idle_workers() -> int:
    """Ask every idle AnyIO worker thread to finish; how many were asked."""
    try:
        from anyio._backends._asyncio import WorkerThread
    except ImportError:  # another AnyIO layout: nothing known to release
        return 0
    asked = 0
    for thread in threading.enumerate():
        if isinstance(thread, WorkerThread) and thread.is_alive():
            try:
                thread.queue.put_nowait(None)  # AnyIO's own "stop" item
            except queue.Full:  # still busy with work: it ends with the work or the process
                continue
            asked += 1
    return asked


def release_at_exit() -> None:
    """Run :func:`release_idle_workers` when Python waits for threads at exit (once)."""
    if not getattr(release_at_exit, "registered", False):
        # The hook concurrent.futures uses to end its own workers at exit.
        threading._register_atexit(release_idle_workers)
        release_at_exit.registered = True
