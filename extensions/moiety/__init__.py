"""Moiety: a collaborative research workspace for drug-discovery teams, built on Jupyter."""

from ._version import __version__

__all__ = ["MoleculeGrid", "__version__", "post"]
_KERNEL_API = ("MoleculeGrid", "post")


def __getattr__(name: str):
    """``moiety.post`` and ``moiety.MoleculeGrid`` load the notebook API on first use, so
    ``import moiety`` stays fast (no RDKit, no ipywidgets)."""
    if name in _KERNEL_API:
        from . import kernel

        return getattr(kernel, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "moiety"}]
