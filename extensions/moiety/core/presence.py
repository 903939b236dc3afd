"""Who is in each project's server now, as the project servers report it.

Reports are small and frequent (a project server sends the people in its collaboration rooms
every minute or when someone joins or leaves), so they live in memory, not in the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

DEFAULT_TTL = 150.0


class Presence:
    def __init__(self, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._reports: dict[str, tuple[float, tuple[str, ...]]] = {}

    def report(self, project: str, people: Iterable[str]) -> None:
        """``people`` replaces what the project's server said before."""
        self._reports[project] = (self._clock(), tuple(sorted(set(people))))

    def active(self, project: str) -> list[str]:
        reported = self._reports.get(project)
        if reported is None or self._clock() - reported[0] > self.ttl:
            return []
        return list(reported[1])
