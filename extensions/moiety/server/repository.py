"""Making sure a project server's root is a sound project repository before it serves.

In the embedded deployment the service creates each repository from its template. On
Kubernetes the service cannot reach the project volume, so a project server may start on an
empty folder (or on files without git): it then lays the template into an empty folder, runs
``git init`` and commits what is there as the first version. A start interrupted half-way
finishes at the next start (a ``.git`` without commits is completed the same way).

At every start it also takes the writer lock once, which clears what a killed writer left (a
stale ``.git/index.lock`` would make every git command fail), and makes git ignore the files
Jupyter itself writes into the root, so that snapshots never pick them up.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from ..core.repo import create as templates
from ..core.repo import git
from ..core.repo.lock import writer_lock
from ..core.repo.snapshot import commit_working_copy

log = logging.getLogger(__name__)

JUPYTER_FILES = (
    ".ipynb_checkpoints/",
    ".jupyter/",
    ".jupyter_ystore.db",
    ".virtual_documents/",
    ".~*",
)
"""Files Jupyter writes into the root: checkpoints, collaboration session and update stores,
LSP shadows, and the backups of atomic saves (``.~name``), which a snapshot taken during a
save could otherwise commit."""

_GIT_LOCKS = ("index.lock", "HEAD.lock", "packed-refs.lock")
_EXCLUDE_MARK = "# moiety: files Jupyter writes into the project folder"
_NEVER_COPIED = shutil.ignore_patterns(".git", "__pycache__", ".ipynb_checkpoints", ".DS_Store")


def prepare_repository(root: str | os.PathLike, slug: str, template: str = "default") -> str:
    """Make ``root`` a project repository with at least one commit; say what was done.

    Answers ``"ready"`` (it was one), ``"created"`` (from the template, into an empty folder)
    or ``"adopted"`` (the files found there committed as the first version).
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"The project folder {root} does not exist.")
    if (root / ".git").is_dir() and git.head_commit(root) is not None:
        ignore_jupyter_files(root)
        stale = [name for name in _GIT_LOCKS if (root / ".git" / name).exists()]
        with writer_lock(root):
            pass  # taking the lock clears what a killed writer left behind
        if stale:
            log.warning("Removed git lock files left by a killed writer: %s", ", ".join(stale))
        return "ready"
    outcome = "adopted"
    if not any(entry.name != ".git" for entry in root.iterdir()):
        source = templates.template_dir(template)
        shutil.copytree(source, root, symlinks=True, ignore=_NEVER_COPIED, dirs_exist_ok=True)
        outcome = "created"
    if not (root / ".git").is_dir():
        git.run(root, ["init", "--quiet", f"--initial-branch={templates.DEFAULT_BRANCH}"])
    ignore_jupyter_files(root)
    identity = git.identity_env(templates.SYSTEM_NAME, templates.SYSTEM_EMAIL)
    message = f"Create the {slug} project\n".encode()
    with writer_lock(root):
        commit_working_copy(root, message, identity, None)
    return outcome


def ignore_jupyter_files(root: Path) -> None:
    """List :data:`JUPYTER_FILES` in ``.git/info/exclude`` (once; never versioned itself)."""
    exclude = root / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    try:
        current = exclude.read_text()
    except FileNotFoundError:
        current = ""
    if _EXCLUDE_MARK in current:
        return
    block = "\n".join([_EXCLUDE_MARK, *JUPYTER_FILES]) + "\n"
    separator = "" if not current or current.endswith("\n") else "\n"
    staged = exclude.with_name("exclude.moiety-tmp")
    staged.write_text(current + separator + block)
    os.replace(staged, exclude)
