"""Read compound files (``.sdf``, ``.smi``, ``.csv``, ``.tsv``) into records with identities.

The caller passes bytes and a file name, since it reads them from git blobs. Records that do
not parse are reported with their number and RDKit's reason; they never stop the read.
"""

from collections.abc import Iterable
from functools import cache
from pathlib import PurePosixPath

from rdkit import rdBase

from .errors import ChemError, UnsupportedFile
from .identifier import Identifier
from .parsing import PARSERS
from .raw import RawRecord
from .read_sdf import sdf_records
from .read_table import smiles_records, table_records
from .records import CompoundFile, CompoundRecord, RecordError

COMPOUND_SUFFIXES = (".sdf", ".smi", ".csv", ".tsv")
NO_STRUCTURE = UnsupportedFile("This record has no structure.")


def is_compound_file(path: str) -> bool:
    """Whether ``path`` names a compound file, by its suffix (any case).

    A CSV or TSV without a SMILES column is still refused by ``read_compounds``.
    """
    return PurePosixPath(path).suffix.lower() in COMPOUND_SUFFIXES


@cache
def default_identifier() -> Identifier:
    """One shared in-memory Identifier for callers that do not bring their own."""
    return Identifier()


def decode(data: bytes) -> str:
    """Text of a file: UTF-8 (with or without a byte-order mark), else Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def raw_records(
    data: bytes, path: str, smiles_column: str | None = None
) -> tuple[str | None, Iterable[RawRecord]]:
    """The SMILES column (tables only) and the raw records of a compound file."""
    suffix = PurePosixPath(path).suffix.lower()
    text = decode(data)
    if suffix == ".sdf":
        return None, sdf_records(text)
    if suffix == ".smi":
        return None, smiles_records(text)
    if suffix in (".csv", ".tsv"):
        return table_records(text, "," if suffix == ".csv" else "\t", smiles_column)
    raise UnsupportedFile(
        f"{path} is not a compound file; Moiety reads " + ", ".join(COMPOUND_SUFFIXES) + " files."
    )


def read_compounds(
    data: bytes,
    path: str,
    *,
    smiles_column: str | None = None,
    identifier: Identifier | None = None,
    keep_molecules: bool = False,
) -> CompoundFile:
    """Read a compound file into records keyed by chemical identity.

    ``smiles_column`` names the SMILES column of a CSV/TSV (else the column the identifier's
    settings name for ``path``, else found by itself); ``identifier`` brings the project's
    settings (tautomers, SMILES columns) and the identity caches (a shared in-memory default
    when omitted; give one with a ``cache_dir`` so that a version read once never pays
    again); ``keep_molecules`` keeps each parsed molecule on its record (``record.mol``).
    Raises UnsupportedFile for a file that is not a compound file or a table without SMILES.
    """
    identifier = identifier or default_identifier()
    column, raws = raw_records(data, path, smiles_column or identifier.smiles_column(path))
    raws = list(raws)
    wanted = [(raw.kind, raw.structure) for raw in raws if raw.structure.strip()]
    outcomes = iter(identifier.identities(wanted))
    records: list[CompoundRecord] = []
    errors: list[RecordError] = []
    with rdBase.BlockLogs():
        for raw in raws:
            outcome = next(outcomes) if raw.structure.strip() else NO_STRUCTURE
            if isinstance(outcome, ChemError):
                errors.append(RecordError(raw.record, str(outcome), raw.name))
                continue
            mol = PARSERS[raw.kind](raw.structure) if keep_molecules else None
            smiles = raw.smiles or outcome.smiles
            records.append(
                CompoundRecord(raw.record, raw.name, smiles, outcome.key, raw.properties, mol)
            )
    return CompoundFile(path, records, errors, column)
