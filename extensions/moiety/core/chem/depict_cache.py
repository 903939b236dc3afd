"""Depictions cached by canonical structure, found by the text as requested.

The cache keeps each SVG once, under (canonical SMILES, width, height), and remembers which
requested text is which canonical SMILES, so a repeated request is answered from a dictionary,
with no RDKit call. ``depict`` gives a text it has not seen to a worker
(``DepictionPool.draw_unless``), which canonicalizes it and asks, before drawing, whether the
cache has that structure's picture: every way of writing a structure gets the picture of the
first one drawn, none is drawn twice, and a new text still costs one trip to the workers.
Refusals (a text RDKit cannot read, one over the bounds, a structure whose drawing ran out of
time) are remembered too, by text and by structure, so a client that repeats a pathological
request costs nothing more. Least recently used entries go first. Thread-safe; no RDKit here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock

from .errors import DepictionTimeout, InputTooLarge, InvalidMolecule

DEFAULT_CACHE_SIZE = 4_096
DEFAULT_REFUSALS = 1_024
REMEMBERED = (InvalidMolecule, InputTooLarge, DepictionTimeout)
"""Refusals that the same input would get again (a worker lost otherwise is not one)."""


def _bounded(entries: OrderedDict, size: int) -> None:
    while len(entries) > size:
        entries.popitem(last=False)


class DepictionCache:
    def __init__(self, size: int = DEFAULT_CACHE_SIZE, refusals: int = DEFAULT_REFUSALS):
        self.size = size
        self.refusals = refusals
        self._svgs: OrderedDict[tuple[str, int, int], str] = OrderedDict()
        self._canonical: OrderedDict[str, str] = OrderedDict()
        self._refused: OrderedDict[str, Exception] = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0
        self.drawn = 0
        """Pictures drawn (``depict``'s calls to the workers' drawing job)."""

    def get(self, text: str, width: int, height: int) -> str | None:
        """The SVG drawn for this text's structure at this size before, or None."""
        with self._lock:
            canonical = self._canonical.get(text)
            svg = None if canonical is None else self._svgs.get((canonical, width, height))
            if svg is None:
                self.misses += 1
                return None
            self._canonical.move_to_end(text)
            self._svgs.move_to_end((canonical, width, height))
            self.hits += 1
            return svg

    def put(self, text: str, width: int, height: int, canonical: str, svg: str) -> str:
        """Remember a drawing; answers the SVG to serve (the one cached first for the
        structure, if another text of the same structure was drawn before)."""
        with self._lock:
            svg = self._svgs.setdefault((canonical, width, height), svg)
            self._svgs.move_to_end((canonical, width, height))
            self._canonical[text] = canonical
            self._canonical.move_to_end(text)
            _bounded(self._svgs, self.size)
            _bounded(self._canonical, self.size)
            return svg

    def canonical_of(self, text: str) -> str | None:
        with self._lock:
            return self._canonical.get(text)

    def picture(self, canonical: str, width: int, height: int) -> str | None:
        with self._lock:
            return self._svgs.get((canonical, width, height))

    def refusal(self, *texts: str) -> Exception | None:
        """The refusal remembered for any of ``texts`` (a request's text or its structure)."""
        with self._lock:
            for text in texts:
                error = self._refused.get(text)
                if error is not None:
                    self._refused.move_to_end(text)
                    return error
        return None

    def refuse(self, error: Exception, *texts: str) -> None:
        if not isinstance(error, REMEMBERED):
            return
        with self._lock:
            for text in texts:
                self._refused[text] = error
                self._refused.move_to_end(text)
            _bounded(self._refused, self.refusals)

    def learn(self, text: str, canonical: str) -> None:
        """Remember that ``text`` is the structure ``canonical``."""
        with self._lock:
            self._canonical[text] = canonical
            self._canonical.move_to_end(text)
            _bounded(self._canonical, self.size)

    async def depict(self, pool, text: str, width: int, height: int, *, owner: Hashable = None):
        """The SVG of ``text`` at this size: from the cache, or drawn by ``pool``'s workers
        (``DepictionPool``) for ``owner``. Raises the core's errors, remembered or fresh."""
        svg = self.get(text, width, height)
        if svg is not None:
            return svg
        canonical = self.canonical_of(text)
        refused = self.refusal(text, *([canonical] if canonical else []))
        if refused is not None:
            raise refused.with_traceback(None)

        def known(structure: str) -> bool:
            """Between the worker's two steps: skip drawing a structure already seen."""
            self.learn(text, structure)
            seen = self.picture(structure, width, height) or self.refusal(structure)
            return seen is not None

        drawn = False
        try:
            if canonical is None:
                canonical, svg = await pool.draw_unless(text, width, height, known, owner=owner)
                drawn = svg is not None
            if svg is None:
                refused = self.refusal(canonical)
                if refused is not None:
                    raise refused.with_traceback(None)
                svg = self.picture(canonical, width, height)
            if svg is None:  # a known structure, not yet drawn at this size (or forgotten)
                svg = await pool.svg(canonical, width, height, owner=owner)
                drawn = True
        except REMEMBERED as error:
            self.refuse(error, text, *([c] if (c := self.canonical_of(text)) else []))
            raise
        if drawn:
            with self._lock:
                self.drawn += 1
        return self.put(text, width, height, canonical, svg)

    def __len__(self) -> int:
        return len(self._svgs)
