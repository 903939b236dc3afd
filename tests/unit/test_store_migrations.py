"""Migrations: applied to an empty database, at head afterwards, and in step with the models."""

import threading
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from moiety.store import (
    Base,
    SchemaMismatch,
    check,
    current_revision,
    head_revision,
    make_engine,
    require_head,
    upgrade,
)
from moiety.store.migrate import downgrade

TABLES = {
    "projects",
    "project_teams",
    "events",
    "event_tags",
    "event_mentions",
    "event_folders",
    "reactions",
}


def _tables(url):
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_empty_database_is_not_at_head(db_url):
    assert current_revision(db_url) is None
    assert check(db_url) is False
    with pytest.raises(SchemaMismatch, match="no Moiety schema"):
        require_head(db_url)


def test_upgrade_creates_the_schema_and_check_says_head(db_url):
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()
    assert check(db_url) is True
    require_head(db_url)
    assert _tables(db_url) >= TABLES


def test_upgrade_twice_is_harmless(db_url):
    upgrade(db_url)
    upgrade(db_url)
    assert check(db_url) is True


def test_migrations_match_the_models(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(db_url):
    upgrade(db_url)
    downgrade(db_url, "base")
    assert check(db_url) is False
    assert not (_tables(db_url) & TABLES)
    upgrade(db_url)
    assert check(db_url) is True


def test_concurrent_upgrades_take_turns(db_url):
    errors = []
    start = threading.Barrier(3)

    def run():
        start.wait()
        try:
            upgrade(db_url)
        except Exception as e:  # collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert check(db_url) is True


def test_0002_fills_event_folders_from_existing_paths(db_url):
    upgrade(db_url, "0001")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO projects (slug, title, description, created_at, created_by)"
                    " VALUES ('alpha', 'Alpha', '', :now, 'ana')"
                ),
                {"now": datetime.now(UTC)},
            )
            for event_id, path in ((1, "a/b/c.ipynb"), (2, None), (3, "top.csv"), (4, "a/d.csv")):
                connection.execute(
                    text(
                        "INSERT INTO events (id, kind, project, actor, created_at, path, summary,"
                        " data) VALUES (:id, 'file.saved', 'alpha', 'ana', :now, :path, 's', '{}')"
                    ),
                    {"id": event_id, "now": datetime.now(UTC), "path": path},
                )
        upgrade(db_url)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT event_id, folder FROM event_folders ORDER BY event_id, folder")
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "a/"), (1, "a/b/"), (4, "a/")]
