"""The service's writer: writes commit in order, and one failure spoils nothing else."""

import asyncio

import pytest

from moiety.core.events import record_event, serialize_event
from moiety.core.projects import create_project
from moiety.service.storage import Storage
from moiety.store import upgrade


def record(session, *, published, i):
    event = serialize_event(
        record_event(session, kind="file.saved", project="p1", actor="alice", summary=f"s{i}")
    )
    published.append(event)
    return event["id"]


def fail(session, *, published):
    record_event(session, kind="file.saved", project="p1", actor="alice", summary="rolled back")
    raise ValueError("this write fails")


def setup_project(session, *, published):
    create_project(session, slug="p1", title="P1", teams=["kinase"], created_by="admin")


@pytest.fixture
def storage(db_url):
    upgrade(db_url)
    storage = Storage(db_url)
    yield storage
    storage.close()


def test_concurrent_writes_commit_in_order_and_a_failure_stays_alone(storage):
    published = []

    async def scenario():
        storage.on_commit(published.extend)
        await storage.write(setup_project)
        writes = [storage.write(record, i=i) for i in range(40)]
        writes.insert(20, storage.write(fail))
        return await asyncio.gather(*writes, return_exceptions=True)

    results = asyncio.run(scenario())
    failures = [r for r in results if isinstance(r, Exception)]
    ids = [r for r in results if not isinstance(r, Exception)]
    assert len(failures) == 1
    assert str(failures[0]) == "this write fails"
    assert len(ids) == 40
    assert ids == sorted(ids)
    summaries = [e["summary"] for e in published if e["kind"] == "file.saved"]
    assert "rolled back" not in summaries
    assert summaries == [f"s{i}" for i in range(40)]
    assert storage.pending == 0

    async def stored():
        from sqlalchemy import func, select

        from moiety.store import Event

        return await storage.read(
            lambda s: s.scalar(
                select(func.count()).select_from(Event).where(Event.kind == "file.saved")
            )
        )

    assert asyncio.run(stored()) == 40


def test_a_lone_failing_write_raises_and_stores_nothing(storage):
    async def scenario():
        await storage.write(setup_project)
        with pytest.raises(ValueError, match="this write fails"):
            await storage.write(fail)
        return await storage.write(record, i=1)

    assert asyncio.run(scenario()) > 0
