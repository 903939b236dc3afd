"""A compound's identity: the InChIKey of its standardized parent.

Standardization follows RDKit MolStandardize: cleanup (metal disconnection, functional-group
normalization, reionization), the largest organic fragment (drops salts and solvents), then
neutralization, and optionally the canonical tautomer. So a re-drawn, re-ordered or salt-form
structure has the same key.

The canonical tautomer is off by default (``TAUTOMERS_BY_DEFAULT``): it costs about 2.4 ms per
NCI molecule on the reference machine, 24 s for 10,000 compounds against a 2 s budget. The
standard InChI already merges the common mobile-hydrogen tautomers (for example
2-hydroxypyridine and 2-pyridone), so most tautomer pairs share a key without it.

The steps that can only change molecules with metals, charges or several fragments run only
when a cheap substructure check finds those; the result is the same as running every step.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from rdkit import Chem, rdBase
from rdkit.Chem.MolStandardize import rdMolStandardize

from .errors import ChemError

TAUTOMERS_BY_DEFAULT = False
DEFAULT_CACHE_SIZE = 200_000

_CHARGED = Chem.MolFromSmarts("[!+0]")
_NOT_ORGANIC = Chem.MolFromSmarts("[!#1;!#5;!#6;!#7;!#8;!#9;!#14;!#15;!#16;!#17;!#34;!#35;!#53]")


@dataclass(frozen=True, slots=True)
class Identity:
    """``key``: InChIKey of the standardized parent; ``smiles``: canonical SMILES as parsed."""

    key: str
    smiles: str


class Standardizer:
    """Reusable MolStandardize steps (building them costs more than running them)."""

    def __init__(self, *, tautomers: bool = TAUTOMERS_BY_DEFAULT):
        self.tautomers = tautomers
        self._metals = rdMolStandardize.MetalDisconnector()
        self._normalizer = rdMolStandardize.Normalizer()
        self._reionizer = rdMolStandardize.Reionizer()
        self._fragments = rdMolStandardize.LargestFragmentChooser(preferOrganic=True)
        self._uncharger = rdMolStandardize.Uncharger(canonicalOrder=True)
        self._tautomer = rdMolStandardize.TautomerEnumerator() if tautomers else None

    def standardize(self, mol: Chem.Mol) -> Chem.Mol:
        """The standardized parent of ``mol`` (a new molecule; ``mol`` is not modified)."""
        mol = Chem.Mol(mol)
        if mol.HasSubstructMatch(_NOT_ORGANIC):
            self._metals.DisconnectInPlace(mol)
        self._normalizer.normalizeInPlace(mol)
        charged = mol.HasSubstructMatch(_CHARGED)
        if charged:
            self._reionizer.reionizeInPlace(mol)
        if len(Chem.GetMolFrags(mol)) > 1:
            self._fragments.chooseInPlace(mol)
            charged = mol.HasSubstructMatch(_CHARGED)
        if charged:
            self._uncharger.unchargeInPlace(mol)
        if self._tautomer is not None:
            mol = self._tautomer.Canonicalize(mol)
        return mol

    def key(self, mol: Chem.Mol) -> str:
        """The identity key of ``mol``: the InChIKey of its standardized parent.

        A structure that InChI cannot describe (e.g. with dummy atoms) falls back to
        ``"smiles:"`` plus the canonical SMILES of the parent.
        """
        parent = self.standardize(mol)
        with rdBase.BlockLogs():
            key = Chem.MolToInchiKey(parent)
        return key or "smiles:" + Chem.MolToSmiles(parent)


class Identifier:
    """Keys with a bounded LRU cache keyed by the structure text as written.

    Versions of a compound file share most of their records, so the cache lets a diff or a
    re-read spend chemistry only on the records that changed. Failures are cached too.
    Safe to share between threads.
    """

    def __init__(
        self, *, tautomers: bool = TAUTOMERS_BY_DEFAULT, cache_size: int = DEFAULT_CACHE_SIZE
    ):
        self.standardizer = Standardizer(tautomers=tautomers)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Identity | ChemError] = OrderedDict()
        self._lock = Lock()

    def key(self, mol: Chem.Mol) -> str:
        return self.standardizer.key(mol)

    def identity(self, mol: Chem.Mol) -> Identity:
        return Identity(self.standardizer.key(mol), Chem.MolToSmiles(mol))

    def lookup(self, text: str) -> Identity | None:
        """The cached identity of a structure text, or None; raises a cached failure."""
        with self._lock:
            found = self._cache.get(text)
            if found is None:
                return None
            self._cache.move_to_end(text)
        if isinstance(found, ChemError):
            raise found.with_traceback(None)
        return found

    def identify(self, text: str, parse: Callable[[str], Chem.Mol]) -> tuple[Identity, Chem.Mol]:
        """Parse ``text`` and compute its identity, remembering it (or the failure)."""
        try:
            mol = parse(text)
        except ChemError as error:
            self._remember(text, error)
            raise
        found = self.identity(mol)
        self._remember(text, found)
        return found, mol

    def _remember(self, text: str, value: Identity | ChemError) -> None:
        if self.cache_size <= 0:
            return
        with self._lock:
            self._cache[text] = value
            self._cache.move_to_end(text)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)


def identity_key(mol: Chem.Mol, *, tautomers: bool = TAUTOMERS_BY_DEFAULT) -> str:
    """The identity key of one molecule (builds a Standardizer; use one for many molecules)."""
    return Standardizer(tautomers=tautomers).key(mol)
