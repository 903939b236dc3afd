"""A server's loop is stopped, not ended: the AnyIO worker threads it used would keep the process
alive at exit (a project server that stopped itself when idle never exited). They are released."""

import asyncio
import contextlib
import threading

import anyio.to_thread
from anyio._backends._asyncio import WorkerThread

from moiety.server.worker_threads import release_idle_workers


def test_idle_workers_of_a_stopped_loop_are_released():
    loop = asyncio.new_event_loop()

    async def serve():  # as a server's loop: used a worker thread, then stopped from outside
        await anyio.to_thread.run_sync(lambda: None)
        loop.stop()
        await asyncio.Event().wait()

    task = loop.create_task(serve())
    loop.run_forever()
    try:
        workers = [t for t in threading.enumerate() if isinstance(t, WorkerThread)]
        assert workers
        assert all(t.is_alive() for t in workers)  # what kept the process from exiting
        assert release_idle_workers() == len(workers)
        for worker in workers:
            worker.join(30)
        assert not any(t.is_alive() for t in workers)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task)
        loop.close()
