"""Chemistry core: parsing with reasons, depiction, identity, compound files, diff and search.

Plain Python over RDKit, no web framework; the service and the server extension call it.
"""

from .compound_files import is_compound_file, read_compounds
from .depict import Depicter, depict_job, draw_svg, render_svg
from .depict_cache import DepictionCache
from .depict_pool import DepictionPool
from .diff import CompoundDiff, diff_compounds, highlights
from .errors import (
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
from .identifier import Identifier
from .identity import Identity, Standardizer, identity_key
from .identity_store import IdentityStore
from .parsing import parse_molblock, parse_query, parse_smarts, parse_smiles
from .records import CompoundFile, CompoundRecord, RecordError
from .search import SearchPage, SubstructureIndex, SyncReport

__all__ = [
    "ChemError",
    "CompoundDiff",
    "CompoundFile",
    "CompoundRecord",
    "Depicter",
    "DepictionCache",
    "DepictionFailed",
    "DepictionPool",
    "DepictionTimeout",
    "Identifier",
    "Identity",
    "IdentityStore",
    "InputTooLarge",
    "InvalidCursor",
    "InvalidLimit",
    "InvalidMolecule",
    "InvalidQuery",
    "InvalidSize",
    "RecordError",
    "SearchPage",
    "Standardizer",
    "SubstructureIndex",
    "SyncReport",
    "UnsupportedFile",
    "depict_job",
    "diff_compounds",
    "draw_svg",
    "highlights",
    "identity_key",
    "is_compound_file",
    "parse_molblock",
    "parse_query",
    "parse_smarts",
    "parse_smiles",
    "read_compounds",
    "render_svg",
]
