"""Worker processes end with the process that started them, even when it is killed.

Pool workers wait for work on a queue they also hold the writing end of, and forkserver
children keep the forkserver's own lifeline open, so after a SIGKILL of the server neither the
workers nor the forkserver would ever notice. Each pool therefore makes a ``Lifeline``: a pipe
whose writing end only the server holds. Every worker watches the reading end in a thread and
exits when it reads end-of-file, which the kernel delivers the moment the server is gone; then
the forkserver, whose lifeline the workers held too, exits as well. (A worker busy inside
RDKit holds the interpreter lock, so it exits when that drawing or record is done.)
"""

import contextlib
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection


def _watch(reader: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        reader.recv_bytes()
    os._exit(0)


def end_with_parent(reader: Connection) -> None:
    """Pool initializer: exit when the starting process closes (or loses) its end."""
    threading.Thread(target=_watch, args=(reader,), name="lifeline", daemon=True).start()


class Lifeline:
    """The pipe one pool's workers watch; keep it as long as the pool (``close`` ends them)."""

    def __init__(self):
        self.reader, self._writer = multiprocessing.Pipe(duplex=False)

    def pool_arguments(self) -> dict:
        """``initializer`` and ``initargs`` for a ``ProcessPoolExecutor``."""
        return {"initializer": end_with_parent, "initargs": (self.reader,)}

    def close(self) -> None:
        self._writer.close()
        self.reader.close()
