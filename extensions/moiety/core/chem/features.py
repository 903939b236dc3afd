"""A screen for SMARTS queries that stays exact: hashed features both sides can state for sure.

RDKit's pattern fingerprint screens molecule queries well, but for SMARTS it either goes wrong
(``[r5;#7]``) or, made safe (``screen.screen_query``), weak: implicit SMARTS bonds (single or
aromatic) and element-only atoms (``[#7]``) drop most of its bits. These features are built
from facts a SMARTS states for certain (``query_facts``), on both sides:

- atoms: the element; the element with aromaticity; the element with the smallest ring size
  (0: in no ring); the smallest ring size alone;
- bonds: the elements at both ends with the ``BondClass`` (single or aromatic, double, triple);
- subgraphs of up to ``MAX_PATH`` bonds (RDKit's path fingerprint, branched) with the element
  as the atom invariant and bond orders left out (the generator ignores custom bond
  invariants), on the query's skeleton: its atoms with a known element, all bonds between them.

A molecule that matches the query contains the image of the skeleton with the same elements,
and atoms and bonds with the same facts, so it has every feature of the query: the screen never
drops a match (the tests check it against RDKit on the shipped data sets). Fingerprints are
``FEATURE_BITS`` bits, stored like the pattern screens.
"""

from functools import cache

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdFingerprintGenerator

from .query_facts import BondClass, atom_facts, bond_class

FEATURE_BITS = 2048
MAX_PATH = 4

_GENERATOR = rdFingerprintGenerator.GetRDKitFPGenerator(
    minPath=1,
    maxPath=MAX_PATH,
    fpSize=FEATURE_BITS,
    numBitsPerFeature=1,
    branchedPaths=True,
    useBondOrder=False,
)
ELEMENT, AROMATIC, RING, RING_ONLY, BOND = 1, 2, 3, 4, 5


def _bit(layer, first, second):
    """The bit of a feature; works alike on ints and on numpy uint64 arrays (the low 32 bits
    of a product do not depend on the wrap-around of the high ones)."""
    mixed = (layer * 0x9E3779B1) ^ ((first + 1) * 0x85EBCA77) ^ ((second + 3) * 0xC2B2AE3D)
    return (mixed & 0xFFFFFFFF) % FEATURE_BITS


@cache
def _atom_bits(number: int | None, aromatic: bool | None, ring: int | None) -> tuple[int, ...]:
    bits = []
    if ring is not None:
        bits.append(_bit(RING_ONLY, 0, ring))
    if number is not None:
        bits.append(_bit(ELEMENT, number, 0))
        if aromatic is not None:
            bits.append(_bit(AROMATIC, number, int(aromatic)))
        if ring is not None:
            bits.append(_bit(RING, number, ring))
    return tuple(bits)


def _bond_bit(first: int, second: int, kind: BondClass) -> int:
    low, high = sorted((first, second))
    return _bit(BOND, low, high * 8 + int(kind))


def _words(paths: np.ndarray, *bits) -> bytes:
    for found in bits:
        if len(found):
            paths[np.fromiter(found, dtype=np.int64) if isinstance(found, set) else found] = 1
    return np.packbits(paths, bitorder="little").tobytes()


def _bond_bits(mol: Chem.Mol, numbers: np.ndarray) -> np.ndarray:
    """The bond features of a molecule, from its bond-order matrix (1.5: aromatic)."""
    orders = np.triu(Chem.GetAdjacencyMatrix(mol, useBO=True))
    begins, ends = np.nonzero(orders)
    values = orders[begins, ends]
    kinds = np.full(len(values), int(BondClass.OTHER), dtype=np.uint64)
    kinds[(values == 1) | (values == 1.5)] = int(BondClass.SINGLE_OR_AROMATIC)
    kinds[values == 2] = int(BondClass.DOUBLE)
    kinds[values == 3] = int(BondClass.TRIPLE)
    first, second = numbers[begins], numbers[ends]
    low, high = np.minimum(first, second), np.maximum(first, second)
    return _bit(np.uint64(BOND), low, high * np.uint64(8) + kinds).astype(np.int64)


def molecule_features(mol: Chem.Mol) -> bytes:
    """The feature fingerprint of a molecule (as ``FEATURE_BITS // 8`` bytes)."""
    rings = [0] * mol.GetNumAtoms()
    for ring in sorted(mol.GetRingInfo().AtomRings(), key=len, reverse=True):
        for index in ring:
            rings[index] = len(ring)
    atoms = [(atom.GetAtomicNum(), atom.GetIsAromatic()) for atom in mol.GetAtoms()]
    bits: set[int] = set()
    for (number, aromatic), ring in zip(atoms, rings, strict=True):
        bits.update(_atom_bits(number, aromatic, ring))
    numbers = [number for number, _ in atoms]
    bonds = _bond_bits(mol, np.array(numbers, dtype=np.uint64)) if mol.GetNumBonds() else []
    paths = _GENERATOR.GetFingerprintAsNumPy(mol, customAtomInvariants=numbers)
    return _words(paths, bits, bonds)


def query_features(query: Chem.Mol) -> bytes:
    """The features every molecule matching ``query`` (a SMARTS query molecule) has."""
    skeleton = Chem.RWMol()
    index: dict[int, int] = {}
    numbers, bits = [], set()
    for atom in query.GetAtoms():
        facts = atom_facts(atom)
        bits.update(_atom_bits(facts.number, facts.aromatic, facts.ring))
        if facts.number is not None:
            index[atom.GetIdx()] = skeleton.AddAtom(Chem.Atom(facts.number))
            numbers.append(facts.number)
    for bond in query.GetBonds():
        begin, end = index.get(bond.GetBeginAtomIdx()), index.get(bond.GetEndAtomIdx())
        if begin is None or end is None:
            continue
        skeleton.AddBond(begin, end, Chem.BondType.SINGLE)
        kind = bond_class(bond)
        if kind is not None:
            bits.add(_bond_bit(numbers[begin], numbers[end], kind))
    skeleton.UpdatePropertyCache(strict=False)
    paths = _GENERATOR.GetFingerprintAsNumPy(skeleton, customAtomInvariants=numbers)
    return _words(paths, bits)
