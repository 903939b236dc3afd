"""Jobs taken in turn by owner, so one caller's many jobs do not hold up everyone else's."""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Hashable

from .errors import DepictionFailed


class FairQueue:
    """Jobs taken in turn by owner (round robin), each owner's jobs in their order."""

    def __init__(self):
        self._owners: OrderedDict[Hashable, deque] = OrderedDict()
        self._changed = threading.Condition()
        self._closed = False

    def put(self, owner: Hashable, job) -> None:
        with self._changed:
            if self._closed:
                raise DepictionFailed("The drawing service is stopping; try again later.")
            self._owners.setdefault(owner, deque()).append(job)
            self._changed.notify()

    def get(self):
        """The next job, waiting for one; None once the queue is closed."""
        with self._changed:
            while not self._owners and not self._closed:
                self._changed.wait()
            if self._closed:
                return None
            owner, jobs = next(iter(self._owners.items()))
            job = jobs.popleft()
            del self._owners[owner]
            if jobs:
                self._owners[owner] = jobs  # to the back of the line
            return job

    def close(self) -> list:
        """Close the queue and answer the jobs still waiting."""
        with self._changed:
            self._closed = True
            left = [job for jobs in self._owners.values() for job in jobs]
            self._owners.clear()
            self._changed.notify_all()
            return left
