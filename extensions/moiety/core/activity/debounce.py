"""Folding bursts of activity into one report per quiet period.

A person working in a notebook saves it every few seconds (collaborative rooms save a second
after each change). The feed wants one ``file.saved`` per person and file per working session:
saves are folded under a key until ``quiet`` seconds pass without another one, or until the
first folded save is ``max_wait`` seconds old, so someone editing for hours is still reported.
The same folding decides when an automatic snapshot is due.

Times are plain numbers (``time.monotonic()`` in the server), so tests can pass their own.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass
class Fold:
    """What was folded under one key: how many times, when, and by whom."""

    key: Hashable
    first: float
    last: float
    count: int = 0
    people: list[str] = field(default_factory=list)

    def add(self, now: float, person: str | None) -> None:
        self.count += 1
        self.last = now
        if person is not None and person not in self.people:
            self.people.append(person)


class Debouncer:
    def __init__(self, quiet: float, max_wait: float | None = None):
        if quiet <= 0:
            raise ValueError("quiet must be a positive number of seconds")
        self.quiet = quiet
        self.max_wait = max(max_wait if max_wait is not None else 10 * quiet, quiet)
        self._folds: dict[Hashable, Fold] = {}

    def __len__(self) -> int:
        return len(self._folds)

    def add(self, key: Hashable, now: float, person: str | None = None) -> Fold:
        """Record one occurrence under ``key``; returns the fold it went into."""
        fold = self._folds.get(key)
        if fold is None:
            fold = self._folds[key] = Fold(key, first=now, last=now)
        fold.add(now, person)
        return fold

    def deadline(self, fold: Fold) -> float:
        return min(fold.last + self.quiet, fold.first + self.max_wait)

    def next_deadline(self) -> float | None:
        """When the next fold becomes due, or ``None`` if nothing is waiting."""
        return min((self.deadline(fold) for fold in self._folds.values()), default=None)

    def due(self, now: float) -> list[Fold]:
        """Remove and return the folds whose quiet period (or maximum wait) is over."""
        ready = [fold for fold in self._folds.values() if self.deadline(fold) <= now]
        for fold in ready:
            del self._folds[fold.key]
        return sorted(ready, key=lambda fold: fold.first)

    def take(self, match) -> list[Fold]:
        """Remove and return the folds whose key satisfies ``match(key)``, oldest first."""
        taken = [fold for key, fold in self._folds.items() if match(key)]
        for fold in taken:
            del self._folds[fold.key]
        return sorted(taken, key=lambda fold: fold.first)

    def drain(self) -> list[Fold]:
        """Remove and return every fold (at shutdown), oldest first."""
        return self.take(lambda key: True)
