"""Moiety: a collaborative research workspace for drug-discovery teams, built on Jupyter."""

from ._version import __version__

__all__ = ["__version__"]


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "moiety"}]
