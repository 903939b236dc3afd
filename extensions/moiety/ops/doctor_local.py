"""Checks of what is on this machine: the service DB, project repositories, disk space."""

from __future__ import annotations

import shutil

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from ..core.repo.errors import RepoError
from ..core.repo.fsck import check_repository
from ..store import migrate
from .doctor import FAIL, OK, WARN, Check
from .facts import project_slugs
from .layout import DataLayout, db_kind, shown

GiB = 1 << 30
WARN_FRACTION, WARN_BYTES = 0.10, 1 * GiB
FAIL_BYTES = 256 << 20
UPGRADE = "back it up (moiety backup DIR), then restart the hub: the service migrates it at start"


def database(layout: DataLayout | None) -> Check:
    name = "service DB"
    if layout is None:
        return Check(WARN, name, "skipped: no deployment given", "pass --data-dir")
    url = layout.service_db_url
    try:
        kind = db_kind(url, name)
    except Exception as e:
        return Check(FAIL, name, str(getattr(e, "message", e)), "set MOIETY_DB_URL correctly")
    if kind == "sqlite" and not layout.sqlite_path(url).is_file():
        return Check(
            FAIL,
            name,
            f"no database at {layout.sqlite_path(url)}",
            "give the deployment's data directory (--data-dir or MOIETY_DATA_DIR); the service "
            "creates the database at its first start",
        )
    try:
        current = migrate.current_revision(url)
    except Exception as e:
        reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
        return Check(
            FAIL,
            name,
            f"cannot open {shown(url)}: {reason}",
            "check MOIETY_DB_URL and that the database server is running",
        )
    head = migrate.head_revision()
    if current == head:
        return Check(OK, name, f"{kind}, at revision {head} (the newest)")
    if current is None:
        return Check(FAIL, name, f"{shown(url)} has no Moiety schema", UPGRADE)
    try:
        ScriptDirectory.from_config(migrate.alembic_config()).get_revision(current)
    except CommandError:
        return Check(
            FAIL,
            name,
            f"at revision {current}, which this Moiety ({head}) does not know: a "
            "newer Moiety migrated it",
            "install the Moiety version the deployment runs",
        )
    return Check(FAIL, name, f"at revision {current}; this Moiety needs {head}", UPGRADE)


def repositories(layout: DataLayout | None) -> list[Check]:
    name = "project repositories"
    root = layout.projects_root if layout else None
    if root is None or not root.is_dir():
        return [
            Check(
                WARN,
                name,
                f"skipped: no project folders at {root} on this machine",
                "run doctor where the data directory is (--data-dir); on Kubernetes, in a pod "
                "that mounts the projects volume",
            )
        ]
    checks, sound = [], 0
    found = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for folder in found:
        if not (folder / ".git").is_dir():
            checks.append(
                Check(
                    WARN,
                    f"project {folder.name}",
                    "not a git repository yet",
                    "open the project once: its server makes the repository",
                )
            )
            continue
        try:
            report = check_repository(folder)
            problems = report.problems
        except RepoError as e:
            problems = [e.message]
        if not problems:
            sound += 1
            continue
        checks.append(
            Check(
                FAIL,
                f"project {folder.name}",
                f"git fsck: {'; '.join(problems[:2])}",
                f"restore it from a backup (moiety restore), or inspect it with "
                f"git -C {folder} fsck --full",
            )
        )
    missing = _registered(layout) - {folder.name for folder in found}
    if missing:
        checks.append(
            Check(
                WARN,
                "project folders",
                f"the service lists {', '.join(sorted(missing))} but {root} has no folder for it",
                "restore it from a backup, or start the project once",
            )
        )
    if not checks or sound:
        checks.insert(0, Check(OK, name, f"{sound} of {len(found)} pass git fsck"))
    return checks


def _registered(layout: DataLayout) -> set[str]:
    """Project slugs in the service DB, if it can be read (the database check reports why not)."""
    from sqlalchemy import NullPool

    from ..store.database import make_engine

    url = layout.service_db_url
    try:
        if db_kind(url, "service DB") == "sqlite" and not layout.sqlite_path(url).is_file():
            return set()
        engine = make_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return set(project_slugs(connection))
        finally:
            engine.dispose()
    except Exception:
        return set()


def disk(layout: DataLayout | None) -> Check:
    name = "disk space"
    if layout is None or not layout.data_dir.is_dir():
        where = layout.data_dir if layout else "the data directory"
        return Check(WARN, name, f"skipped: {where} is not on this machine", "pass --data-dir")
    usage = shutil.disk_usage(layout.data_dir)
    fraction = usage.free / usage.total if usage.total else 0
    detail = f"{usage.free / GiB:.1f} GiB free ({fraction:.0%}) where {layout.data_dir} is"
    remedy = "free space or grow the volume: databases and git stop writing when it is full"
    if usage.free < FAIL_BYTES:
        return Check(FAIL, name, detail, remedy)
    if usage.free < WARN_BYTES or fraction < WARN_FRACTION:
        return Check(WARN, name, detail, remedy)
    return Check(OK, name, detail)
