"""The backup's ``manifest.json``: what it holds, from which versions, with checksums."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .errors import OpsError

FORMAT = 1
NAME = "manifest.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def describe(root: Path, path: Path) -> dict:
    """``{"file", "size", "sha256"}`` of a file of the backup, its path relative to ``root``."""
    return {
        "file": path.relative_to(root).as_posix(),
        "size": path.stat().st_size,
        "sha256": sha256(path),
    }


def write(root: Path, manifest: dict) -> None:
    path = root / NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    tmp.rename(path)


def files_of(manifest: dict) -> list[dict]:
    """Every ``{"file", "size", "sha256"}`` entry the manifest names."""
    entries = [manifest.get("service_db"), manifest.get("hub_db")]
    for project in manifest.get("projects", []):
        entries += [project.get("bundle"), project.get("worktree"), project.get("outbox")]
    entries += manifest.get("files", [])
    return [e for e in entries if isinstance(e, dict) and "file" in e]


def read(root: Path) -> dict:
    """The manifest of the backup in ``root``, after checking every file it names."""
    path = root / NAME
    if not root.is_dir():
        raise OpsError(f"There is no backup at {root}: give the folder `moiety backup` wrote.")
    if not path.is_file():
        raise OpsError(
            f"{root} has no {NAME}: it is not a complete Moiety backup (a backup writes its "
            "manifest last, so an interrupted one has none)."
        )
    try:
        manifest = json.loads(path.read_text())
    except ValueError as e:
        raise OpsError(f"{path} is not valid JSON ({e}); the backup is damaged.") from None
    if manifest.get("format") != FORMAT:
        raise OpsError(
            f"{path} has format {manifest.get('format')!r}; this Moiety reads format {FORMAT}. "
            "Restore it with the Moiety version that wrote it."
        )
    for entry in files_of(manifest):
        file = (root / entry["file"]).resolve()
        if not file.is_relative_to(root.resolve()) or not file.is_file():
            raise OpsError(f"The backup lacks {entry['file']}, which its manifest lists.")
        if file.stat().st_size != entry["size"] or sha256(file) != entry["sha256"]:
            raise OpsError(
                f"{entry['file']} does not match its checksum in the manifest: the backup is "
                "damaged; use another one."
            )
    return manifest
