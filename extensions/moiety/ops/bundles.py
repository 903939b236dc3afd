"""A project repository to a git bundle and back.

The bundle is written under the repository's writer lock, the lock every Moiety writer takes
(snapshots, restores, creation), so it never holds half of a snapshot. Each bundle is verified
in an empty repository, which proves it carries its complete history.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.repo import git
from ..core.repo.errors import GitFailed
from ..core.repo.fsck import check_repository
from ..core.repo.lock import writer_lock
from . import worktree
from .errors import OpsError
from .sqlite import copy_database

LOCK_TIMEOUT_S = 300
OUTBOX = Path("moiety") / "outbox.sqlite"
"""Events a project server has not yet delivered to the service (in ``.git``, never bundled)."""
# Bundles are files: fetching from one is git's "file" transport, which Moiety's git
# environment otherwise forbids (protocol.allow=never).
_FILE_TRANSPORT = ["-c", "protocol.file.allow=always"]


@dataclass(frozen=True)
class BundledRepository:
    head: str | None
    head_ref: str | None
    refs: dict[str, str]
    changes: worktree.Changes
    outbox: bool


def bundle_repository(root: Path, dest_dir: Path, slug: str) -> BundledRepository:
    """Write ``<slug>.bundle`` (all refs), ``<slug>.worktree.tar`` (work not yet committed) and
    ``<slug>.outbox.sqlite`` (undelivered events) into ``dest_dir``, under the writer lock."""
    root = git.repo_root(root)
    with writer_lock(root, timeout=LOCK_TIMEOUT_S):
        head = git.head_commit(root)
        head_ref = _symbolic_head(root)
        refs = _refs(root)
        if head is not None:
            bundle = dest_dir / f"{slug}.bundle"
            _git(root, ["bundle", "create", "--quiet", str(bundle), "--all"], slug)
            verify_bundle(bundle, slug)
        changes = worktree.capture(root, head, dest_dir / f"{slug}.worktree.tar")
        outbox = root / ".git" / OUTBOX
        if outbox.is_file():
            copy_database(outbox, dest_dir / f"{slug}.outbox.sqlite")
    return BundledRepository(head, head_ref, refs, changes, outbox.is_file())


def verify_bundle(bundle: Path, slug: str) -> None:
    """``git bundle verify`` in an empty repository: the bundle needs nothing it lacks."""
    scratch = Path(tempfile.mkdtemp(prefix="moiety-verify-"))
    try:
        git.run(scratch, ["init", "--quiet"])
        _git(scratch, [*_FILE_TRANSPORT, "bundle", "verify", "--quiet", str(bundle)], slug)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def clone_bundle(
    bundle: Path | None, target: Path, slug: str, head: str | None, head_ref: str | None
) -> None:
    """Make ``target`` (absent or empty) the repository the bundle was made from: every ref,
    HEAD as it was, the working copy checked out; then ``git fsck`` it."""
    target.mkdir(parents=True, exist_ok=True)
    branch = head_ref.removeprefix("refs/heads/") if head_ref else "main"
    git.run(target, ["init", "--quiet", f"--initial-branch={branch}"])
    if bundle is None:
        return
    _git(
        target,
        [*_FILE_TRANSPORT, "fetch", "--quiet", "--update-head-ok", str(bundle), "+refs/*:refs/*"],
        slug,
    )
    if head_ref:
        git.run(target, ["symbolic-ref", "HEAD", head_ref])
    elif head:
        git.run(target, ["update-ref", "--no-deref", "HEAD", head])
    git.run(target, ["reset", "--quiet", "--hard", "HEAD"])
    restored = git.head_commit(target)
    if restored != head:
        raise OpsError(f"Project {slug}: HEAD is {restored} after the restore, not {head}.")
    report = check_repository(target)
    if not report.ok:
        raise OpsError(
            f"Project {slug}: git fsck finds problems after the restore: "
            f"{'; '.join(report.problems[:3])}"
        )


def _symbolic_head(root: Path) -> str | None:
    done = git.run(root, ["symbolic-ref", "--quiet", "HEAD"], ok_codes=(0, 1))
    return done.stdout.decode().strip() or None


def _refs(root: Path) -> dict[str, str]:
    done = git.run(root, ["for-each-ref", "--format=%(objectname) %(refname)"])
    pairs = (line.split(" ", 1) for line in done.stdout.decode().splitlines() if line)
    return {ref: sha for sha, ref in pairs}


def _git(root: Path, args: list[str], slug: str):
    try:
        return git.run(root, args)
    except GitFailed as e:
        command = next(a for a in args if not a.startswith("-") and "=" not in a)
        raise OpsError(f"Project {slug}: git {command} failed: {e.stderr or e}") from None
