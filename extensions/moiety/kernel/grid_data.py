"""The rows a MoleculeGrid shows, from what a notebook has at hand.

``data`` may be a pandas DataFrame, a list of dicts, a list of SMILES (or RDKit molecules, or
``(name, smiles)`` pairs) or the path of a compound file (``.sdf``, ``.smi``, ``.csv``, ``.tsv``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .molecules import _is_rdkit_molecule, clean_name


@dataclass(slots=True)
class GridItem:
    """One molecule of the grid; ``index`` is its position in the data, its stable id."""

    index: int
    smiles: str
    name: str | None
    properties: dict[str, Any] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """A value as the grid shows and sorts it: numpy and pandas scalars become Python ones,
    missing values (NaN, None) become None."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _structure(value: Any) -> str:
    if _is_rdkit_molecule(value):
        from rdkit import Chem

        return Chem.MolToSmiles(value)
    return "" if value is None else str(value).strip()


def _rows(records: list[dict], smiles: str, name: str, properties: list[str] | None):
    if records and smiles not in records[0]:
        columns = ", ".join(repr(key) for key in records[0])
        raise ValueError(f"No column {smiles!r} holds the SMILES; the columns are {columns}.")
    items = []
    for index, record in enumerate(records):
        wanted = properties or [k for k in record if k not in (smiles, name)]
        values = {key: plain(record.get(key)) for key in wanted}
        name_value = plain(record.get(name)) if name in record else None
        items.append(GridItem(index, _structure(record[smiles]), clean_name(name_value), values))
    return items


def _from_file(path: Path, properties: list[str] | None) -> list[GridItem]:
    from rdkit import Chem, rdBase

    from ..core.chem import ChemError
    from ..core.chem.compound_files import raw_records
    from ..core.chem.parsing import PARSERS

    _, raws = raw_records(path.read_bytes(), path.name)
    items = []
    with rdBase.BlockLogs():
        for raw in raws:
            smiles = raw.smiles
            if smiles is None:
                try:
                    smiles = Chem.MolToSmiles(PARSERS[raw.kind](raw.structure))
                except ChemError:
                    smiles = ""
            values = {k: v for k, v in raw.properties.items() if not properties or k in properties}
            items.append(GridItem(len(items), smiles, clean_name(raw.name), values))
    return items


def grid_items(
    data: Any, smiles: str = "smiles", name: str = "name", properties: list[str] | None = None
) -> list[GridItem]:
    """The grid's items from ``data``; raises ValueError or TypeError saying what is wrong."""
    properties = list(properties) if properties is not None else None
    if isinstance(data, str | Path):
        path = Path(data)
        if not path.is_file():
            raise ValueError(f"{str(data)!r} is not a file; give a compound file or the data.")
        return _from_file(path, properties)
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        return _rows(data.to_dict("records"), smiles, name, properties)
    records = list(data)
    if records and all(isinstance(record, dict) for record in records):
        return _rows(records, smiles, name, properties)
    items = []
    for index, record in enumerate(records):
        label, structure = None, record
        if isinstance(record, tuple | list) and len(record) == 2:
            label, structure = record
        elif _is_rdkit_molecule(record) and record.HasProp("_Name"):
            label = record.GetProp("_Name")
        if not isinstance(structure, str) and not _is_rdkit_molecule(structure):
            raise TypeError(
                f"Item {index + 1}: give SMILES, RDKit molecules, (name, smiles) pairs or dicts, "
                f"not {type(record).__name__}."
            )
        items.append(GridItem(index, _structure(structure), clean_name(label)))
    return items
