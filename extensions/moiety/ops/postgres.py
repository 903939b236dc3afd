"""PostgreSQL backups with ``pg_dump`` and restores with ``pg_restore``.

The password never appears on a command line (where ``ps`` shows it): the tools get it in
``PGPASSWORD`` and everything else as a libpq connection string. A dump is taken from a
snapshot exported by a repeatable-read transaction, so the facts recorded in the manifest
(schema revision, event count) describe exactly the rows the dump holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import NullPool, create_engine, text
from sqlalchemy.engine import URL, Connection, make_url

from .errors import OpsError
from .layout import shown

TIMEOUT_S = 6 * 3600
INSTALL_HINT = (
    "install the PostgreSQL client tools, of the server's major version or newer "
    "(Debian/Ubuntu: apt-get install postgresql-client)"
)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise OpsError(f"{name} is not installed, and this database is PostgreSQL: {INSTALL_HINT}.")
    return path


def libpq(url: str | URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that carries it."""
    from psycopg.conninfo import make_conninfo  # psycopg is the optional "postgresql" extra

    url = make_url(url)
    params = {
        "dbname": url.database,
        "host": url.host,
        "port": url.port,
        "user": url.username,
        **{k: v for k, v in url.query.items() if isinstance(v, str)},
    }
    env = {**os.environ}
    env.pop("PGPASSWORD", None)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return make_conninfo(**{k: v for k, v in params.items() if v is not None}), env


def _engine(url: str | URL, **kwargs):
    url = make_url(url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, poolclass=NullPool, **kwargs)


@contextmanager
def exported_snapshot(url: str | URL):
    """A read-only repeatable-read transaction: ``(connection, snapshot_id)`` while open."""
    engine = _engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            yield connection, snapshot
            connection.rollback()
    except OpsError:
        raise
    except Exception as e:
        raise OpsError(
            f"Cannot read the PostgreSQL database {shown(url)}: {_first_line(e)}"
        ) from None
    finally:
        engine.dispose()


def dump(url: str | URL, dest: Path, facts: Callable[[Connection], dict] | None = None) -> dict:
    """``pg_dump`` the database to ``dest`` (custom format); returns ``facts(connection)`` read
    in the very snapshot the dump is taken from."""
    pg_dump = tool("pg_dump")
    conninfo, env = libpq(url)
    with exported_snapshot(url) as (connection, snapshot):
        found = facts(connection) if facts else {}
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dest}",
                f"--dbname={conninfo}",
            ],
            env,
            f"pg_dump of {shown(url)}",
        )
    return found


def restore(url: str | URL, source: Path) -> None:
    """``pg_restore`` a dump into the (empty) database at ``url``, in one transaction."""
    pg_restore = tool("pg_restore")
    conninfo, env = libpq(url)
    _run(
        [
            pg_restore,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={conninfo}",
            str(source),
        ],
        env,
        f"pg_restore into {shown(url)}",
    )


def read(url: str | URL, fn: Callable[[Connection], dict]) -> dict:
    """``fn(connection)`` on the PostgreSQL database at ``url``."""
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return fn(connection)
    finally:
        engine.dispose()


def table_count(url: str | URL) -> int:
    """How many tables the database has outside PostgreSQL's own schemas."""
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                    "('pg_catalog', 'information_schema')"
                )
            ).scalar_one()
    except Exception as e:
        raise OpsError(
            f"Cannot connect to the PostgreSQL database {shown(url)}: {_first_line(e)}. Create "
            "it (empty) first, e.g. createdb, and check the URL."
        ) from None
    finally:
        engine.dispose()


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise OpsError(
            f"{what} took longer than {TIMEOUT_S // 3600} hours; it was stopped."
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        hint = ""
        if "server version mismatch" in message or "unsupported version" in message:
            hint = f" The client tools are older than the server: {INSTALL_HINT}."
        raise OpsError(f"{what} failed: {message}{hint}")


def _first_line(error: Exception) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]
