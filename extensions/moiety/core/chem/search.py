"""Substructure search across a project's compound files.

The index is built incrementally: each file is indexed by path and content hash, and a file
whose hash did not change is not parsed again (nor, with a cache directory, after a restart).
A query is screened by pattern fingerprints (``screen``: a screen that never drops a match), a
SMARTS query also by feature fingerprints (``features``, exact as well), before the exact
match, which RDKit's ``SubstructLibrary`` runs over the candidates on ``num_threads`` threads
with the same rules as ``Mol.HasSubstructMatch`` (chirality ignored).
Results come in a stable order, (path, record), and page: a search stops once it has ``limit``
items and returns a cursor for the rest.
"""

import bisect
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdSubstructLibrary

from .compound_files import is_compound_file
from .errors import ChemError, InvalidCursor, InvalidLimit, UnsupportedFile
from .features import query_features
from .file_index import (
    FileIndex,
    build_file_index,
    load_file_index,
    load_unsupported,
    save_file_index,
    save_unsupported,
)
from .parsing import parse_query
from .screen import candidates, query_words

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


@dataclass(slots=True)
class SearchPage:
    items: list[dict[str, Any]]
    next: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "next": self.next}


@dataclass(slots=True)
class SyncReport:
    """What ``sync`` did: files parsed, loaded from the cache, kept as they were, removed, and
    skipped (not compound files, e.g. a CSV without SMILES) with the reason."""

    parsed: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode_cursor(path: str, record: int) -> str:
    return f"{record}:{path}"


def decode_cursor(cursor: str) -> tuple[str, int]:
    record, separator, path = cursor.partition(":")
    if not separator or not record.isdigit():
        raise InvalidCursor("This cursor was not made by this search; start again without it.")
    return path, int(record)


class SubstructureIndex:
    """The substructure index of a project's compound files.

    ``cache_dir`` (optional) keeps each file's index on disk by content hash; ``num_threads``
    is passed to RDKit (-1: all cores); ``in_memory`` holds live molecules instead of pickles
    (faster for SMARTS queries whose screen passes many molecules, about 50 times the memory).
    Safe to search from several threads while updating.
    """

    def __init__(
        self,
        cache_dir: str | Path | None = None,
        *,
        num_threads: int = -1,
        in_memory: bool = False,
    ):
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.num_threads = num_threads
        self.in_memory = in_memory
        self._files: dict[str, FileIndex] = {}
        self._skipped: dict[str, tuple[str, str | None, str]] = {}
        self._lock = Lock()
        self._params = Chem.SubstructMatchParameters()

    def __len__(self) -> int:
        return sum(len(index) for index in self._files.values())

    @property
    def paths(self) -> list[str]:
        return sorted(self._files)

    def file(self, path: str) -> FileIndex | None:
        return self._files.get(path)

    def update(
        self,
        path: str,
        data: bytes,
        hash_: str | None = None,
        smiles_column: str | None = None,
    ) -> str:
        """Index one file's content; answers ``"kept"``, ``"loaded"`` or ``"parsed"``.

        ``hash_`` is the content hash (e.g. the git blob id); sha256 of ``data`` when omitted.
        ``smiles_column`` names a table's SMILES column (found by itself when None).
        Raises UnsupportedFile (and leaves the index as it was) for a file it cannot read.
        """
        return self._index(path, hash_ or content_hash(data), lambda: data, smiles_column)

    def _index(self, path: str, hash_: str, read: Callable[[], bytes], column: str | None) -> str:
        current = self._files.get(path)
        if current is not None and (current.content_hash, current.smiles_column) == (
            hash_,
            column,
        ):
            return "kept"
        memory = self.in_memory
        index = None
        if self.cache_dir is not None:
            reason = load_unsupported(self.cache_dir, hash_, column)
            if reason is not None:
                raise UnsupportedFile(reason)
            index = load_file_index(
                path, hash_, self.cache_dir, in_memory=memory, smiles_column=column
            )
        outcome = "loaded"
        if index is None:
            try:
                index = build_file_index(
                    path, read(), hash_, in_memory=memory, smiles_column=column
                )
            except UnsupportedFile as error:
                if self.cache_dir is not None:
                    save_unsupported(self.cache_dir, hash_, str(error), column)
                raise
            outcome = "parsed"
            if self.cache_dir is not None:
                save_file_index(index, self.cache_dir, in_memory=memory)
        with self._lock:
            self._files[path] = index
        return outcome

    def remove(self, path: str) -> bool:
        with self._lock:
            return self._files.pop(path, None) is not None

    def sync(
        self,
        files: Mapping[str, str],
        read: Callable[[str], bytes],
        smiles_column: Callable[[str], str | None] | None = None,
    ) -> SyncReport:
        """Make the index match ``files`` (path -> content hash, e.g. ``git ls-tree`` of HEAD).

        Paths that are not compound files are ignored; ``read(path)`` is called only for files
        whose content is neither indexed nor cached (read that way: ``smiles_column(path)``
        names a table's SMILES column, e.g. ``CompoundSettings.smiles_column``).
        """
        report = SyncReport()
        wanted = {path: hash_ for path, hash_ in files.items() if is_compound_file(path)}
        for path in sorted(set(self._files) - set(wanted)):
            self.remove(path)
            report.removed.append(path)
        for path, hash_ in sorted(wanted.items()):
            column = smiles_column(path) if smiles_column is not None else None
            skipped = self._skipped.get(path)
            if skipped is not None and skipped[:2] == (hash_, column):
                report.skipped[path] = skipped[2]
                continue
            try:
                outcome = self._index(path, hash_, lambda path=path: read(path), column)
            except ChemError as error:
                self.remove(path)
                self._skipped[path] = (hash_, column, str(error))
                report.skipped[path] = str(error)
                continue
            getattr(report, outcome).append(path)
        return report

    def search(
        self,
        query: str,
        *,
        kind: str = "smarts",
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> SearchPage:
        """Records matching a SMARTS (``kind="smarts"``) or SMILES query, ``limit`` at a time.

        Items are ``{path, record, name, smiles, properties}`` in (path, record) order;
        ``next`` is the cursor of the following page, or None. Raises InvalidQuery with
        RDKit's reason for a query it cannot read.
        """
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InvalidLimit(f"The limit must be a whole number from 1 to {MAX_LIMIT}.")
        mol = parse_query(query, kind)
        words = query_words(mol)
        more = kind == "smarts"
        feature_words = np.frombuffer(query_features(mol), dtype=np.uint64) if more else None
        after_path, after_record = decode_cursor(cursor) if cursor else ("", -1)
        with self._lock:
            files = sorted(self._files.items())
        items: list[dict[str, Any]] = []
        for path, index in files:
            if path < after_path or not len(index):
                continue
            start = bisect.bisect_right(index.records, after_record) if path == after_path else 0
            if start >= len(index):
                continue
            screens = [(index.features, feature_words)] if more else []
            positions = candidates(index.screens, words, start, *screens)
            if not len(positions):
                continue
            library = rdSubstructLibrary.SubstructLibrary(index.holder)
            library.SetSearchOrder(positions.tolist())
            wanted = limit + 1 - len(items)
            found = library.GetMatches(mol, self._params, self.num_threads, wanted)
            items.extend(index.item(position) for position in found)
            if len(items) > limit:
                break
        if len(items) > limit:
            last = items[limit - 1]
            return SearchPage(items[:limit], encode_cursor(last["path"], last["record"]))
        return SearchPage(items, None)
