"""What a SMARTS query atom or bond says for certain about the atoms and bonds it matches.

RDKit describes a query as a tree (``DescribeQuery``): AND and OR nodes over primitives such as
``AtomAtomicNum 7 = val`` or ``AtomMinRingSize 5 = val``. A fact is kept only when every match
must have it: from a primitive that is not negated (or a negated one whose complement is one
value, such as "not aromatic"), from any child of an AND, and from an OR only when all its
children agree. Anything else (recursive SMARTS, degrees, hydrogen counts, charges) says
nothing here, which is always safe: the screen built from these facts only grows weaker.

Facts of an atom: ``number`` (element), ``aromatic`` and ``ring`` (smallest ring size, 0 when
the atom is in no ring). Facts of a bond: its ``BondClass``: single or aromatic, double, triple.
"""

import re
from dataclasses import dataclass, fields, replace
from enum import IntEnum

from rdkit import Chem

_LEAF = re.compile(r"(\w+) (-?\d+) (!?=) val")


class BondClass(IntEnum):
    SINGLE_OR_AROMATIC = 1
    DOUBLE = 2
    TRIPLE = 3
    OTHER = 4


MOLECULE_BOND_CLASS = {
    Chem.BondType.SINGLE: BondClass.SINGLE_OR_AROMATIC,
    Chem.BondType.AROMATIC: BondClass.SINGLE_OR_AROMATIC,
    Chem.BondType.DOUBLE: BondClass.DOUBLE,
    Chem.BondType.TRIPLE: BondClass.TRIPLE,
}
_BOND_ORDERS = {
    1: BondClass.SINGLE_OR_AROMATIC,
    12: BondClass.SINGLE_OR_AROMATIC,
    2: BondClass.DOUBLE,
    3: BondClass.TRIPLE,
}


@dataclass(frozen=True, slots=True)
class AtomFacts:
    number: int | None = None
    aromatic: bool | None = None
    ring: int | None = None


NOTHING = AtomFacts()


def _tree(description: str) -> tuple[str, list]:
    """The description's lines as ``(label, children)``, by their two-space indentation."""
    root: tuple[str, list] = ("", [])
    stack = [(-1, root)]
    for line in description.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        node = (line.strip(), [])
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1][1].append(node)
        stack.append((depth, node))
    children = root[1]
    return children[0] if len(children) == 1 else ("Unknown", [])


def _atom_leaf(name: str, value: int, negated: bool) -> AtomFacts:
    if negated:
        if name == "AtomIsAromatic":
            return AtomFacts(aromatic=False)
        if name == "AtomIsAliphatic":
            return AtomFacts(aromatic=True)
        if (name, value) in (("AtomInNRings", -1), ("AtomInRing", 1)):
            return AtomFacts(ring=0)
        return NOTHING
    if name == "AtomAtomicNum":
        return AtomFacts(number=value)
    if name == "AtomType":
        return AtomFacts(number=value % 1000, aromatic=value >= 1000)
    if name == "AtomIsAromatic":
        return AtomFacts(aromatic=True)
    if name == "AtomIsAliphatic":
        return AtomFacts(aromatic=False)
    if name == "AtomMinRingSize" and value >= 0:
        return AtomFacts(ring=value)
    if name == "AtomInNRings" and value == 0:
        return AtomFacts(ring=0)
    return NOTHING


def _atom_facts(node: tuple[str, list]) -> AtomFacts:
    label, children = node
    leaf = _LEAF.fullmatch(label)
    if leaf:
        name, value, operator = leaf.groups()
        return _atom_leaf(name, int(value), operator == "!=")
    if label == "AtomAnd":
        merged = NOTHING
        for child in map(_atom_facts, children):
            known = {f.name: getattr(child, f.name) for f in fields(child)}
            known = {k: v for k, v in known.items() if v is not None and getattr(merged, k) is None}
            merged = replace(merged, **known)
        return merged
    if label == "AtomOr" and children:
        facts = [_atom_facts(child) for child in children]
        agreed = {
            f.name: getattr(facts[0], f.name)
            for f in fields(AtomFacts)
            if len({getattr(fact, f.name) for fact in facts}) == 1
        }
        return AtomFacts(**agreed)
    return NOTHING


def atom_facts(atom: Chem.Atom) -> AtomFacts:
    """What every atom that ``atom`` (of a query molecule) matches has for certain."""
    if not atom.HasQuery():
        return AtomFacts(number=atom.GetAtomicNum())
    description = atom.DescribeQuery()
    # Negation is shown only on primitives; if SMARTS ever negated a whole AND or OR, the
    # description would not say so: then the atom is taken to say nothing.
    if atom.GetSmarts().count("!") != description.count("!=") + description.count("not in"):
        return NOTHING
    return _atom_facts(_tree(description))


def _bond_facts(node: tuple[str, list]) -> BondClass | None:
    label, children = node
    leaf = _LEAF.fullmatch(label)
    if leaf:
        name, value, operator = leaf.groups()
        if operator != "=":
            return None
        if name == "BondOrder":
            return _BOND_ORDERS.get(int(value))
        if name == "SingleOrAromaticBond":
            return BondClass.SINGLE_OR_AROMATIC
        return None
    found = [_bond_facts(child) for child in children]
    if label == "BondAnd":
        return next((kind for kind in found if kind is not None), None)
    if label == "BondOr" and found and len(set(found)) == 1:
        return found[0]
    return None


def bond_class(bond: Chem.Bond) -> BondClass | None:
    """The class of every bond that ``bond`` (of a query molecule) matches, or None."""
    if not bond.HasQuery():
        return MOLECULE_BOND_CLASS.get(bond.GetBondType(), BondClass.OTHER)
    description = bond.DescribeQuery()
    if bond.GetSmarts().count("!") != description.count("!="):
        return None
    return _bond_facts(_tree(description))
