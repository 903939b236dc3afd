"""Molecules as kernel code hands them over, in the feed's notation.

A molecule may be a SMILES string, an RDKit molecule (its ``_Name`` becomes the name), a
``(name, smiles)`` pair (the structure may be a molecule there too) or a ``{"smiles", "name"}``
dict. In a post they become one fenced ``smiles`` block, one molecule a line: the SMILES, then
the name after a space.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Entry = tuple[str, str | None]


def _is_rdkit_molecule(value: Any) -> bool:
    return type(value).__module__.startswith("rdkit") and hasattr(value, "GetNumAtoms")


def _smiles_of(structure: Any, position: int) -> str:
    if _is_rdkit_molecule(structure):
        from rdkit import Chem

        return Chem.MolToSmiles(structure)
    if not isinstance(structure, str):
        raise TypeError(
            f"Molecule {position}: give a SMILES string or an RDKit molecule, "
            f"not {type(structure).__name__}."
        )
    from ..core.chem import ChemError, parse_smiles

    smiles = structure.strip()
    try:
        parse_smiles(smiles)
    except ChemError as error:
        raise ValueError(f"Molecule {position} ({smiles[:60]!r}): {error}") from None
    return smiles


def clean_name(name: Any) -> str | None:
    """A name fit for one line of a smiles block (no line breaks, no backticks)."""
    if name is None:
        return None
    text = " ".join(str(name).replace("`", "'").split())
    return text or None


def molecule_entry(item: Any, position: int = 1) -> Entry:
    """``(smiles, name)`` of one molecule; raises ValueError or TypeError saying what is wrong."""
    name = None
    if isinstance(item, dict):
        structure, name = item.get("smiles"), item.get("name")
    elif isinstance(item, tuple | list):
        if len(item) != 2:
            raise TypeError(
                f"Molecule {position}: a pair is (name, smiles); got {len(item)} items."
            )
        name, structure = item
    else:
        structure = item
        if _is_rdkit_molecule(item) and item.HasProp("_Name"):
            name = item.GetProp("_Name")
    return _smiles_of(structure, position), clean_name(name)


def molecule_entries(molecules: Iterable[Any] | None) -> list[Entry]:
    if molecules is None:
        return []
    if isinstance(molecules, str) or _is_rdkit_molecule(molecules):
        molecules = [molecules]
    return [molecule_entry(item, position) for position, item in enumerate(molecules, start=1)]


def smiles_block(entries: Iterable[Entry]) -> str:
    """The fenced block the feed renders as structures."""
    lines = [smiles if not name else f"{smiles} {name}" for smiles, name in entries]
    return "\n".join(["```smiles", *lines, "```"])
