"""A compound's identity: the InChIKey of its standardized parent.

Standardization follows RDKit MolStandardize: cleanup (metal disconnection, functional-group
normalization, reionization), the largest organic fragment (drops salts and solvents), then
neutralization, and optionally the canonical tautomer. So a re-drawn, re-ordered or salt-form
structure has the same key.

The canonical tautomer is off by default (``TAUTOMERS_BY_DEFAULT``): it costs about 2.4 ms per
NCI molecule on the reference machine, 24 s for 10,000 compounds against a 2 s budget. The
standard InChI already merges the common mobile-hydrogen tautomers (for example
2-hydroxypyridine and 2-pyridone), so most tautomer pairs share a key without it.

Shortcuts: a step runs only when a cheap substructure check finds something it could change.
Metal disconnection needs an atom outside the organic subset; reionization and neutralization
need a charged atom; the largest-fragment choice needs two fragments. The normalizer's default
transforms in RDKit 2026.09 all need a charged atom, except those for nitro groups and N-oxides
(an N, P, As or Sb double-bonded to O, S, Se or Te), azides and diazo groups (N#N) and
sulfoxides (a three-connected S double-bonded to O); ``NORMALIZABLE`` matches a superset of
those, so the normalizer is skipped only for molecules it would leave as they are (over 99% of
the NCI set). The transforms live inside RDKit, so that shortcut is taken only with the RDKit
releases it was checked against (``NORMALIZER_CHECKED``). The tests check that the keys equal
those of every step (``Standardizer(shortcuts=False)``) on every shipped data set, and that
each molecule the normalizer changes is one ``NORMALIZABLE`` or a charge finds.
"""

from dataclasses import dataclass

from rdkit import Chem, rdBase
from rdkit.Chem.MolStandardize import rdMolStandardize

TAUTOMERS_BY_DEFAULT = False

_CHARGED = Chem.MolFromSmarts("[!+0]")
_NOT_ORGANIC = Chem.MolFromSmarts("[!#1;!#5;!#6;!#7;!#8;!#9;!#14;!#15;!#16;!#17;!#34;!#35;!#53]")
NORMALIZABLE = [
    Chem.MolFromSmarts(smarts)
    for smarts in (
        "[#7,#15,#33,#51]=[#8,#16,#34,#52]",
        "[#7]#[#7]",
        "[#16;X3]=[#8]",
        "[#16;!H0]=[#8]",
    )
]
NORMALIZER_CHECKED = ("2026.09.",)


@dataclass(frozen=True, slots=True)
class Identity:
    """``key``: InChIKey of the standardized parent; ``smiles``: canonical SMILES as parsed
    (only for molblocks, whose records have no SMILES as written; None for SMILES records)."""

    key: str
    smiles: str | None = None


class Standardizer:
    """Reusable MolStandardize steps (building them costs more than running them).

    ``shortcuts=False`` runs every step on every molecule (the reference the tests compare to).
    """

    def __init__(self, *, tautomers: bool = TAUTOMERS_BY_DEFAULT, shortcuts: bool = True):
        self.tautomers = tautomers
        self.shortcuts = shortcuts
        self._metals = rdMolStandardize.MetalDisconnector()
        self._normalizer = rdMolStandardize.Normalizer()
        self._reionizer = rdMolStandardize.Reionizer()
        self._fragments = rdMolStandardize.LargestFragmentChooser(preferOrganic=True)
        self._uncharger = rdMolStandardize.Uncharger(canonicalOrder=True)
        self._tautomer = rdMolStandardize.TautomerEnumerator() if tautomers else None
        checked = rdBase.rdkitVersion.startswith(NORMALIZER_CHECKED)
        self._normalizable = [_CHARGED, *NORMALIZABLE] if checked else []

    def _needs(self, mol: Chem.Mol, *patterns: Chem.Mol) -> bool:
        """Whether a step may change ``mol``: one of ``patterns`` is found (none: always)."""
        if not self.shortcuts or not patterns:
            return True
        return any(mol.HasSubstructMatch(pattern) for pattern in patterns)

    def standardize(self, mol: Chem.Mol, *, in_place: bool = False) -> Chem.Mol:
        """The standardized parent of ``mol``: a new molecule unless ``in_place``, in which
        case ``mol`` itself may be changed (for a molecule parsed only to be identified)."""
        if not in_place:
            mol = Chem.Mol(mol)
        if self._needs(mol, _NOT_ORGANIC):
            self._metals.DisconnectInPlace(mol)
        if self._needs(mol, *self._normalizable):
            self._normalizer.normalizeInPlace(mol)
        charged = self._needs(mol, _CHARGED)
        if charged:
            self._reionizer.reionizeInPlace(mol)
        if not self.shortcuts or len(Chem.GetMolFrags(mol)) > 1:
            self._fragments.chooseInPlace(mol)
            charged = self._needs(mol, _CHARGED)
        if charged:
            self._uncharger.unchargeInPlace(mol)
        if self._tautomer is not None:
            mol = self._tautomer.Canonicalize(mol)
        return mol

    def key(self, mol: Chem.Mol, *, in_place: bool = False) -> str:
        """The identity key of ``mol``: the InChIKey of its standardized parent.

        A structure that InChI cannot describe (e.g. with dummy atoms) falls back to
        ``"smiles:"`` plus the canonical SMILES of the parent.
        """
        parent = self.standardize(mol, in_place=in_place)
        with rdBase.BlockLogs():
            key = Chem.MolToInchiKey(parent)
        return key or "smiles:" + Chem.MolToSmiles(parent)

    def identity(self, mol: Chem.Mol, kind: str) -> Identity:
        """The identity of a molecule parsed from a record of ``kind`` (``mol`` is used up)."""
        smiles = Chem.MolToSmiles(mol) if kind == "molblock" else None
        return Identity(self.key(mol, in_place=True), smiles)


def identity_key(mol: Chem.Mol, *, tautomers: bool = TAUTOMERS_BY_DEFAULT) -> str:
    """The identity key of one molecule (builds a Standardizer; use one for many molecules)."""
    return Standardizer(tautomers=tautomers).key(mol)
