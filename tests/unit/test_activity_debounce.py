"""Folding saves per person and file, and crediting collaborative saves to people."""

import pytest

from moiety.core.activity import Debouncer, RoomPresence


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


def test_a_room_save_is_credited_to_those_present_and_those_who_just_left():
    rooms = RoomPresence()
    room = "json:notebook:1234"
    rooms.join(room, "alice")
    rooms.join(room, "bob")
    rooms.join(room, "bob")  # a second tab
    rooms.leave(room, "bob")
    assert rooms.present(room) == ["alice", "bob"]
    assert rooms.saved(room) == ["alice", "bob"]
    rooms.leave(room, "bob")
    rooms.join("json:notebook:other", "carol")
    assert rooms.everyone() == ["alice", "carol"]
    assert rooms.saved(room) == ["alice", "bob"]
    assert rooms.saved(room) == ["alice"]
    rooms.leave(room, "alice")
    rooms.leave(room, "alice")
    assert rooms.saved(room) == ["alice"]
    assert rooms.saved(room) == []
    assert rooms.everyone() == ["carol"]
