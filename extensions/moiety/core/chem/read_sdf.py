"""Split SD files into records without parsing their structures.

Splitting by hand (CTfile format: a molblock ending in ``M  END``, then data items ``> <name>``
followed by value lines and a blank line, then ``$$$$``) lets the reader number every record,
report the ones RDKit refuses, and reuse the identity of a molblock it has seen before without
parsing it again.
"""

import re
from collections.abc import Iterator

from .raw import RawRecord
from .records import property_value

_FIELD = re.compile(r"^>.*?<([^>]*)>")
_NAME_TAGS = ("name", "id", "compound_id", "compound", "title", "identifier")


def _data_items(lines: list[str]) -> dict[str, int | float | str]:
    items: dict[str, int | float | str] = {}
    name = None
    values: list[str] = []
    for line in [*lines, ""]:
        found = _FIELD.match(line) if name is None else None
        if found:
            name, values = found.group(1).strip(), []
        elif name is not None:
            if line.strip():
                values.append(line.rstrip())
            else:
                if values:
                    items[name] = property_value("\n".join(values))
                name = None
    return items


def _name(title: str, items: dict[str, int | float | str]) -> str | None:
    if title.strip():
        return title.strip()
    lowered = {key.lower(): key for key in items}
    for tag in _NAME_TAGS:
        if tag in lowered:
            return str(items.pop(lowered[tag]))
    return None


def _record(number: int, lines: list[str]) -> RawRecord:
    end = next((i for i, line in enumerate(lines) if line.startswith("M  END")), None)
    block = lines if end is None else lines[: end + 1]
    items = _data_items([] if end is None else lines[end + 1 :])
    title = lines[0] if lines else ""
    structure = "\n".join(["", *block[1:]]) + "\n"
    return RawRecord(number, structure, "molblock", _name(title, items), items)


def sdf_records(text: str) -> Iterator[RawRecord]:
    """The records of an SD file, in order, numbered from 1; blank trailing text is ignored."""
    lines: list[str] = []
    number = 0
    for line in text.splitlines():
        if line.startswith("$$$$"):
            number += 1
            yield _record(number, lines)
            lines = []
        else:
            lines.append(line)
    if any(line.strip() for line in lines):
        yield _record(number + 1, lines)
