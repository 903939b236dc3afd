"""Team membership changes seen in the hub are audited: the service's cached directory records
``member.added``/``member.removed``/``lead.added``/``lead.removed`` (actor ``hub``) when a
refresh finds the teams changed, compares with the database after a restart, records a change
once when several replicas see it, and retries after a failure."""

import asyncio

import pytest
from sqlalchemy import select

from moiety.core import audit
from moiety.service.directory import CachedDirectory
from moiety.service.storage import Storage
from moiety.store.audit import AuditEntry


class FakeHub:
    """The hub's groups, as ``GET /hub/api/groups`` lists them."""

    def __init__(self, teams):
        self.teams = teams

    async def groups(self):
        groups = []
        for team, (members, leads) in self.teams.items():
            groups.append({"name": team, "users": members, "properties": {"moiety": "team"}})
            groups.append(
                {
                    "name": f"{team}-leads",
                    "users": leads,
                    "properties": {"moiety": "leads", "team": team},
                }
            )
        return groups


class FailingOnce:
    def __init__(self, storage):
        self.storage, self.failed = storage, False

    async def write(self, fn, *args, **kwargs):
        if not self.failed:
            self.failed = True
            raise RuntimeError("database is down")
        return await self.storage.write(fn, *args, **kwargs)


@pytest.fixture
def storage(database):
    store = Storage(database.url, readers=1)
    yield store
    store.close()


def refresh(directory):
    directory.invalidate()
    return asyncio.run(directory.get())


def changes(storage, after=0):
    with storage.db.session() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
        )
        return [(e.action, e.team, e.target_id, e.actor, e.details) for e in rows]


def last_id(storage):
    with storage.db.session() as session:
        return session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())) or 0


def test_the_first_refresh_records_everyone_then_only_changes(storage):
    hub = FakeHub({"kinase": (["alice", "bob"], ["lena"]), "neuro": (["carol"], ["lena"])})
    directory = CachedDirectory(hub, ttl=60, storage=storage)
    refresh(directory)
    initial = {"initial": True}
    assert changes(storage) == [
        ("lead.added", "kinase", "lena", "hub", initial),
        ("member.added", "kinase", "alice", "hub", initial),
        ("member.added", "kinase", "bob", "hub", initial),
        ("lead.added", "neuro", "lena", "hub", initial),
        ("member.added", "neuro", "carol", "hub", initial),
    ]
    start = last_id(storage)
    refresh(directory)
    assert changes(storage, start) == []

    hub.teams["kinase"] = (["alice", "carol"], ["lena", "bob"])
    hub.teams["neuro"] = ([], ["lena"])
    refresh(directory)
    assert changes(storage, start) == [
        ("lead.added", "kinase", "bob", "hub", {}),
        ("member.added", "kinase", "carol", "hub", {}),
        ("member.removed", "kinase", "bob", "hub", {}),
        ("member.removed", "neuro", "carol", "hub", {}),
    ]


def test_changes_made_while_the_service_was_down_are_recorded_at_its_next_start(storage):
    hub = FakeHub({"kinase": (["alice", "bob"], ["lena"]), "neuro": (["carol"], ["lena"])})
    refresh(CachedDirectory(hub, ttl=60, storage=storage))
    start = last_id(storage)
    # The service stops; in the hub, bob leaves, the neuro team is deleted, a team is made.
    hub.teams = {"kinase": (["alice"], ["lena"]), "adme": (["dan"], [])}
    restarted = CachedDirectory(hub, ttl=60, storage=storage)
    assert refresh(restarted).members["adme"] == frozenset({"dan"})
    assert changes(storage, start) == [
        ("member.added", "adme", "dan", "hub", {}),
        ("member.removed", "kinase", "bob", "hub", {}),
        ("lead.removed", "neuro", "lena", "hub", {}),
        ("member.removed", "neuro", "carol", "hub", {}),
    ]
    start = last_id(storage)
    refresh(CachedDirectory(hub, ttl=60, storage=storage))
    assert changes(storage, start) == []


def test_replicas_seeing_the_same_change_record_it_once(storage):
    hub = FakeHub({"kinase": (["alice"], ["lena"])})
    replicas = [CachedDirectory(hub, ttl=60, storage=storage) for _ in range(3)]
    for replica in replicas:
        refresh(replica)
    start = last_id(storage)
    hub.teams["kinase"] = (["alice", "bob"], ["lena"])
    for replica in replicas:
        refresh(replica)
    assert changes(storage, start) == [("member.added", "kinase", "bob", "hub", {})]


def test_a_failed_recording_is_retried_at_the_next_refresh(storage, caplog):
    hub = FakeHub({"kinase": (["alice"], ["lena"])})
    directory = CachedDirectory(hub, ttl=60, storage=FailingOnce(storage))
    assert refresh(directory).members["kinase"] == frozenset({"alice"})
    assert "could not record team membership" in caplog.text
    assert changes(storage) == []
    refresh(directory)
    assert [change[:3] for change in changes(storage)] == [
        ("lead.added", "kinase", "lena"),
        ("member.added", "kinase", "alice"),
    ]


def test_without_storage_nothing_is_recorded(storage):
    directory = CachedDirectory(FakeHub({"kinase": (["alice"], [])}), ttl=60)
    assert refresh(directory).teams == ["kinase"]
    assert changes(storage) == []
    assert audit.memberships(directory.current) == frozenset({("kinase", "member", "alice")})
