"""``moiety restore``: a fresh data directory brought back to the state of a backup.

Everything is checked before anything is written: the manifest, every checksum, an empty (or
absent) target folder, and, for PostgreSQL, an empty target database of the same kind as the
backup's. If a step fails, what the restore wrote into the data directory is removed again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from . import manifest as manifests
from . import postgres, sqlite
from .bundles import OUTBOX, clone_bundle
from .errors import OpsError
from .facts import service_facts, sqlite_service_facts
from .layout import DataLayout, db_kind, shown
from .worktree import apply

Report = Callable[[str], None]


def read_manifest(source: Path) -> dict:
    return manifests.read(Path(source).absolute())


def restore_backup(source: Path, layout: DataLayout, report: Report = lambda line: None) -> dict:
    """Restore the backup in ``source`` into the deployment ``layout`` describes."""
    source = Path(source).absolute()
    manifest = read_manifest(source)
    data_dir = layout.data_dir
    if not _fresh(data_dir):
        raise OpsError(
            f"The data directory {data_dir} is not empty: restore only into a new or empty "
            "folder (move this one away, or give another with --data-dir)."
        )
    targets = {
        "service_db": _target(manifest["service_db"], layout.service_db_url, "service DB", layout),
        "hub_db": _target(manifest["hub_db"], layout.hub_db_url, "hub DB", layout),
    }
    created = not data_dir.exists()
    kept = set(data_dir.iterdir()) if not created else set()
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        _restore_service_db(source, manifest["service_db"], targets["service_db"], report)
        _restore_db(source, manifest["hub_db"], targets["hub_db"], "hub DB", report)
        for project in manifest["projects"]:
            _restore_project(source, project, layout.projects_root, report)
        layout.projects_root.mkdir(exist_ok=True)
        for entry in manifest["files"]:
            dest = data_dir / Path(entry["file"]).name
            shutil.copyfile(source / entry["file"], dest)
            dest.chmod(0o600)
    except BaseException:
        _undo(data_dir, created, kept)
        raise
    return manifest


def _target(entry: dict, url: str, what: str, layout: DataLayout) -> str | Path:
    """Where a DB goes: a SQLite path that does not exist yet, or an empty PostgreSQL DB."""
    kind = db_kind(url, what)
    if kind != entry["kind"]:
        raise OpsError(
            f"The backup holds a {entry['kind']} {what} but this deployment's {what} is {kind} "
            f"({shown(url)}); restore into the same kind of database (set or unset "
            f"{'MOIETY_DB_URL' if what == 'service DB' else 'MOIETY_HUB_DB_URL'})."
        )
    if kind == "sqlite":
        path = layout.sqlite_path(url)
        if path.exists():
            raise OpsError(f"The {what} {path} already exists; restore into a new data directory.")
        return path
    if postgres.table_count(url):
        raise OpsError(
            f"The PostgreSQL {what} {shown(url)} is not empty: restore only into an empty "
            "database (drop and create it, e.g. dropdb/createdb)."
        )
    return url


def _restore_service_db(source: Path, entry: dict, target, report: Report) -> None:
    _restore_db(source, entry, target, "service DB", report)
    if isinstance(target, Path):
        facts = sqlite_service_facts(target)
    else:
        facts = postgres.read(target, service_facts)
    if facts["events"] != entry["events"] or facts["revision"] != entry["revision"]:
        raise OpsError(
            f"The restored service DB has {facts['events']} events at revision "
            f"{facts['revision']}; the backup recorded {entry['events']} at {entry['revision']}."
        )
    recorded = entry.get("rows")  # absent in backups made before it was recorded
    if recorded is not None and facts["rows"] != recorded:
        differ = sorted(
            name
            for name in recorded.keys() | facts["rows"].keys()
            if recorded.get(name) != facts["rows"].get(name)
        )
        found = ", ".join(f"{n} {facts['rows'].get(n, 'missing')}" for n in differ)
        wanted = ", ".join(f"{n} {recorded.get(n, 'missing')}" for n in differ)
        raise OpsError(
            f"The restored service DB does not hold what the backup recorded: rows of {found}; "
            f"the backup recorded {wanted}. Restore again into an empty database, and report "
            "this if it happens again."
        )


def _restore_db(source: Path, entry: dict, target, what: str, report: Report) -> None:
    backup = source / entry["file"]
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        sqlite.copy_database(backup, target)
    else:
        postgres.restore(target, backup)
    report(f"{what}: restored ({entry['kind']}, revision {entry.get('revision')})")


def _restore_project(source: Path, project: dict, projects_root: Path, report: Report) -> None:
    slug = project["slug"]
    target = projects_root / slug
    bundle = source / project["bundle"]["file"] if project["bundle"] else None
    clone_bundle(bundle, target, slug, project["head"], project["head_ref"])
    worktree = source / project["worktree"]["file"] if project["worktree"] else None
    apply(target, worktree, project["deleted"])
    if project["outbox"]:
        outbox = target / ".git" / OUTBOX
        outbox.parent.mkdir(parents=True, exist_ok=True)
        sqlite.copy_database(source / project["outbox"]["file"], outbox)
    head = project["head"][:12] if project["head"] else "no commits"
    report(f"project {slug}: HEAD {head}, {len(project['changed'])} uncommitted files restored")


def _fresh(data_dir: Path) -> bool:
    """Absent, or holding nothing but empty folders (such as the mount point of an empty
    projects volume on Kubernetes)."""
    if not data_dir.exists():
        return True
    if not data_dir.is_dir():
        return False
    return all(
        entry.is_dir() and not entry.is_symlink() and not any(entry.iterdir())
        for entry in data_dir.iterdir()
    )


def _undo(data_dir: Path, created: bool, kept: set[Path]) -> None:
    """Remove what the restore wrote; folders that were there before stay, emptied."""
    if created:
        shutil.rmtree(data_dir, ignore_errors=True)
        return
    for child in data_dir.iterdir():
        if child in kept:
            for inner in child.iterdir():
                _remove(inner)
        else:
            _remove(child)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
