"""The substructure index of one compound file, and its copy on disk.

Each file keeps its molecules in an RDKit mol holder (binary pickles in a ``CachedMolHolder``,
about 0.3 KB each, where live molecules take about 16 KB), and their pattern and feature
fingerprints as numpy arrays (see ``screen`` and ``features``). The holder serializes itself,
so a restarted server loads a file's index from the cache directory instead of parsing the file
again. Cache entries are named by the file's content hash, so they never go stale; they are
JSON, ``.npy`` arrays and RDKit's own serialization (no pickle).
"""

import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rdkit import Chem, rdBase
from rdkit.Chem import rdSubstructLibrary

from .compound_files import raw_records
from .errors import ChemError
from .features import molecule_features
from .parsing import PARSERS
from .records import RecordError
from .screen import fingerprint_array, fingerprint_words

INDEX_FORMAT = 2


@dataclass(slots=True)
class FileIndex:
    """Records (number, name, SMILES, properties) of one file, in file order, with their
    molecules (``holder``), pattern fingerprints (``screens``, one column per molecule) and
    feature fingerprints (``features``, the same way).

    Position ``i`` of the lists is molecule ``i`` of the holder.
    """

    path: str
    content_hash: str
    records: list[int]
    names: list[str | None]
    smiles: list[str]
    properties: list[dict[str, Any]]
    errors: list[RecordError]
    holder: rdSubstructLibrary.MolHolderBase
    screens: np.ndarray
    features: np.ndarray
    smiles_column: str | None = None
    """The SMILES column the file was read with when the settings named one."""

    def __len__(self) -> int:
        return len(self.records)

    def item(self, index: int) -> dict[str, Any]:
        return {
            "path": self.path,
            "record": self.records[index],
            "name": self.names[index],
            "smiles": self.smiles[index],
            "properties": self.properties[index],
        }


def build_file_index(
    path: str,
    data: bytes,
    content_hash: str,
    *,
    in_memory: bool = False,
    smiles_column: str | None = None,
) -> FileIndex:
    """Parse a compound file into its index; bad records are listed in ``errors``.

    ``smiles_column`` names a table's SMILES column (found by itself when None).

    ``in_memory`` holds live molecules (``MolHolder``): faster matching when many molecules
    pass the screen, at about 16 KB per molecule instead of 0.3 KB.

    Raises UnsupportedFile for a file that is not a compound file or a table without SMILES.
    """
    _, raws = raw_records(data, path, smiles_column)
    holder = rdSubstructLibrary.MolHolder() if in_memory else rdSubstructLibrary.CachedMolHolder()
    fingerprints: list[bytes] = []
    features: list[bytes] = []
    index = FileIndex(path, content_hash, [], [], [], [], [], holder, None, None, smiles_column)
    with rdBase.BlockLogs():
        for raw in raws:
            try:
                mol = PARSERS[raw.kind](raw.structure)
            except ChemError as error:
                index.errors.append(RecordError(raw.record, str(error), raw.name))
                continue
            if in_memory:
                holder.AddMol(mol)
            else:
                holder.AddBinary(mol.ToBinary())
            fingerprints.append(fingerprint_words(mol))
            features.append(molecule_features(mol))
            index.records.append(raw.record)
            index.names.append(raw.name)
            index.smiles.append(raw.smiles or Chem.MolToSmiles(mol))
            index.properties.append(raw.properties)
    index.screens = fingerprint_array(fingerprints)
    index.features = fingerprint_array(features)
    return index


def _entry(cache_dir: Path, content_hash: str, in_memory: bool, column: str | None) -> Path:
    """Where the index of this content, read this way, is kept (a named SMILES column is part
    of the name: the same table read by another column is another index)."""
    key = f"{INDEX_FORMAT}:{'memory' if in_memory else 'pickles'}:{content_hash}"
    if column is not None:
        key += f":column={column}"
    name = hashlib.sha256(key.encode()).hexdigest()
    return cache_dir / name[:2] / name


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, target)


def save_file_index(index: FileIndex, cache_dir: Path, *, in_memory: bool = False) -> None:
    """Write ``index`` under ``cache_dir``, atomically (readers never see half a file)."""
    entry = _entry(cache_dir, index.content_hash, in_memory, index.smiles_column)
    meta = {
        "format": INDEX_FORMAT,
        "content_hash": index.content_hash,
        "records": index.records,
        "names": index.names,
        "smiles": index.smiles,
        "properties": index.properties,
        "errors": [error.to_dict() for error in index.errors],
    }
    for suffix, array in ((".npy", index.screens), (".features.npy", index.features)):
        stream = io.BytesIO()
        np.save(stream, array, allow_pickle=False)
        _write(entry.with_suffix(suffix), stream.getvalue())
    library = rdSubstructLibrary.SubstructLibrary(index.holder)
    _write(entry.with_suffix(".lib"), library.Serialize())
    _write(entry.with_suffix(".json"), json.dumps(meta).encode())


def load_file_index(
    path: str,
    content_hash: str,
    cache_dir: Path,
    *,
    in_memory: bool = False,
    smiles_column: str | None = None,
) -> FileIndex | None:
    """The cached index of this content, or None when there is none (or it is unreadable)."""
    entry = _entry(cache_dir, content_hash, in_memory, smiles_column)
    try:
        meta = json.loads(entry.with_suffix(".json").read_bytes())
        library = rdSubstructLibrary.SubstructLibrary(entry.with_suffix(".lib").read_bytes())
        screens = np.load(entry.with_suffix(".npy"), allow_pickle=False)
        features = np.load(entry.with_suffix(".features.npy"), allow_pickle=False)
    except (OSError, ValueError, RuntimeError):
        return None
    count = len(meta["records"])
    if meta.get("format") != INDEX_FORMAT or len(library) != count:
        return None
    if count and (screens.shape[1] != count or features.shape[1] != count):
        return None
    errors = [RecordError(**error) for error in meta["errors"]]
    return FileIndex(
        path,
        content_hash,
        meta["records"],
        meta["names"],
        meta["smiles"],
        meta["properties"],
        errors,
        library.GetMolHolder(),
        screens,
        features,
        smiles_column,
    )


def save_unsupported(
    cache_dir: Path, content_hash: str, reason: str, smiles_column: str | None = None
) -> None:
    """Remember that this content is not a readable compound file (e.g. a CSV without SMILES)."""
    entry = _entry(cache_dir, content_hash, False, smiles_column)
    _write(entry.with_suffix(".skip"), reason.encode())


def load_unsupported(
    cache_dir: Path, content_hash: str, smiles_column: str | None = None
) -> str | None:
    try:
        return (
            _entry(cache_dir, content_hash, False, smiles_column).with_suffix(".skip").read_text()
        )
    except OSError:
        return None
