"""Resolving a user-given relative path inside a project folder, refusing every way out of it."""

import os
from pathlib import Path, PurePosixPath

from .errors import UnsafePath


def safe_relpath(root: Path, user_path: object) -> str:
    """Normalize ``user_path`` to a POSIX path relative to ``root`` that stays inside it.

    Refused: non-text, empty, NUL bytes, absolute paths, ``..`` components, anything in a
    ``.git`` folder, and paths whose real location (after symlinks) is outside ``root`` or in
    its ``.git``. Containment compares path components, so ``egfr-sar2`` is not inside
    ``egfr``. The path need not exist. ``root`` must already be a real path.
    """
    if not isinstance(user_path, str):
        raise UnsafePath("A path must be text, relative to the project folder.")
    if "\0" in user_path:
        raise UnsafePath("A path cannot contain a NUL character.")
    if user_path.startswith("/"):
        raise UnsafePath(
            f"{user_path!r} is an absolute path; give a path relative to the project folder."
        )
    parts = [part for part in user_path.split("/") if part not in ("", ".")]
    if not parts:
        raise UnsafePath("The path is empty; give a file path relative to the project folder.")
    if ".." in parts:
        raise UnsafePath(f"{user_path!r} goes up with '..'; paths must stay in the project.")
    if any(part.lower() == ".git" for part in parts):
        raise UnsafePath(f"{user_path!r} is inside .git, which holds git's own data.")
    relative = str(PurePosixPath(*parts))
    real = Path(os.path.realpath(root / relative))
    if not real.is_relative_to(root) or real == root:
        raise UnsafePath(f"{user_path!r} leads outside the project folder (through a symlink).")
    if real.is_relative_to(root / ".git"):
        raise UnsafePath(f"{user_path!r} leads into .git (through a symlink).")
    return relative


def safe_path(root: Path, user_path: object) -> tuple[str, Path]:
    """:func:`safe_relpath` and the absolute path in the working copy."""
    relative = safe_relpath(root, user_path)
    return relative, root / relative
