"""Reloading a large open text file without freezing the server.

When a file open in a collaborative room changes on disk (a restore, a kernel writing a compound
file, a ``git`` command in a terminal), jupyter_ydoc's ``YUnicode.set`` finds the changes with
``difflib.SequenceMatcher`` over the bytes of both versions, on the server's event loop. That is
quadratic: for a 1.2 MB SD file it ran for minutes, and the whole project server stopped
answering (jupyter_ydoc issue #401, fixed upstream only for the first load).

:func:`install` replaces that step for texts above :data:`LARGE_TEXT_CHARS`: the common start
and end are kept and only the middle is replaced, in linear time. People's cursors before and
after the changed region stay where they were; smaller texts keep jupyter_ydoc's finer diff.
"""

from __future__ import annotations

from jupyter_ydoc import yunicode

LARGE_TEXT_CHARS = 64 * 1024
"""From this size of the old or new text on, the change is found in linear time."""


def _common_prefix(a: bytes, b: bytes) -> int:
    """The length of the longest common start, by halving (each comparison runs in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _is_continuation(data: bytes, index: int) -> bool:
    return index < len(data) and (data[index] & 0xC0) == 0x80


def common_ends(old: bytes, new: bytes) -> tuple[int, int]:
    """The lengths in bytes of the longest common start and, after it, the longest common end
    of two UTF-8 texts, both ending on character boundaries."""
    start = _common_prefix(old, new)
    while start and _is_continuation(old, start):
        start -= 1
    room = min(len(old), len(new)) - start
    end = _common_prefix(old[::-1][:room], new[::-1][:room])
    while end and _is_continuation(old, len(old) - end):
        end -= 1
    return start, end


def _set_large_text_quickly(original):
    def set_text(ydoc, ysource, value: str) -> None:
        old_text = str(ysource)
        if max(len(old_text), len(value)) < LARGE_TEXT_CHARS or not old_text or old_text == value:
            original(ydoc, ysource, value)
            return
        old, new = old_text.encode(), value.encode()
        start, end = common_ends(old, new)
        with ydoc.transaction():
            # pycrdt's text offsets count UTF-8 bytes, as jupyter_ydoc's own diff does.
            if len(old) - end > start:
                del ysource[start : len(old) - end]
            if len(new) - end > start:
                ysource.insert(start, new[start : len(new) - end].decode())

    set_text.moiety_original = original
    return set_text


def install() -> None:
    """Put the linear-time reload in place (once per process)."""
    if not hasattr(yunicode._set_text, "moiety_original"):
        yunicode._set_text = _set_large_text_quickly(yunicode._set_text)
