"""Where a thread is anchored, and how the anchor follows the work done on its file.

A thread anchors to a file, optionally to one notebook cell (by id) or to a range of lines of a
text file. What the anchor looked like when the thread was opened is kept: the cell's source
hash (:func:`moiety.core.activity.cell_hash`), or the text of the lines. From then on:

- a cell keeps its thread wherever it moves (cell ids do not change when cells move);
- the anchor is ``outdated`` while the cell's source (or the lines' text) differs from what it
  was, ``current`` again if it comes back, and ``orphaned`` while the cell or the file is gone;
- lines move with edits as long as their text can be found: :func:`relocate_lines` looks for
  the block nearest its last place, first exactly, then ignoring leading and trailing spaces.

Everything here is pure: the caller gives what the project server reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .errors import InvalidInput, NotFound

CURRENT, OUTDATED, ORPHANED = "current", "outdated", "orphaned"
ANCHOR_STATES = (CURRENT, OUTDATED, ORPHANED)
MAX_ANCHOR_LINES = 500
MAX_LINE_TEXT = 64 * 1024
MAX_CELL_ID = 255


class InvalidAnchor(InvalidInput):
    code = "invalid-anchor"


class NoSuchFile(NotFound):
    code = "no-such-file"


class NoSuchCell(NotFound):
    code = "no-such-cell"


@dataclass(frozen=True)
class Anchor:
    """What a person asked to comment on, checked for shape (not yet against the file)."""

    cell_id: str | None = None
    line: int | None = None
    line_end: int | None = None

    @classmethod
    def from_json(cls, value: object) -> Anchor:
        if value is None:
            return cls()
        if not isinstance(value, dict):
            raise InvalidAnchor("The anchor must be an object: {cell_id} or {line, line_end}.")
        unknown = sorted(set(value) - {"cell_id", "line", "line_end"})
        if unknown:
            raise InvalidAnchor(
                f"Unknown anchor field {unknown[0]!r}; an anchor has cell_id, or line and "
                "optionally line_end."
            )
        cell_id, line, line_end = value.get("cell_id"), value.get("line"), value.get("line_end")
        if cell_id is not None and (
            not isinstance(cell_id, str) or not cell_id or len(cell_id) > MAX_CELL_ID
        ):
            raise InvalidAnchor("The anchor's cell_id must be a notebook cell's id (text).")
        for name, number in (("line", line), ("line_end", line_end)):
            if number is not None and (
                isinstance(number, bool) or not isinstance(number, int) or number < 1
            ):
                raise InvalidAnchor(f"The anchor's {name} must be a line number from 1.")
        if cell_id is not None and (line is not None or line_end is not None):
            raise InvalidAnchor("Anchor a thread to a cell or to lines, not both.")
        if line_end is not None and line is None:
            raise InvalidAnchor("The anchor has line_end but no line; give the first line too.")
        if line is not None and line_end is not None:
            if line_end < line:
                raise InvalidAnchor(f"The anchor's line_end ({line_end}) is before line ({line}).")
            if line_end - line + 1 > MAX_ANCHOR_LINES:
                raise InvalidAnchor(
                    f"A thread can anchor to at most {MAX_ANCHOR_LINES} lines; pick fewer."
                )
        return cls(cell_id, line, line_end)

    def to_json(self) -> dict:
        return {"cell_id": self.cell_id, "line": self.line, "line_end": self.line_end}


@dataclass(frozen=True)
class FileAnchors:
    """A file as its project server sees it now (the answer of ``moiety/api/anchors``), with
    the file's lines when they were read (text files)."""

    path: str
    exists: bool
    kind: str | None = None
    commit: str | None = None
    cells: list[dict] = field(default_factory=list)
    line_count: int | None = None
    lines: list[str] | None = None

    @classmethod
    def from_json(cls, answer: dict, lines: list[str] | None = None) -> FileAnchors:
        cells = [
            {"id": c.get("id"), "index": c.get("index"), "hash": c.get("hash")}
            for c in answer.get("cells") or ()
            if isinstance(c, dict)
        ]
        count = answer.get("lines")
        return cls(
            path=answer["path"],
            exists=bool(answer.get("exists")),
            kind=answer.get("kind"),
            commit=answer.get("commit"),
            cells=cells,
            line_count=len(lines) if lines is not None else count,
            lines=lines,
        )

    def cell_pairs(self) -> list[tuple[str | None, str | None]]:
        return [(c["id"], c["hash"]) for c in self.cells]


