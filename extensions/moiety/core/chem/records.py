"""What a compound file reads into: records, the records that could not be read, and values."""

import math
import re
from dataclasses import dataclass, field
from typing import Any

from rdkit import Chem

_INTEGER = re.compile(r"[+-]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def property_value(text: str) -> int | float | str:
    """A property value: a number where the text is one, else the text stripped.

    Integers with leading zeros (identifiers such as ``007``) and non-finite values stay text.
    """
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number
    return text


@dataclass(slots=True)
class CompoundRecord:
    """One compound of a file.

    ``record`` is its 1-based index among the file's records, ``smiles`` the structure as written
    (for SDF, RDKit's canonical SMILES of the record), ``key`` its identity (see ``identity``).
    ``mol`` is the parsed molecule when the reader was asked to keep it.
    """

    record: int
    name: str | None
    smiles: str
    key: str
    properties: dict[str, Any] = field(default_factory=dict)
    mol: Chem.Mol | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.record,
            "name": self.name,
            "smiles": self.smiles,
            "key": self.key,
            "properties": dict(self.properties),
        }


@dataclass(frozen=True, slots=True)
class RecordError:
    """A record that could not be read, with RDKit's (or the reader's) reason."""

    record: int
    reason: str
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"record": self.record, "reason": self.reason, "name": self.name}


@dataclass(slots=True)
class CompoundFile:
    """A compound file read into records; ``smiles_column`` is set for CSV and TSV."""

    path: str
    records: list[CompoundRecord]
    errors: list[RecordError]
    smiles_column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "records": [record.to_dict() for record in self.records],
            "errors": [error.to_dict() for error in self.errors],
            "smiles_column": self.smiles_column,
        }
