"""SVG depictions of molecules, drawn by RDKit, with an LRU cache keyed by canonical SMILES.

Bounds: width and height between ``MIN_SIZE`` and ``MAX_SIZE`` pixels; a legend is cut to
``MAX_LEGEND_LENGTH`` characters and stripped of characters XML cannot hold. RDKit escapes the
legend's text itself (or draws it as glyph outlines), which the tests check. Parsing is bounded
by ``parsing.MAX_TEXT_LENGTH`` and ``parsing.MAX_ATOMS``, and a drawing by ``check_drawable``
(``limits.MAX_DRAWN_ATOMS``, ``MAX_DRAWN_RINGS``, ``MAX_DRAWN_FRAGMENTS``), which keep the 2D
layout under about half a second. A server should still draw through
``depict_pool.DepictionPool``, which runs these jobs in worker processes with a time budget.
"""

import re
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from rdkit import Chem
from rdkit.Chem import rdDepictor
from rdkit.Chem.Draw import rdMolDraw2D

from .errors import InputTooLarge, InvalidSize
from .limits import (
    DEFAULT_SIZE,
    MAX_DRAWN_ATOMS,
    MAX_DRAWN_FRAGMENTS,
    MAX_DRAWN_RINGS,
    MAX_LEGEND_LENGTH,
    MAX_SIZE,
    MIN_SIZE,
)
from .parsing import parse_smiles

__all__ = [
    "DEFAULT_SIZE",
    "MAX_LEGEND_LENGTH",
    "MAX_SIZE",
    "MIN_SIZE",
    "Depicter",
    "canonical_job",
    "check_drawable",
    "check_size",
    "clean_legend",
    "draw_svg",
    "render_svg",
]
DEFAULT_CACHE_SIZE = 2_048

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = "<?xml version='1.0' encoding='iso-8859-1'?>"

Render = Callable[[str, int, int, str], str]


def check_size(width: int, height: int) -> None:
    for label, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or not MIN_SIZE <= value <= MAX_SIZE:
            raise InvalidSize(
                f"The {label} must be a whole number of pixels from {MIN_SIZE} to {MAX_SIZE}; "
                f"got {value!r}."
            )


def check_drawable(mol: Chem.Mol) -> None:
    """Raise InputTooLarge for a molecule beyond the depiction bounds (see ``limits``)."""
    atoms = mol.GetNumAtoms()
    fragments = len(Chem.GetMolFrags(mol)) if atoms else 0
    rings = mol.GetNumBonds() - atoms + fragments
    for what, count, limit in (
        ("atoms", atoms, MAX_DRAWN_ATOMS),
        ("separate fragments", fragments, MAX_DRAWN_FRAGMENTS),
        ("rings", rings, MAX_DRAWN_RINGS),
    ):
        if count > limit:
            raise InputTooLarge(
                f"This structure has {count:,} {what}; drawings are limited to {limit:,} "
                f"{what}, so that drawing stays quick for everyone."
            )


def clean_legend(legend: str | None) -> str:
    return _NOT_XML.sub("", legend or "")[:MAX_LEGEND_LENGTH]


def draw_svg(
    mol: Chem.Mol, width: int = DEFAULT_SIZE, height: int = DEFAULT_SIZE, legend: str = ""
) -> str:
    """An SVG of ``mol`` with RDKit's default 2D layout (``mol`` is not modified).

    Raises InvalidSize, or InputTooLarge for a molecule beyond the depiction bounds.
    """
    check_size(width, height)
    check_drawable(mol)
    mol = Chem.Mol(mol)
    rdDepictor.Compute2DCoords(mol)
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height)
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol, legend=clean_legend(legend))
    drawer.FinishDrawing()
    svg = drawer.GetDrawingText()
    if svg.startswith(_DECLARATION):
        svg = "<?xml version='1.0' encoding='utf-8'?>" + svg[len(_DECLARATION) :]
    return svg


def render_svg(
    smiles: str, width: int = DEFAULT_SIZE, height: int = DEFAULT_SIZE, legend: str = ""
) -> str:
    """Parse and draw: the whole job, as a worker process runs it."""
    return draw_svg(parse_smiles(smiles), width, height, legend)


def canonical_job(smiles: str) -> str:
    """The canonical SMILES of a structure that can be drawn, as a server's worker computes it
    before it looks for a drawing of that structure (raises InvalidMolecule, InputTooLarge)."""
    mol = parse_smiles(smiles)
    check_drawable(mol)
    return Chem.MolToSmiles(mol)


class Depicter:
    """Depictions cached by (canonical SMILES, width, height, legend), least recently used out.

    ``render`` draws a canonical SMILES (e.g. ``DepictionPool.render``); without it the parsed
    molecule is drawn in this process. Every way of writing a molecule shares one cache entry,
    so they all get the picture of the first one drawn. Safe to share between threads.
    """

    def __init__(self, *, cache_size: int = DEFAULT_CACHE_SIZE, render: Render | None = None):
        self.cache_size = cache_size
        self._render = render
        self._cache: OrderedDict[tuple[str, int, int, str], str] = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0

    def depict(
        self,
        smiles: str,
        *,
        width: int = DEFAULT_SIZE,
        height: int = DEFAULT_SIZE,
        legend: str | None = None,
    ) -> str:
        """The SVG of a SMILES; raises InvalidMolecule, InputTooLarge, InvalidSize or, through
        a pool, DepictionTimeout."""
        check_size(width, height)
        mol = parse_smiles(smiles)
        check_drawable(mol)
        canonical = Chem.MolToSmiles(mol)
        key = (canonical, width, height, clean_legend(legend))
        with self._lock:
            svg = self._cache.get(key)
            if svg is not None:
                self._cache.move_to_end(key)
                self.hits += 1
                return svg
            self.misses += 1
        if self._render is None:
            svg = draw_svg(mol, width, height, key[3])
        else:
            svg = self._render(canonical, width, height, key[3])
        with self._lock:
            self._cache[key] = svg
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return svg