def anchor_fields(project: str, anchor: Anchor, file: FileAnchors) -> dict:
    """The thread's anchor columns for ``anchor`` in ``file``, or a clear error."""
    path = file.path
    if not file.exists:
        raise NoSuchFile(
            f"There is no file {path!r} in {project}; comment on a file that exists (a new "
            "file must be saved first)."
        )
    fields = {
        "path": path,
        "opened_path": path,
        "file_kind": file.kind,
        "opened_commit": file.commit,
        "anchor_state": CURRENT,
    }
    if anchor.cell_id is not None:
        if file.kind != "notebook":
            raise InvalidAnchor(f"{path} is not a notebook; only notebooks have cells.")
        for cell in file.cells:
            if cell["id"] == anchor.cell_id:
                return {**fields, "cell_id": anchor.cell_id, "cell_hash": cell["hash"]}
        raise NoSuchCell(
            f"The notebook {path} has no cell {anchor.cell_id!r} (as last saved); save the "
            "notebook and try again, or pick another cell."
        )
    if anchor.line is not None:
        if file.kind == "notebook":
            raise InvalidAnchor(f"{path} is a notebook: anchor the thread to a cell (cell_id).")
        if file.kind != "text":
            raise InvalidAnchor(f"{path} is not a text file; comment on the whole file instead.")
        line_end = anchor.line_end or anchor.line
        count = file.line_count or 0
        if line_end > count:
            raise InvalidAnchor(
                f"{path} has {count} line{'s' if count != 1 else ''}; line {line_end} is past "
                "its end."
            )
        text = None
        if file.lines is not None:
            text = "\n".join(file.lines[anchor.line - 1 : line_end])
            if len(text) > MAX_LINE_TEXT:
                text = None
        return {**fields, "line": anchor.line, "line_end": anchor.line_end, "line_text": text}
    return fields


def cell_state(cell_id: str, opened_hash: str | None, cells: Iterable[Sequence]) -> str:
    """A cell thread's state given a notebook's ``[(cell_id, hash)]`` as saved now."""
    for pair in cells:
        if len(pair) >= 2 and pair[0] == cell_id:
            return CURRENT if opened_hash is None or pair[1] == opened_hash else OUTDATED
    return ORPHANED


def relocate_lines(anchored: Sequence[str], start: int, lines: Sequence[str]) -> int | None:
    """Where the block of lines ``anchored`` (which began at line ``start``, 1-based) now
    begins in ``lines``, or ``None`` if its text is nowhere to be found.

    Exact matches win over matches ignoring surrounding whitespace; among several matches the
    one nearest ``start`` wins (the earlier one on a tie).
    """
    size = len(anchored)
    if size == 0 or size > len(lines):
        return None
    if list(lines[start - 1 : start - 1 + size]) == list(anchored):
        return start
    for same in (_exact, _trimmed):
        found = [
            i + 1
            for i in range(len(lines) - size + 1)
            if same(lines[i], anchored[0]) and all(map(same, lines[i : i + size], anchored))
        ]
        if found:
            return min(found, key=lambda at: (abs(at - start), at))
    return None


def _exact(a: str, b: str) -> bool:
    return a == b


def _trimmed(a: str, b: str) -> bool:
    return a.strip() == b.strip()


def line_anchor(
    line: int, line_end: int | None, line_text: str | None, lines: Sequence[str]
) -> tuple[str, int, int | None]:
    """``(state, line, line_end)`` of a line thread in a file whose lines are now ``lines``."""
    if line_text is None:
        return CURRENT, line, line_end
    anchored = line_text.split("\n")
    found = relocate_lines(anchored, line, lines)
    if found is None:
        last = max(len(lines), 1)
        start = min(line, last)
        end = None if line_end is None else min(max(line_end, start), last)
        return OUTDATED, start, end
    end = None if line_end is None else found + len(anchored) - 1
    return CURRENT, found, end


def renamed_path(path: str, old: str, new: str) -> str | None:
    """``path`` after ``old`` became ``new`` (a file, or a folder and everything in it)."""
    old, new = old.strip("/"), new.strip("/")
    if path == old:
        return new
    if path.startswith(old + "/"):
        return new + path[len(old) :]
    return None


def is_under(path: str, target: str) -> bool:
    """``path`` is ``target`` or lies in the folder ``target``."""
    target = target.strip("/")
    return path == target or path.startswith(target + "/")
