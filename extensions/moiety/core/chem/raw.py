"""A record as a reader split it from its file, before any chemistry."""

from dataclasses import dataclass, field


@dataclass(slots=True)
class RawRecord:
    """``structure`` is the text to parse (a SMILES, or a molblock with its title line blanked so
    that renaming a compound does not make its structure look new); ``kind`` says which."""

    record: int
    structure: str
    kind: str
    name: str | None
    properties: dict[str, int | float | str] = field(default_factory=dict)
    smiles: str | None = None
