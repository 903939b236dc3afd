"""Anchors that survive work: cells move, change and disappear, files are renamed and deleted,
lines move with edits. Driven by the event shapes project servers send (``file.saved`` with
``data.cells``, ``snapshot.created``, ``file.renamed`` with ``data.from``, ``file.deleted``)."""

import pytest

from moiety.core import threads
from moiety.core.activity.cells import cell_hash
from moiety.core.events import record_event
from moiety.core.projects import create_project
from moiety.core.thread_anchors import (
    Anchor,
    FileAnchors,
    InvalidAnchor,
    cell_state,
    line_anchor,
    relocate_lines,
    renamed_path,
)
from moiety.core.thread_tracking import apply_file, follow_event

PATH = "notebooks/explore.ipynb"
SOURCES = {"load": "import pandas as pd", "fit": "model.fit(X, y)", "plot": "plot(pic50)"}


def pairs(*ids, changed=()):
    return [[i, cell_hash(SOURCES[i] + (" # edited" if i in changed else ""))] for i in ids]


def notebook(path=PATH, ids=("load", "fit", "plot")):
    cells = [{"id": i, "index": n, "hash": h} for n, (i, h) in enumerate(pairs(*ids))]
    return FileAnchors(path=path, exists=True, kind="notebook", commit="abc", cells=cells)


@pytest.fixture
def project(db_session):
    create_project(db_session, slug="egfr", title="EGFR", teams=["kinase"], created_by="lena")
    db_session.commit()
    return "egfr"


def open_on(session, file, anchor):
    return threads.open_thread(
        session,
        project="egfr",
        file=file,
        anchor=anchor,
        body="look here",
        actor="alice",
        members={"alice", "bob"},
    ).thread


def report(session, kind, path=None, data=None, actor="bob"):
    """What ``POST /events`` records from a project server, then what threads make of it."""
    event = record_event(
        session, kind=kind, project="egfr", actor=actor, summary=kind, path=path, data=data
    )
    return follow_event(session, event)


@pytest.mark.parametrize(
    ("anchor", "words"),
    [
        ("cell", "must be an object"),
        ({"cell": "x"}, "Unknown anchor field 'cell'"),
        ({"cell_id": ""}, "cell_id must be"),
        ({"cell_id": 3}, "cell_id must be"),
        ({"line": 0}, "line must be a line number"),
        ({"line": True}, "line must be a line number"),
        ({"line": 1.5}, "line must be a line number"),
        ({"line_end": 3}, "no line"),
        ({"line": 3, "line_end": 2}, "before line"),
        ({"line": 1, "line_end": 600}, "at most 500 lines"),
        ({"cell_id": "a", "line": 1}, "not both"),
    ],
)
def test_anchor_shapes_that_are_refused(anchor, words):
    with pytest.raises(InvalidAnchor, match=words):
        Anchor.from_json(anchor)


def test_anchor_shapes_that_are_accepted():
    assert Anchor.from_json(None) == Anchor()
    assert Anchor.from_json({}) == Anchor()
    assert Anchor.from_json({"cell_id": "a1"}).cell_id == "a1"
    assert Anchor.from_json({"line": 2, "line_end": 4}).to_json() == {
        "cell_id": None,
        "line": 2,
        "line_end": 4,
    }


def test_cell_state():
    cells = pairs("load", "fit")
    assert cell_state("fit", cells[1][1], cells) == "current"
    assert cell_state("fit", "0" * 16, cells) == "outdated"
    assert cell_state("plot", cells[1][1], cells) == "orphaned"


@pytest.mark.parametrize(
    ("lines", "start", "expected"),
    [
        (["a", "b", "c", "d"], 2, 2),
        (["new", "new", "a", "b", "c", "d"], 2, 4),
        (["b", "c", "d"], 2, 1),
        (["b", "c", "x", "b", "c"], 5, 4),
        (["b", "c", "x", "x", "b", "c"], 3, 1),
        (["a", "  b  ", "c\t"], 2, 2),
        (["a", "b", "changed"], 2, None),
        (["b"], 2, None),
        ([], 1, None),
    ],
)
def test_relocating_lines(lines, start, expected):
    assert relocate_lines(["b", "c"], start, lines) == expected


def test_an_exact_match_wins_over_a_trimmed_one():
    assert relocate_lines(["b"], 1, [" b", "x", "b"]) == 3


def test_line_anchor_states():
    assert line_anchor(2, 3, "b\nc", ["x", "a", "b", "c"]) == ("current", 3, 4)
    assert line_anchor(2, None, "b", ["b", "a"]) == ("current", 1, None)
    assert line_anchor(5, 6, "b\nc", ["a", "z"]) == ("outdated", 2, 2)
    assert line_anchor(2, None, None, ["a"]) == ("current", 2, None)


def test_renamed_paths():
    assert renamed_path("a/b.ipynb", "a/b.ipynb", "c.ipynb") == "c.ipynb"
    assert renamed_path("a/b.ipynb", "a", "z/y") == "z/y/b.ipynb"
    assert renamed_path("ab/c.ipynb", "a", "z") is None


