"""The engine and sessions: SQLite settings, time zones, URLs, write transactions."""

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from moiety.core.projects import create_project
from moiety.store import Database, DatabaseURLError, Project, database_url, upgrade


def test_sqlite_settings(tmp_path):
    with Database(tmp_path / "moiety.sqlite") as db, db.engine.connect() as connection:

        def pragma(name):
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("busy_timeout") >= 1000


def test_urls():
    assert database_url("/var/lib/moiety/db.sqlite").render_as_string() == (
        "sqlite:////var/lib/moiety/db.sqlite"
    )
    assert database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert database_url("postgresql+psycopg://u@h/db").database == "db"
    with pytest.raises(DatabaseURLError, match="file path"):
        database_url("sqlite://")
    with pytest.raises(DatabaseURLError, match="SQLite or PostgreSQL"):
        database_url("mysql://u@h/db")


def test_timestamps_come_back_aware_in_utc(db_session):
    moment = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    project = create_project(
        db_session, slug="tz-check", title="TZ", teams=["kinase"], created_by="ana"
    )
    project.created_at = moment
    db_session.commit()
    db_session.expunge_all()
    stored = db_session.scalars(select(Project).where(Project.slug == "tz-check")).one()
    assert stored.created_at == moment
    assert stored.created_at.tzinfo is UTC
    assert stored.created_at.hour == 14


def test_naive_timestamps_are_refused(db_session):
    project = create_project(
        db_session, slug="naive", title="Naive", teams=["kinase"], created_by="ana"
    )
    project.created_at = datetime(2026, 3, 1, 9, 30)
    with pytest.raises(StatementError, match="naive datetime"):
        db_session.flush()


def test_write_session_holds_the_write_lock_from_its_start(tmp_path):
    path = tmp_path / "moiety.sqlite"
    upgrade(path)
    with Database(path) as db:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            with db.write_session.begin() as session:
                assert session.scalar(text("SELECT count(*) FROM projects")) == 0
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
                create_project(
                    session, slug="locked", title="L", teams=["kinase"], created_by="ana"
                )
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()
        with db.session() as session:
            assert session.get(Project, "locked") is not None


def test_analyze_gives_sqlite_planner_statistics(tmp_path):
    path = tmp_path / "moiety.sqlite"
    upgrade(path)
    with Database(path) as db:
        with db.session.begin() as session:
            for slug in ("alpha", "beta"):
                create_project(session, slug=slug, title=slug, teams=["k"], created_by="ana")
        db.analyze()
        with db.engine.connect() as connection:
            stats = connection.exec_driver_sql("SELECT tbl, stat FROM sqlite_stat1").all()
    assert ("projects", "2 1") in stats
    assert any(table == "events" for table, _ in stats)


def test_sqlite_rollback_undoes_ddl_and_savepoints(tmp_path):
    """SQLAlchemy emits BEGIN itself, so SQLite transactions cover DDL and savepoints."""
    with Database(tmp_path / "moiety.sqlite") as db:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.rollback()
        with db.engine.connect() as connection:
            assert (
                connection.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name = 't'"
                ).scalar()
                == 0
            )
