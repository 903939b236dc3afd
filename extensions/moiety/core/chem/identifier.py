"""Identities of compound records, remembered by the record's own text.

An Identifier also carries a project's compound settings (``settings.CompoundSettings``): the
tautomer choice, part of every identity, and the SMILES column named for each table, which
``read_compounds`` uses for a table when its caller names none.

Versions of a compound file share most of their records, so an identity is remembered under a
digest of the structure text as written (with its kind, the standardization options and the
RDKit version): in memory (an LRU of ``cache_size`` entries) and, given a ``cache_dir``, on disk
(``IdentityStore``), so a version read once, e.g. when it was committed, never pays again, in
this process or in the next. Failures are remembered too. The records no cache knows are
computed in worker processes when there are at least ``parallel_threshold`` of them, else here.
"""

import copy
import hashlib
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from threading import Lock

from rdkit import rdBase

from . import identity_workers
from .errors import ChemError
from .identity import TAUTOMERS_BY_DEFAULT, Identity, Standardizer
from .identity_store import IdentityStore, error_from_text, error_to_text
from .settings import CompoundSettings

DEFAULT_CACHE_SIZE = 200_000
PARALLEL_THRESHOLD = 1_000
FORMAT = 1

_shared: dict[tuple[Path, bool], "Identifier"] = {}
_shared_lock = Lock()

Outcome = Identity | ChemError


class Identifier:
    """Identity keys of record texts, cached in memory and (with ``cache_dir``) on disk.

    ``workers``: processes for large cold reads (default: one per core; 1 computes here).
    ``smiles_columns``: ``(pattern, column)`` pairs naming tables' SMILES columns (see
    ``CompoundSettings``). Counters: ``computed`` (identities computed), ``memory_hits`` and
    ``stored_hits``. Safe to share between threads.
    """

    def __init__(
        self,
        *,
        tautomers: bool = TAUTOMERS_BY_DEFAULT,
        cache_size: int = DEFAULT_CACHE_SIZE,
        cache_dir: str | Path | None = None,
        workers: int | None = None,
        parallel_threshold: int = PARALLEL_THRESHOLD,
        smiles_columns: tuple[tuple[str, str], ...] = (),
    ):
        self.settings = CompoundSettings(tautomers, tuple(smiles_columns))
        self.standardizer = Standardizer(tautomers=tautomers)
        self.cache_size = cache_size
        self.store = IdentityStore(cache_dir) if cache_dir is not None else None
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.parallel_threshold = parallel_threshold
        namespace = f"moiety-identity/{FORMAT}/{rdBase.rdkitVersion}/tautomers={tautomers}/"
        self._hasher = hashlib.blake2b(namespace.encode(), digest_size=16)
        self._memory: OrderedDict[bytes, Outcome] = OrderedDict()
        self._lock = Lock()
        self.computed = self.memory_hits = self.stored_hits = 0

    @classmethod
    def shared(cls, cache_dir: str | Path, settings: CompoundSettings | None = None):
        """The Identifier of a cache directory for the whole process, so every reader of a
        project (diffs, snapshots) shares its memory and its file. One per tautomer choice;
        settings that differ only in their SMILES columns share it (``with_columns``)."""
        settings = settings or CompoundSettings()
        path = Path(cache_dir).resolve()
        with _shared_lock:
            base = _shared.get((path, settings.tautomers))
            if base is None:
                base = _shared[path, settings.tautomers] = cls(
                    cache_dir=path, tautomers=settings.tautomers
                )
        return base.with_columns(settings.smiles_columns)

    def with_columns(self, smiles_columns: tuple[tuple[str, str], ...]) -> "Identifier":
        """This Identifier with other SMILES columns, sharing its caches (not its counters)."""
        smiles_columns = tuple(smiles_columns)
        if smiles_columns == self.settings.smiles_columns:
            return self
        other = copy.copy(self)
        other.settings = CompoundSettings(self.settings.tautomers, smiles_columns)
        other.computed = other.memory_hits = other.stored_hits = 0
        return other

    def smiles_column(self, path: str) -> str | None:
        """The SMILES column the settings name for the table ``path``, or None."""
        return self.settings.smiles_column(path)

    def digest(self, kind: str, text: str) -> bytes:
        hasher = self._hasher.copy()
        hasher.update(f"{kind}\0{text}".encode())
        return hasher.digest()

    def identities(self, items: Sequence[tuple[str, str]]) -> list[Outcome]:
        """The identity of each ``(kind, text)``, or the ChemError saying why it has none."""
        digests = [self.digest(kind, text) for kind, text in items]
        found: dict[bytes, Outcome] = {}
        missing: dict[bytes, tuple[str, str]] = {}
        with self._lock:
            for digest, item in zip(digests, items, strict=True):
                outcome = self._memory.get(digest)
                if outcome is not None:
                    self._memory.move_to_end(digest)
                    found[digest] = outcome
                elif digest not in found:
                    missing[digest] = item
            self.memory_hits += len(digests) - len(missing)
        if missing and self.store is not None:
            stored = self._from_store(missing)
            found.update(stored)
            for digest in stored:
                del missing[digest]
        if missing:
            computed = dict(zip(missing, self._compute(list(missing.values())), strict=True))
            found.update(computed)
            if self.store is not None:
                self.store.put_many(_row(digest, outcome) for digest, outcome in computed.items())
            self._remember(computed)
        return [found[digest] for digest in digests]

    def identity(self, text: str, kind: str = "smiles") -> Identity:
        """The identity of one structure text; raises its ChemError (remembered too)."""
        outcome = self.identities([(kind, text)])[0]
        if isinstance(outcome, ChemError):
            raise outcome.with_traceback(None)
        return outcome

    def lookup(self, text: str, kind: str = "smiles") -> Identity | None:
        """The remembered identity of a text, or None; raises a remembered failure."""
        digest = self.digest(kind, text)
        with self._lock:
            outcome = self._memory.get(digest)
        if outcome is None and self.store is not None:
            outcome = self._from_store({digest: (kind, text)}).get(digest)
        if isinstance(outcome, ChemError):
            raise outcome.with_traceback(None)
        return outcome

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> "Identifier":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _from_store(self, missing: dict[bytes, tuple[str, str]]) -> dict[bytes, Outcome]:
        stored: dict[bytes, Outcome] = {}
        for digest, (_, key, smiles, error) in self.store.get_many(missing).items():
            text = missing[digest][1]
            stored[digest] = error_from_text(error, text) if error else Identity(key, smiles)
        with self._lock:
            self.stored_hits += len(stored)
        self._remember(stored)
        return stored

    def _compute(self, items: list[tuple[str, str]]) -> list[Outcome]:
        with self._lock:
            self.computed += len(items)
        if self.workers > 1 and len(items) >= self.parallel_threshold:
            tautomers = self.standardizer.tautomers
            return identity_workers.compute_parallel(
                items, tautomers=tautomers, workers=self.workers
            )
        with rdBase.BlockLogs():
            return [identity_workers.compute(self.standardizer, *item) for item in items]

    def _remember(self, outcomes: dict[bytes, Outcome]) -> None:
        if self.cache_size <= 0:
            return
        with self._lock:
            for digest, outcome in outcomes.items():
                self._memory[digest] = outcome
                self._memory.move_to_end(digest)
            while len(self._memory) > self.cache_size:
                self._memory.popitem(last=False)


def _row(digest: bytes, outcome: Outcome):
    if isinstance(outcome, ChemError):
        return digest, None, None, error_to_text(outcome)
    return digest, outcome.key, outcome.smiles, None