def test_a_cell_thread_follows_moves_edits_and_deletion(db_session, project):
    thread = open_on(db_session, notebook(), Anchor(cell_id="fit"))

    assert (
        report(db_session, "file.saved", PATH, {"count": 1, "cells": pairs("fit", "load", "plot")})
        == []
    )
    assert (thread.cell_id, thread.anchor_state) == ("fit", "current")

    report(
        db_session, "file.saved", PATH, {"count": 2, "cells": pairs("load", "fit", changed={"fit"})}
    )
    assert thread.anchor_state == "outdated"

    report(db_session, "file.saved", PATH, {"count": 1, "cells": pairs("load", "plot")})
    assert thread.anchor_state == "orphaned"

    report(db_session, "snapshot.created", None, {"paths": [PATH], "cells": {PATH: pairs("fit")}})
    assert thread.anchor_state == "current"
    db_session.commit()
    item = threads.serialize_threads(db_session, [thread], "bob")[0]
    assert item["anchor_state"] == "current"
    assert item["anchor"]["cell_id"] == "fit"


def test_a_rename_moves_threads_and_a_deletion_orphans_them(db_session, project):
    on_file = open_on(db_session, notebook(), Anchor(cell_id="plot"))
    other = open_on(db_session, notebook("notebooks/other.ipynb"), Anchor())

    report(db_session, "file.renamed", "notebooks/egfr-explore.ipynb", {"from": PATH})
    assert on_file.path == "notebooks/egfr-explore.ipynb"
    assert on_file.opened_path == PATH
    assert on_file.anchor_state == "current"

    report(db_session, "file.renamed", "archive/2026", {"from": "notebooks"})
    assert (on_file.path, other.path) == (
        "archive/2026/egfr-explore.ipynb",
        "archive/2026/other.ipynb",
    )
    report(db_session, "file.deleted", "archive/2026/other.ipynb")
    assert (on_file.anchor_state, other.anchor_state) == ("current", "orphaned")
    report(db_session, "file.deleted", "archive")
    assert on_file.anchor_state == "orphaned"

    report(db_session, "file.created", "archive/2026/other.ipynb")
    assert other.anchor_state == "current"
    db_session.commit()
    listed, _ = threads.list_threads(db_session, project="egfr", path="archive/2026/other.ipynb")
    assert [t.id for t in listed] == [other.id]


def test_events_without_cells_ask_for_the_file(db_session, project):
    lines = ["# notes", "plate 1: 7.2", "plate 2: 6.9"]
    text = FileAnchors("notes.md", True, "text", "abc", line_count=3, lines=lines)
    thread = open_on(db_session, text, Anchor(line=2))
    cell_thread = open_on(db_session, notebook(), Anchor(cell_id="load"))

    assert report(db_session, "file.saved", "notes.md", {"count": 1}) == ["notes.md"]
    assert report(db_session, "version.restored", PATH, {"commit": "x"}) == [PATH]
    assert report(db_session, "file.saved", "unrelated.md", {"count": 1}) == []
    assert report(
        db_session,
        "snapshot.created",
        None,
        {"paths": ["notes.md", PATH], "cells": {PATH: pairs("load")}},
    ) == ["notes.md"]
    assert cell_thread.anchor_state == "current"

    moved = ["# notes", "added above", "plate 1: 7.2", "plate 2: 6.9"]
    assert apply_file(db_session, "egfr", FileAnchors("notes.md", True, "text", lines=moved)) == 1
    assert (thread.line, thread.anchor_state) == (3, "current")
    changed = ["# notes", "plate 1: 7.4"]
    apply_file(db_session, "egfr", FileAnchors("notes.md", True, "text", lines=changed))
    assert (thread.line, thread.anchor_state) == (2, "outdated")
    apply_file(db_session, "egfr", FileAnchors("notes.md", False))
    assert thread.anchor_state == "orphaned"
    apply_file(db_session, "egfr", FileAnchors("notes.md", True, "text", lines=lines))
    assert (thread.line, thread.anchor_state) == (2, "current")
    apply_file(db_session, "egfr", notebook(ids=("fit",)))
    assert cell_thread.anchor_state == "orphaned"


def test_events_of_other_projects_or_kinds_change_nothing(db_session, project):
    create_project(db_session, slug="other", title="Other", teams=["kinase"], created_by="lena")
    thread = open_on(db_session, notebook(), Anchor(cell_id="fit"))
    event = record_event(
        db_session, kind="file.deleted", project="other", actor="bob", summary="x", path=PATH
    )
    assert follow_event(db_session, event) == []
    assert report(db_session, "post.created", PATH, {"body": "x"}) == []
    assert report(db_session, "file.renamed", "x.ipynb", {"from": 3}) == []
    assert report(db_session, "file.saved", PATH, {"cells": "nonsense"}) == [PATH]
    assert thread.anchor_state == "current"
    assert thread.path == PATH
