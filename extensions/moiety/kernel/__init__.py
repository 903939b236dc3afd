"""The notebook API: ``moiety.post`` and ``moiety.MoleculeGrid``, for kernel code.

``post`` needs only the standard library; ``MoleculeGrid`` loads RDKit and ipywidgets when it
is first used, so ``import moiety`` stays fast.
"""

from .posting import NotInHub, post

__all__ = ["MoleculeGrid", "MoleculeGridModel", "NotInHub", "post"]


def __getattr__(name: str):
    if name == "MoleculeGrid":
        from .grid import MoleculeGrid

        return MoleculeGrid
    if name == "MoleculeGridModel":
        from .grid_model import MoleculeGridModel

        return MoleculeGridModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
