"""Pattern-fingerprint screens that never drop a true match.

RDKit's pattern fingerprint of a SMARTS query is not always sound: for ``[r5;#7]`` it sets the
bit of an aliphatic nitrogen, so aromatic 5-ring nitrogens fail the screen although they match
(RDKit's ``SubstructLibrary`` misses them the same way). The screen here fingerprints a more
general copy of the query instead: every atom whose query is more than an element with its
aromaticity (``C``, ``n``) becomes ``*`` and every bond that is more than one bond order (or
SMARTS's implicit single-or-aromatic) becomes ``~``. Any molecule that matches the query
matches the copy, so the screen keeps it. Fingerprints are kept as one numpy array per file,
word by word, so screening 100,000 molecules is a few vector operations. SMARTS queries are
screened by ``features`` too, which states much more of them for certain.
"""

import re

import numpy as np
from rdkit import Chem, DataStructs
from rdkit.Chem import rdSubstructLibrary

_PLAIN_ATOM = re.compile(r"AtomType \d+ = val\n")
_PLAIN_BOND = re.compile(r"(SingleOrAromaticBond 1|BondOrder (1|2|3|12)) = val\n")
_ANY_ATOM = Chem.AtomFromSmarts("*")
_ANY_BOND = Chem.BondFromSmarts("~")
_FINGERPRINTER = rdSubstructLibrary.PatternHolder()


def screen_query(query: Chem.Mol) -> Chem.Mol:
    """A copy of ``query`` whose pattern fingerprint is a sound screen for it."""
    general = Chem.RWMol(query)
    for atom in query.GetAtoms():
        if atom.HasQuery() and not _PLAIN_ATOM.fullmatch(atom.DescribeQuery()):
            general.ReplaceAtom(atom.GetIdx(), _ANY_ATOM)
    for bond in query.GetBonds():
        if bond.HasQuery() and not _PLAIN_BOND.fullmatch(bond.DescribeQuery()):
            general.ReplaceBond(bond.GetIdx(), _ANY_BOND)
    return general.GetMol()


def fingerprint_words(mol: Chem.Mol) -> bytes:
    """The pattern fingerprint of a molecule or query, as raw bytes."""
    return DataStructs.BitVectToBinaryText(_FINGERPRINTER.MakeFingerprint(mol))


def fingerprint_array(fingerprints: list[bytes]) -> np.ndarray:
    """One row per 64-bit word, one column per molecule (so a word is one contiguous row)."""
    if not fingerprints:
        return np.zeros((0, 0), dtype=np.uint64)
    flat = np.frombuffer(b"".join(fingerprints), dtype=np.uint64)
    return np.ascontiguousarray(flat.reshape(len(fingerprints), -1).T)


def query_words(query: Chem.Mol) -> np.ndarray:
    screen = screen_query(query)
    return np.frombuffer(fingerprint_words(screen), dtype=np.uint64)


def candidates(
    array: np.ndarray, words: np.ndarray, start: int = 0, *more: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Positions from ``start`` on whose fingerprints have every bit of ``words`` (and, for
    each further ``(array, words)`` pair, every bit of those words in that array)."""
    keep = np.ones(array.shape[1] - start, dtype=bool)
    for screens, wanted in ((array, words), *more):
        for word in np.flatnonzero(wanted):
            value = wanted[word]
            keep &= (screens[word, start:] & value) == value
    return np.flatnonzero(keep) + start
