"""Depictions cached by canonical structure, found by the text as requested.

A server draws in worker processes (``DepictionPool.draw``), which answer with the canonical
SMILES as well as the SVG. The cache keeps each SVG once, under (canonical SMILES, width,
height), and remembers which requested text led to which canonical SMILES, so a repeated
request is answered from a dictionary, with no RDKit call, and every way of writing a structure
gets the picture of the first one drawn. Least recently used entries go first. Thread-safe.
"""

from collections import OrderedDict
from threading import Lock

DEFAULT_CACHE_SIZE = 4_096


class DepictionCache:
    def __init__(self, size: int = DEFAULT_CACHE_SIZE):
        self.size = size
        self._svgs: OrderedDict[tuple[str, int, int], str] = OrderedDict()
        self._canonical: OrderedDict[tuple[str, int, int], str] = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0

    def get(self, text: str, width: int, height: int) -> str | None:
        """The SVG drawn for this text and size before, or None."""
        with self._lock:
            canonical = self._canonical.get((text, width, height))
            svg = None if canonical is None else self._svgs.get((canonical, width, height))
            if svg is None:
                self.misses += 1
                return None
            self._canonical.move_to_end((text, width, height))
            self._svgs.move_to_end((canonical, width, height))
            self.hits += 1
            return svg

    def put(self, text: str, width: int, height: int, canonical: str, svg: str) -> str:
        """Remember a drawing; answers the SVG to serve (the one cached first for the
        structure, if another text of the same structure was drawn before)."""
        with self._lock:
            svg = self._svgs.setdefault((canonical, width, height), svg)
            self._svgs.move_to_end((canonical, width, height))
            self._canonical[(text, width, height)] = canonical
            self._canonical.move_to_end((text, width, height))
            for entries in (self._svgs, self._canonical):
                while len(entries) > self.size:
                    entries.popitem(last=False)
            return svg

    def __len__(self) -> int:
        return len(self._svgs)
