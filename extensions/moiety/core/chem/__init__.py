"""Chemistry core: parsing with reasons, depiction, identity, compound files, diff and search.

Plain Python over RDKit, no web framework; the service and the server extension call it. The
names below load their module on first use, so a process that needs only the rdkit-free parts
(errors, limits, the depiction pool and cache, as the service does) never loads RDKit.
"""

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "is_compound_file": "compound_files",
    "read_compounds": "compound_files",
    "Depicter": "depict",
    "draw_svg": "depict",
    "render_svg": "depict",
    "DepictionCache": "depict_cache",
    "DepictionPool": "depict_pool",
    "CompoundDiff": "diff",
    "diff_compounds": "diff",
    "highlights": "diff",
    "ChemError": "errors",
    "DepictionFailed": "errors",
    "DepictionTimeout": "errors",
    "InputTooLarge": "errors",
    "InvalidCursor": "errors",
    "InvalidLimit": "errors",
    "InvalidMolecule": "errors",
    "InvalidQuery": "errors",
    "InvalidSize": "errors",
    "UnsupportedFile": "errors",
    "Identifier": "identifier",
    "Identity": "identity",
    "Standardizer": "identity",
    "identity_key": "identity",
    "IdentityStore": "identity_store",
    "parse_molblock": "parsing",
    "parse_query": "parsing",
    "parse_smarts": "parsing",
    "parse_smiles": "parsing",
    "CompoundFile": "records",
    "CompoundRecord": "records",
    "RecordError": "records",
    "SearchPage": "search",
    "SubstructureIndex": "search",
    "SyncReport": "search",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from .compound_files import is_compound_file, read_compounds  # noqa: F401
    from .depict import Depicter, draw_svg, render_svg  # noqa: F401
    from .depict_cache import DepictionCache  # noqa: F401
    from .depict_pool import DepictionPool  # noqa: F401
    from .diff import CompoundDiff, diff_compounds, highlights  # noqa: F401
    from .errors import (  # noqa: F401
        ChemError,
        DepictionFailed,
        DepictionTimeout,
        InputTooLarge,
        InvalidCursor,
        InvalidLimit,
        InvalidMolecule,
        InvalidQuery,
        InvalidSize,
        UnsupportedFile,
    )
    from .identifier import Identifier  # noqa: F401
    from .identity import Identity, Standardizer, identity_key  # noqa: F401
    from .identity_store import IdentityStore  # noqa: F401
    from .parsing import parse_molblock, parse_query, parse_smarts, parse_smiles  # noqa: F401
    from .records import CompoundFile, CompoundRecord, RecordError  # noqa: F401
    from .search import SearchPage, SubstructureIndex, SyncReport  # noqa: F401


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
