"""Parse SMILES, SMARTS and molblocks, turning RDKit's refusals into errors with its reason.

RDKit reports why it refused an input only on its error log; ``rdBase.CaptureErrorLog`` collects
those lines while we parse, so the reason reaches the person who typed the input.

Bounds (checked before any expensive work):

- ``MAX_TEXT_LENGTH``: characters of a SMILES or SMARTS (a 1,000-atom SMILES is 1,000-4,000).
- ``MAX_MOLBLOCK_LENGTH``: characters of one molblock (about 80 per atom or bond line).
- ``MAX_ATOMS``: atoms of a molecule, counted before sanitization. Drug-like compounds have under
  100 heavy atoms and peptides or macrocycles a few hundred; 2D layout of a 1,000-atom chain
  takes about 1.5 s, so beyond that depiction and search stop being interactive.
- ``MAX_QUERY_ATOMS``: atoms of a substructure query; matching cost grows quickly with them.
"""

import re

from rdkit import Chem, rdBase

from .errors import InputTooLarge, InvalidMolecule, InvalidQuery
from .limits import MAX_ATOMS, MAX_MOLBLOCK_LENGTH, MAX_QUERY_ATOMS, MAX_TEXT_LENGTH

__all__ = [
    "MAX_ATOMS",
    "MAX_MOLBLOCK_LENGTH",
    "MAX_QUERY_ATOMS",
    "MAX_TEXT_LENGTH",
    "PARSERS",
    "parse_molblock",
    "parse_query",
    "parse_smarts",
    "parse_smiles",
    "rdkit_reason",
]

_TIMESTAMP = re.compile(r"^\[\d\d:\d\d:\d\d\] ?")
_POSITION = re.compile(r"check for mistakes around position (\d+)")


def rdkit_reason(messages: str) -> tuple[str, int | None]:
    """RDKit's log lines as one sentence, and the 1-based position of the mistake if given."""
    lines = [_TIMESTAMP.sub("", line).strip() for line in messages.splitlines()]
    lines = [line for line in lines if line]
    position = None
    for line in lines:
        found = _POSITION.search(line)
        if found:
            position = int(found.group(1))
    if not lines:
        return "RDKit refused it without giving a reason", position
    reason = lines[0]
    if position is not None:
        reason += f" (around position {position})"
    return reason, position


def _check_length(text: str, kind: str, limit: int) -> None:
    if len(text) > limit:
        raise InputTooLarge(
            f"This {kind} has {len(text):,} characters; the limit is {limit:,}. "
            "Shorten it or split it into smaller molecules."
        )


def _check_atoms(mol: Chem.Mol, kind: str, limit: int) -> None:
    if mol.GetNumAtoms() > limit:
        raise InputTooLarge(f"This {kind} has {mol.GetNumAtoms():,} atoms; the limit is {limit:,}.")


def parse_smiles(text: str, *, max_atoms: int = MAX_ATOMS) -> Chem.Mol:
    """A sanitized molecule from a SMILES; raises InvalidMolecule or InputTooLarge.

    A SMILES has at least one character per atom, so only a text longer than ``max_atoms`` is
    pre-parsed without sanitization to count its atoms before the expensive steps.
    """
    return _parse_smiles(text.strip(), max_atoms, InvalidMolecule, "SMILES")


def _parse_smiles(text: str, max_atoms: int, error: type[InvalidMolecule], kind: str) -> Chem.Mol:
    _check_length(text, kind, MAX_TEXT_LENGTH)
    if not text:
        raise error(text, "it is empty", kind=kind)
    if len(text) > max_atoms:
        with rdBase.CaptureErrorLog():
            unsanitized = Chem.MolFromSmiles(text, sanitize=False)
        if unsanitized is not None:
            _check_atoms(unsanitized, kind, max_atoms)
    with rdBase.CaptureErrorLog() as capture:
        mol = Chem.MolFromSmiles(text)
    if mol is None:
        reason, position = rdkit_reason(capture.messages)
        raise error(text, reason, kind=kind, position=position)
    return mol


def parse_smarts(text: str, *, max_atoms: int = MAX_QUERY_ATOMS) -> Chem.Mol:
    """A query molecule from a SMARTS; raises InvalidQuery or InputTooLarge."""
    text = text.strip()
    _check_length(text, "SMARTS", MAX_TEXT_LENGTH)
    if not text:
        raise InvalidQuery(text, "it is empty", kind="SMARTS")
    with rdBase.CaptureErrorLog() as capture:
        mol = Chem.MolFromSmarts(text)
    if mol is None:
        reason, position = rdkit_reason(capture.messages)
        raise InvalidQuery(text, reason, kind="SMARTS", position=position)
    _check_atoms(mol, "SMARTS", max_atoms)
    return mol


def parse_query(text: str, kind: str = "smarts") -> Chem.Mol:
    """A substructure query from a SMARTS (``kind="smarts"``) or a SMILES (``kind="smiles"``).

    A SMILES query is sanitized, so its aromaticity is perceived as in the searched molecules.
    """
    if kind == "smarts":
        return parse_smarts(text)
    if kind == "smiles":
        return _parse_smiles(text.strip(), MAX_QUERY_ATOMS, InvalidQuery, "SMILES")
    raise InvalidQuery(text, f"unknown query kind {kind!r}; use 'smarts' or 'smiles'")


def parse_molblock(text: str, *, max_atoms: int = MAX_ATOMS) -> Chem.Mol:
    """A sanitized molecule from a molblock (one SDF record's connection table)."""
    _check_length(text, "molblock", MAX_MOLBLOCK_LENGTH)
    if text.count("\n") > max_atoms:
        with rdBase.CaptureErrorLog():
            unsanitized = Chem.MolFromMolBlock(text, sanitize=False, removeHs=False)
        if unsanitized is not None:
            _check_atoms(unsanitized, "molblock", max_atoms)
    with rdBase.CaptureErrorLog() as capture:
        mol = Chem.MolFromMolBlock(text)
    if mol is None:
        reason, position = rdkit_reason(capture.messages)
        raise InvalidMolecule(text, reason, kind="molblock", position=position)
    return mol


PARSERS = {"smiles": parse_smiles, "molblock": parse_molblock}
"""The parser of each kind of record text (see ``raw.RawRecord.kind``)."""
