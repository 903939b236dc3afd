"""Work in a project folder that no snapshot holds yet, kept beside the bundle.

People co-edit notebooks live and snapshot now and then; between snapshots their work exists
only in the working copy, which a git bundle does not carry. A backup therefore also keeps,
in a tar file, every file that differs from HEAD byte for byte (notebooks with their outputs,
new files not ignored), and the list of files deleted since HEAD. Files git ignores (Jupyter's
checkpoints and collaboration stores) are left out.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.repo import git
from ..core.repo.errors import UnsafePath
from ..core.repo.paths import safe_path
from .errors import OpsError


@dataclass(frozen=True)
class Changes:
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    archive: Path | None = None


def capture(root: Path, head: str | None, dest: Path) -> Changes:
    """Write the files that differ from ``head`` into the tar ``dest`` (only if there are any)."""
    committed = _tree(root, head) if head else {}
    listed = git.run(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    candidates = sorted(set(git.split_z(listed.stdout)) | set(committed))
    algorithm = _object_format(root)
    changed, deleted = [], []
    for path in candidates:
        full = root / path
        try:
            info = full.lstat()
        except FileNotFoundError:
            if path in committed:
                deleted.append(path)
            continue
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            continue
        try:
            if committed.get(path) != (_mode(info), _blob_id(full, info, algorithm)):
                changed.append(path)
        except FileNotFoundError:  # removed this very moment (a save renames files)
            if path in committed:
                deleted.append(path)
    kept = []
    if changed:
        with tarfile.open(dest, "w") as archive:
            for path in changed:
                try:
                    archive.add(root / path, arcname=path, recursive=False)
                    kept.append(path)
                except FileNotFoundError:
                    if path in committed:
                        deleted.append(path)
        if not kept:
            dest.unlink()
    return Changes(kept, sorted(deleted), dest if kept else None)


def apply(root: Path, archive: Path | None, deleted: list[str]) -> None:
    """Lay the kept files over a freshly checked-out ``root`` and delete what was deleted."""
    if archive is not None:
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(root, filter="data")
        except tarfile.FilterError as e:
            raise OpsError(
                f"{archive.name} holds an unsafe entry ({e}): the backup is damaged or was "
                "tampered with; use another one."
            ) from None
    for path in deleted:
        try:
            _, full = safe_path(root, path)
        except UnsafePath as e:
            raise OpsError(f"The backup names an unsafe path to delete: {e.message}") from None
        full.unlink(missing_ok=True)


def _tree(root: Path, head: str) -> dict[str, tuple[str, str]]:
    """``path -> (mode, blob id)`` of every file in the commit ``head``."""
    done = git.run(root, ["ls-tree", "-r", "-z", "--full-tree", head])
    entries = {}
    for item in done.stdout.split(b"\0"):
        if not item:
            continue
        meta, path = item.split(b"\t", 1)
        mode, kind, oid = meta.decode().split()
        if kind == "blob":
            entries[os.fsdecode(path)] = (mode, oid)
    return entries


def _object_format(root: Path) -> str:
    done = git.run(root, ["rev-parse", "--show-object-format"])
    return done.stdout.decode().strip() or "sha1"


def _mode(info: os.stat_result) -> str:
    if stat.S_ISLNK(info.st_mode):
        return "120000"
    return "100755" if info.st_mode & stat.S_IXUSR else "100644"


def _blob_id(full: Path, info: os.stat_result, algorithm: str) -> str:
    """The id git gives these exact bytes (no filters), computed without a git process."""
    digest = hashlib.new(algorithm)
    if stat.S_ISLNK(info.st_mode):
        target = os.fsencode(os.readlink(full))
        digest.update(b"blob %d\0" % len(target))
        digest.update(target)
        return digest.hexdigest()
    with full.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        digest.update(b"blob %d\0" % size)
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
