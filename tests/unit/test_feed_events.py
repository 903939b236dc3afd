"""Recording events: validation, idempotency by key (also under a race), the API shape."""

import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from moiety.core.event_fields import folders_of
from moiety.core.events import (
    EventNotFound,
    InvalidEvent,
    UnknownProject,
    get_event,
    record_event,
    serialize_event,
)
from moiety.core.projects import create_project
from moiety.store import Event, EventTag


@pytest.fixture
def project(db_session):
    create_project(db_session, slug="kinase-sar", title="SAR", teams=["kinase"], created_by="ana")
    db_session.commit()
    return "kinase-sar"


def saved(session, project, **extra):
    values = {"kind": "file.saved", "project": project, "actor": "ana", "summary": "saved a.ipynb"}
    return record_event(session, **(values | extra))


def test_record_and_serialize(db_session, project):
    event = saved(
        db_session,
        project,
        path="notebooks/a.ipynb",
        data={"count": 3},
        tags=["#EGFR", "potency", "egfr"],
        mentions=["@Bob", "carol"],
    )
    db_session.commit()
    db_session.expunge_all()
    item = serialize_event(db_session.get(Event, event.id))
    assert item == {
        "id": event.id,
        "kind": "file.saved",
        "project": "kinase-sar",
        "actor": "ana",
        "created_at": item["created_at"],
        "path": "notebooks/a.ipynb",
        "summary": "saved a.ipynb",
        "data": {"count": 3},
        "tags": ["egfr", "potency"],
        "mentions": ["bob", "carol"],
        "reactions": [],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", item["created_at"])


def test_the_returned_event_is_complete_and_stored_once(db_session, project):
    event = saved(db_session, project, tags=["b", "a"], mentions=["carol"])
    assert serialize_event(event)["tags"] == ["b", "a"]
    assert serialize_event(event)["mentions"] == ["carol"]
    event.summary = "edited"
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(EventTag)) == 2
    db_session.expunge_all()
    assert db_session.get(Event, event.id).summary == "edited"


def test_path_is_left_out_when_there_is_none(db_session, project):
    event = record_event(
        db_session, kind="member.joined", project=project, actor="bob", summary="joined"
    )
    assert "path" not in serialize_event(event)


def test_ids_grow_in_recording_order(db_session, project):
    ids = [saved(db_session, project).id for _ in range(5)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 5


def test_created_at_defaults_to_now_and_can_be_given(db_session, project):
    before = datetime.now(UTC)
    event = saved(db_session, project)
    assert before <= event.created_at <= datetime.now(UTC)
    given = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert saved(db_session, project, created_at=given).created_at == given


def test_same_key_returns_the_first_event_and_stores_nothing(db_session, project):
    first = saved(db_session, project, key="save:a:1", tags=["one"])
    db_session.commit()
    again = saved(db_session, project, key="save:a:1", summary="other", tags=["two"])
    db_session.commit()
    assert again.id == first.id
    assert again.summary == "saved a.ipynb"
    assert db_session.scalar(select(func.count()).select_from(Event)) == 2  # + project.created
    assert db_session.scalars(select(EventTag.tag)).all() == ["one"]


def test_same_key_in_another_project_is_another_event(db_session, project):
    create_project(db_session, slug="other", title="Other", teams=["kinase"], created_by="ana")
    a = saved(db_session, project, key="k")
    b = saved(db_session, "other", key="k")
    assert a.id != b.id


def test_duplicate_key_keeps_the_callers_transaction(db_session, project):
    saved(db_session, project, key="k")
    db_session.commit()
    kept = saved(db_session, project, summary="kept")
    assert saved(db_session, project, key="k").id != kept.id
    db_session.commit()
    assert db_session.get(Event, kept.id).summary == "kept"


def test_concurrent_records_of_one_key_give_one_row(database, project):
    workers = 6
    start = threading.Barrier(workers)
    ids, errors = [], []

    def record():
        try:
            with database.session() as session:
                start.wait()
                event = saved(session, project, key="race")
                session.commit()
                ids.append(event.id)
        except Exception as e:  # collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=record) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(ids) == workers
    assert len(set(ids)) == 1
    with database.session() as session:
        assert session.scalar(select(func.count()).where(Event.key == "race")) == 1


def test_unknown_project(db_session, project):
    with pytest.raises(UnknownProject, match="no project 'nope'"):
        saved(db_session, "nope")
    with pytest.raises(InvalidEvent, match="project must be non-empty"):
        saved(db_session, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "file.exploded", "not a kind of event"),
        ("actor", "", "actor must be non-empty"),
        ("summary", "   ", "summary must be non-empty"),
        ("summary", "x" * 501, "longer than 500"),
        ("summary", "nul\x00", "NUL"),
        ("path", "\ud800", "surrogate"),
        ("key", "k" * 256, "longer than 255"),
        ("data", [1, 2], "JSON object"),
        ("data", {"x": float("nan")}, "not plain JSON"),
        ("data", {"x": object()}, "not plain JSON"),
        ("data", {"x": ["a\x00b"]}, "NUL"),
        ("data", {"x": "y" * 300_000}, "larger than 256 KiB"),
        ("tags", ["1abc"], "not a valid tag"),
        ("tags", "egfr", "must be a list"),
        ("mentions", ["Bob Smith"], "not a valid mention"),
        ("tags", [f"t{i}" for i in range(51)], "at most 50 tags"),
        ("created_at", datetime(2025, 1, 1), "time zone"),
        ("created_at", "2025-01-01", "time zone"),
    ],
)
def test_invalid_events_are_refused_with_a_reason(db_session, project, field, value, message):
    with pytest.raises(InvalidEvent, match=message):
        saved(db_session, project, **{field: value})
    assert db_session.scalar(select(func.count()).select_from(Event)) == 1


def test_data_keeps_unicode_and_literal_escapes(db_session, project):
    data = {"note": "pIC₅₀ ≥ 7 — see \\u0000 in the docs", "nested": {"ok": [1, 2.5, None]}}
    event = saved(db_session, project, data=data)
    db_session.commit()
    db_session.expunge_all()
    assert db_session.get(Event, event.id).data == data


def test_get_event_only_when_visible(db_session, project):
    event = saved(db_session, project)
    assert get_event(db_session, event.id, {project}) is event
    for visible, event_id in (({"other"}, event.id), ({project}, 10**9), ({project}, "1")):
        with pytest.raises(EventNotFound):
            get_event(db_session, event_id, visible)


def test_folders_of_a_path():
    assert folders_of("a/b/c.ipynb") == ["a/", "a/b/"]
    assert folders_of("top.csv") == []
    assert folders_of("data/raw/") == ["data/", "data/raw/"]
    assert len(folders_of("d/" * 40 + "f")) == 32
