"""Split SMILES files and CSV/TSV tables into records, finding the SMILES column by itself."""

import csv
import io
import re
from collections.abc import Iterator

from rdkit import Chem, rdBase

from .errors import UnsupportedFile
from .raw import RawRecord
from .records import property_value

SMILES_HEADERS = ("smiles", "canonicalsmiles", "isomericsmiles", "structure", "smi", "molsmiles")
NAME_HEADERS = (
    "name",
    "id",
    "compoundid",
    "compound",
    "molname",
    "moleculename",
    "title",
    "cmpdid",
)
SNIFF_ROWS = 50
SNIFF_SHARE = 0.8

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _normal(header: str) -> str:
    return _NOT_ALNUM.sub("", header.lower())


def _parses(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 5_000 or " " in text:
        return False
    with rdBase.BlockLogs():
        return Chem.MolFromSmiles(text, sanitize=False) is not None


def find_smiles_column(header: list[str], rows: list[list[str]]) -> int:
    """The index of the SMILES column: by header name, else the column whose sampled values
    parse as SMILES (at least ``SNIFF_SHARE`` of them; the longest values win a tie)."""
    normal = [_normal(name) for name in header]
    for wanted in SMILES_HEADERS:
        if wanted in normal:
            return normal.index(wanted)
    best, best_score = None, (0.0, 0.0)
    sample = rows[:SNIFF_ROWS]
    for index in range(len(header)):
        values = [row[index] for row in sample if index < len(row) and row[index].strip()]
        if not values:
            continue
        share = sum(_parses(value) for value in values) / len(values)
        score = (share, sum(map(len, values)) / len(values))
        if share >= SNIFF_SHARE and score > best_score:
            best, best_score = index, score
    if best is None:
        raise UnsupportedFile(
            "No column of this table holds SMILES: name the column (e.g. 'smiles') "
            "or give its name explicitly."
        )
    return best


def _name_column(header: list[str], skip: int) -> int | None:
    normal = [_normal(name) for name in header]
    for wanted in NAME_HEADERS:
        for index, name in enumerate(normal):
            if name == wanted and index != skip:
                return index
    return None


def table_records(
    text: str, delimiter: str, smiles_column: str | None = None
) -> tuple[str, Iterator[RawRecord]]:
    """The SMILES column's name and the records of a CSV/TSV text (first row is the header)."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UnsupportedFile("This table is empty: it has no header row and no records.")
    header, body = [name.strip() for name in rows[0]], rows[1:]
    if smiles_column is not None:
        if smiles_column not in header:
            raise UnsupportedFile(
                f"This table has no column named {smiles_column!r}; its columns are "
                + ", ".join(repr(name) for name in header)
            )
        column = header.index(smiles_column)
    else:
        column = find_smiles_column(header, body)
    name_column = _name_column(header, column)

    def records() -> Iterator[RawRecord]:
        for number, row in enumerate(body, start=1):
            smiles = row[column].strip() if column < len(row) else ""
            name = None
            if name_column is not None and name_column < len(row):
                name = row[name_column].strip() or None
            properties = {
                key: property_value(value)
                for index, (key, value) in enumerate(zip(header, row, strict=False))
                if index not in (column, name_column) and value.strip()
            }
            yield RawRecord(number, smiles, "smiles", name, properties, smiles)

    return header[column], records()


def smiles_records(text: str) -> Iterator[RawRecord]:
    """Records of a SMILES file: one per non-blank line, the SMILES then an optional name.

    A first line whose first token is ``smiles`` (any case) is a header and is skipped.
    """
    number = 0
    for index, line in enumerate(text.splitlines()):
        parts = line.strip().split(maxsplit=1)
        if not parts or parts[0].startswith("#"):
            continue
        if index == 0 and parts[0].lower() == "smiles":
            continue
        number += 1
        name = parts[1].strip() if len(parts) > 1 else None
        yield RawRecord(number, parts[0], "smiles", name, {}, parts[0])
