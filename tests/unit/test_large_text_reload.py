"""A large open text file changed on disk is reloaded into its collaborative document with one
granular change, in linear time (``moiety.server.large_text``), where jupyter_ydoc's own byte
diff ran for minutes on the demo's 1.2 MB SD file and froze the project server."""

from pathlib import Path

import pytest
from jupyter_ydoc import YUnicode

from moiety.server import large_text

EGFR = Path(__file__).resolve().parents[2] / "shared_projects" / "egfr-sar" / "data" / "egfr.sdf"


@pytest.fixture(autouse=True)
def installed():
    large_text.install()


def reload(old: str, new: str) -> tuple[str, list]:
    document = YUnicode()
    document.set(old)
    deltas = []
    document._ysource.observe(lambda event: deltas.append(event.delta))
    document.set(new)
    return document.get(), deltas


def test_a_changed_compound_file_is_one_change_in_the_middle():
    old = EGFR.read_text()
    records = old.split("$$$$\n")
    changed = records[:10] + records[12:200] + [records[200].replace("1", "2", 1)] + records[201:]
    new = "$$$$\n".join(changed)
    text, deltas = reload(old, new)
    assert text == new
    [delta] = deltas
    kept = len("$$$$\n".join(records[:10]).encode()) + len("$$$$\n")
    # Records 10 and 12 start alike: the change starts a few characters into record 10.
    assert kept <= delta[0]["retain"] < kept + len(records[10])
    assert delta[1]["delete"] > 0


def test_characters_of_several_bytes_are_not_cut():
    old = "é" * 40_000 + "naïve" + "ü" * 40_000
    new = "é" * 40_000 + "naëve" + "ü" * 40_000
    text, [delta] = reload(old, new)
    assert text == new
    assert delta[0] == {"retain": len(("é" * 40_000 + "na").encode())}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a" * 70_000, "a" * 70_001),  # appended
        ("b" + "a" * 70_000, "a" * 70_000),  # start removed
        ("a" * 70_000, "x" * 10),  # nearly everything replaced
        ("ab" * 40_000, "ab" * 40_000 + "ab"),  # repeated text
    ],
)
def test_any_change_gives_the_new_text(old, new):
    assert reload(old, new)[0] == new
