"""Folding saves per person and file, and crediting collaborative saves to the people who
changed the document."""

import pytest
from pycrdt import (
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    write_message,
)

from moiety.core.activity import Debouncer, RoomPresence
from moiety.core.activity.presence import is_document_change


def sync_step2(update: bytes) -> bytes:
    return bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2]) + write_message(update)


def test_saves_fold_per_person_and_file_until_a_quiet_period():
    saves = Debouncer(quiet=120)
    for t in (0, 30, 60):
        saves.add(("alice", "sar.ipynb"), t, "alice")
    saves.add(("bob", "sar.ipynb"), 50, "bob")
    saves.add(("alice", "notes.md"), 70, "alice")
    assert saves.next_deadline() == 170
    assert saves.due(169) == []
    assert [(f.key, f.count) for f in saves.due(170)] == [(("bob", "sar.ipynb"), 1)]
    assert [(f.key, f.count) for f in saves.due(180)] == [(("alice", "sar.ipynb"), 3)]
    assert [(f.key, f.count) for f in saves.due(190)] == [(("alice", "notes.md"), 1)]
    assert len(saves) == 0
    assert saves.next_deadline() is None


def test_someone_who_never_pauses_is_still_reported():
    saves = Debouncer(quiet=10, max_wait=60)
    t = 0
    while not (done := saves.due(t)):
        saves.add(("alice", "sar.ipynb"), t, "alice")
        t += 5
    assert done[0].count == 12
    assert done[0].first == 0
    assert t == 60


def test_taking_the_folds_of_a_file_before_it_is_renamed():
    saves = Debouncer(quiet=10)
    saves.add(("alice", "a/sar.ipynb"), 0)
    saves.add(("bob", "a/sar.ipynb"), 1)
    saves.add(("bob", "b.txt"), 2)
    taken = saves.take(lambda key: key[1].startswith("a/"))
    assert [f.key for f in taken] == [("alice", "a/sar.ipynb"), ("bob", "a/sar.ipynb")]
    assert [f.key for f in saves.drain()] == [("bob", "b.txt")]


def test_an_automatic_snapshot_knows_who_edited():
    auto = Debouncer(quiet=300)
    for t, person in [(0, "alice"), (10, "bob"), (20, "alice")]:
        auto.add("auto", t, person)
    (fold,) = auto.due(320)
    assert fold.people == ["alice", "bob"]


def test_quiet_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        Debouncer(quiet=0)


def test_a_room_save_is_credited_to_those_who_changed_it_since_the_last_save():
    rooms = RoomPresence()
    room = "json:notebook:1234"
    rooms.join(room, "alice")
    rooms.join(room, "bob")
    rooms.join(room, "bob")  # a second tab
    rooms.leave(room, "bob")
    assert rooms.present(room) == ["alice", "bob"]
    assert rooms.saved(room) == []  # nobody changed anything: the caller credits the project
    rooms.edited(room, "alice")
    rooms.edited(room, "alice")
    assert rooms.saved(room) == ["alice"]  # bob only watched
    rooms.edited(room, "bob")
    rooms.leave(room, "bob")
    rooms.join("json:notebook:other", "carol")
    rooms.edited("json:notebook:other", "carol")
    assert rooms.everyone() == ["alice", "carol"]
    assert rooms.saved(room) == ["bob"]  # he left, his last change is still his
    assert rooms.saved(room) == []
    rooms.leave(room, "alice")
    rooms.leave(room, "alice")
    assert rooms.everyone() == ["carol"]
    assert rooms.saved("json:notebook:other") == ["carol"]


def test_only_non_empty_document_updates_are_changes():
    doc = Doc()
    text = doc.get("source", type=Text)
    updates = []
    doc.observe(lambda event: updates.append(event.update))
    text += "pIC50 = 7.9"
    assert is_document_change(create_update_message(updates[0]))
    assert is_document_change(sync_step2(updates[0]))
    assert not is_document_change(sync_step2(b"\x00\x00"))
    assert not is_document_change(create_sync_message(doc))  # asks for the room's state
    assert not is_document_change(create_awareness_message(b"\x01\x00"))
    assert not is_document_change(b"\x00\x02\xff")  # truncated
