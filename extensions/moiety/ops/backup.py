"""``moiety backup``: a consistent copy of a running deployment.

Order matters, because the three stores refer to each other: the service DB first, then the
hub DB, then the project repositories. So every commit an event mentions is in the bundles,
and every project the service DB lists has its hub account in the hub DB; what happens in
between (a later event, a later commit) is simply not in this backup.

Layout of a backup folder::

    manifest.json                 versions, schema revisions, projects and their HEADs, checksums
    service-db/moiety.sqlite      or moiety.pgdump (pg_dump custom format)
    hub-db/jupyterhub.sqlite      or jupyterhub.pgdump
    projects/<slug>.bundle        every ref (git bundle create --all), verified
    projects/<slug>.worktree.tar  work not yet in a snapshot (only if there is some)
    projects/<slug>.outbox.sqlite events the project server had not yet delivered (if any)
    files/                        cookie secrets and the service config (mode 0600)

The folder is built beside the target under a temporary name and renamed into place at the
end, so a backup folder either is complete or does not exist.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..core.slugs import InvalidSlug, validate_slug
from . import manifest as manifests
from . import postgres, sqlite
from .bundles import bundle_repository
from .errors import OpsError
from .facts import service_facts, sqlite_service_facts
from .layout import KEPT_FILES, DataLayout, db_kind, shown

Report = Callable[[str], None]


def create_backup(target: Path, layout: DataLayout, report: Report = lambda line: None) -> dict:
    """Back up the deployment described by ``layout`` into the new folder ``target``."""
    target = Path(target).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OpsError(f"{target} already exists and is not empty: give a new folder.")
    if not layout.data_dir.is_dir():
        raise OpsError(
            f"The data directory {layout.data_dir} does not exist: give the deployment's "
            "(--data-dir or MOIETY_DATA_DIR)."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    started = time.monotonic()
    try:
        manifest = {
            "format": manifests.FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "versions": _versions(),
            "source": {
                "data_dir": str(layout.data_dir),
                "service_db": shown(layout.service_db_url),
                "hub_db": shown(layout.hub_db_url),
            },
        }
        manifest["service_db"] = _service_db(layout, staging, report)
        manifest["hub_db"] = _hub_db(layout, staging, report)
        manifest["projects"], manifest["skipped"] = _projects(layout, staging, report)
        manifest["files"] = _files(layout, staging)
        manifest["duration_seconds"] = round(time.monotonic() - started, 3)
        manifests.write(staging, manifest)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _service_db(layout: DataLayout, staging: Path, report: Report) -> dict:
    folder = staging / "service-db"
    folder.mkdir()
    url = layout.service_db_url
    if db_kind(url, "service DB") == "sqlite":
        dest = folder / "moiety.sqlite"
        sqlite.copy_database(layout.sqlite_path(url), dest)
        facts = sqlite_service_facts(dest)
    else:
        dest = folder / "moiety.pgdump"
        facts = postgres.dump(url, dest, service_facts)
    if facts["revision"] is None:
        raise OpsError(
            f"The service DB {shown(url)} has no Moiety schema: is this the right deployment?"
        )
    entry = {"kind": db_kind(url, "service DB"), **manifests.describe(staging, dest), **facts}
    report(
        f"service DB: {entry['kind']}, revision {facts['revision']}, {facts['events']} events, "
        f"{len(facts['projects'])} projects ({_size(entry['size'])})"
    )
    return entry


def _hub_db(layout: DataLayout, staging: Path, report: Report) -> dict:
    folder = staging / "hub-db"
    folder.mkdir()
    url = layout.hub_db_url
    kind = db_kind(url, "hub DB")
    if kind == "sqlite":
        dest = folder / "jupyterhub.sqlite"
        sqlite.copy_database(layout.sqlite_path(url), dest)
        revision = sqlite.alembic_revision(dest)
    else:
        dest = folder / "jupyterhub.pgdump"
        revision = postgres.dump(url, dest, _alembic_revision)["revision"]
    entry = {"kind": kind, **manifests.describe(staging, dest), "revision": revision}
    report(f"hub DB: {kind}, revision {revision} ({_size(entry['size'])})")
    return entry


def _alembic_revision(connection) -> dict:
    from alembic.runtime.migration import MigrationContext

    return {"revision": MigrationContext.configure(connection).get_current_revision()}


def _projects(layout: DataLayout, staging: Path, report: Report) -> tuple[list, list]:
    root = layout.projects_root
    folder = staging / "projects"
    folder.mkdir()
    projects, skipped = [], []
    if not root.is_dir():
        report(f"projects: none ({root} does not exist)")
        return projects, skipped
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue  # e.g. a creation in progress: .<slug>.creating-*
        try:
            slug = validate_slug(entry.name)
        except InvalidSlug:
            skipped.append({"folder": entry.name, "reason": "not a project slug"})
            continue
        if not (entry / ".git").is_dir():
            skipped.append({"folder": slug, "reason": "not a git repository"})
            report(f"project {slug}: skipped, {entry} is not a git repository")
            continue
        kept = bundle_repository(entry, folder, slug)
        project = {
            "slug": slug,
            "head": kept.head,
            "head_ref": kept.head_ref,
            "refs": kept.refs,
            "bundle": _described(staging, folder / f"{slug}.bundle", kept.head is not None),
            "worktree": _described(staging, kept.changes.archive, kept.changes.archive),
            "changed": kept.changes.changed,
            "deleted": kept.changes.deleted,
            "outbox": _described(staging, folder / f"{slug}.outbox.sqlite", kept.outbox),
        }
        projects.append(project)
        head = kept.head[:12] if kept.head else "no commits"
        pending = len(kept.changes.changed) + len(kept.changes.deleted)
        report(f"project {slug}: HEAD {head}, {pending} files changed since the last snapshot")
    return projects, skipped


def _described(staging: Path, path: Path | None, present) -> dict | None:
    return manifests.describe(staging, path) if present and path is not None else None


def _files(layout: DataLayout, staging: Path) -> list[dict]:
    kept = []
    folder = staging / "files"
    folder.mkdir(mode=0o700)
    for name in KEPT_FILES:
        source = layout.data_dir / name
        if source.is_file():
            dest = folder / name
            shutil.copyfile(source, dest)
            dest.chmod(0o600)
            kept.append(manifests.describe(staging, dest))
    return kept


def _versions() -> dict:
    import jupyterhub

    git_version = subprocess.run(
        ["git", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "moiety": __version__,
        "jupyterhub": jupyterhub.__version__,
        "git": git_version.removeprefix("git version "),
        "python": platform.python_version(),
        "host": platform.node(),
    }


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
