"""Compound diff between two versions of a compound file, by chemical identity.

Records are matched by identity key (InChIKey of the standardized parent), so re-ordering a
file, re-drawing a SMILES or changing the salt form is not a change. A compound is ``changed``
when its name or a property differs.

Duplicates: records of one version that share a key (repeats, or tautomers that InChI merges)
are one compound. Its name and SMILES shown are those of its first record; each property holds
its value when the duplicates agree (or only one has it), else the sorted list of their distinct
values, and the compound is renamed only if the set of its names changed. So re-ordering a file
that has duplicates is not a change either. ``duplicates`` lists, for each version, the keys
that occur more than once with their record numbers, so the caller can warn.
"""

from dataclasses import dataclass, field
from typing import Any

from .records import CompoundFile, CompoundRecord

MINUS = "\N{MINUS SIGN}"


@dataclass(slots=True)
class Compound:
    """One compound of one version: its first record, and its merged properties."""

    key: str
    record: int
    name: str | None
    smiles: str
    properties: dict[str, Any]
    records: list[int]
    names: list[str | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "record": self.record,
            "name": self.name,
            "smiles": self.smiles,
            "properties": self.properties,
        }


@dataclass(slots=True)
class Change:
    """A compound present in both versions whose name or properties differ.

    ``properties`` maps each differing property to ``{"old": ..., "new": ...}``, with ``None``
    for a property one version does not have; ``name`` is the same for the name.
    """

    old: Compound
    new: Compound
    properties: dict[str, dict[str, Any]]
    name: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return self.new.key

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.new.name,
            "smiles": self.new.smiles,
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "changes": {
                **({"name": self.name} if self.name else {}),
                "properties": self.properties,
            },
        }


@dataclass(slots=True)
class CompoundDiff:
    added: list[Compound] = field(default_factory=list)
    removed: list[Compound] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    duplicates: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [compound.to_dict() for compound in self.added],
            "removed": [compound.to_dict() for compound in self.removed],
            "changed": [change.to_dict() for change in self.changed],
            "duplicates": self.duplicates,
            "errors": self.errors,
        }

    def summary(self, path: str) -> str:
        """A one-line summary such as ``+12 \N{MINUS SIGN}3 ~5 in data/egfr.sdf``."""
        counts = f"+{len(self.added)} {MINUS}{len(self.removed)} ~{len(self.changed)}"
        return f"{counts} in {path}"


def _order(value: Any) -> tuple[bool, Any]:
    return (True, value) if isinstance(value, str) else (False, value)


def _distinct(values: list[Any]) -> list[Any]:
    unique: list[Any] = []
    for value in values:
        if value not in unique:
            unique.append(value)
    return sorted(unique, key=_order)


def _merge(records: list[CompoundRecord]) -> Compound:
    first = records[0]
    if len(records) == 1:
        properties = dict(first.properties)
        return Compound(
            first.key,
            first.record,
            first.name,
            first.smiles,
            properties,
            [first.record],
            [first.name],
        )
    values: dict[str, list[Any]] = {}
    for record in records:
        for name, value in record.properties.items():
            values.setdefault(name, []).append(value)
    properties = {}
    for name, found in values.items():
        distinct = _distinct(found)
        properties[name] = distinct[0] if len(distinct) == 1 else distinct
    names = sorted({r.name for r in records}, key=lambda name: (name is None, name or ""))
    return Compound(
        first.key,
        first.record,
        first.name,
        first.smiles,
        properties,
        [r.record for r in records],
        names,
    )


def compounds_by_key(file: CompoundFile) -> dict[str, Compound]:
    """The compounds of a file by identity key, in the order of their first record."""
    groups: dict[str, list[CompoundRecord]] = {}
    for record in file.records:
        groups.setdefault(record.key, []).append(record)
    return {key: _merge(records) for key, records in groups.items()}


def _property_changes(old: Compound, new: Compound) -> dict[str, dict[str, Any]]:
    changes = {}
    for name in [*old.properties, *(n for n in new.properties if n not in old.properties)]:
        before, after = old.properties.get(name), new.properties.get(name)
        if before != after:
            changes[name] = {"old": before, "new": after}
    return changes


def diff_compounds(old: CompoundFile, new: CompoundFile) -> CompoundDiff:
    """``{added, removed, changed}`` between two versions of a compound file, by identity.

    ``added`` and ``changed`` follow the new file's order, ``removed`` the old file's. Records
    that could not be read are not compared; they are listed under ``errors`` by version.
    """
    before, after = compounds_by_key(old), compounds_by_key(new)
    diff = CompoundDiff()
    diff.added = [compound for key, compound in after.items() if key not in before]
    diff.removed = [compound for key, compound in before.items() if key not in after]
    for key, compound in after.items():
        previous = before.get(key)
        if previous is None:
            continue
        properties = _property_changes(previous, compound)
        renamed = previous.names != compound.names
        if properties or renamed:
            name = {"old": previous.name, "new": compound.name} if renamed else None
            diff.changed.append(Change(previous, compound, properties, name))
    for label, compounds in (("old", before), ("new", after)):
        repeated = {k: c.records for k, c in compounds.items() if len(c.records) > 1}
        if repeated:
            diff.duplicates[label] = repeated
    for label, file in (("old", old), ("new", new)):
        if file.errors:
            diff.errors[label] = [error.to_dict() for error in file.errors]
    return diff


def _largest_numeric_change(change: Change) -> float:
    largest = 0.0
    for values in change.properties.values():
        old, new = values["old"], values["new"]
        numbers = (int, float)
        if isinstance(old, numbers) and isinstance(new, numbers) and not isinstance(old, bool):
            largest = max(largest, abs(new - old))
    return largest


def highlights(diff: CompoundDiff, limit: int = 4) -> list[dict[str, Any]]:
    """The few structures most worth drawing in a feed event, up to ``limit``.

    Rule: new chemistry first, then what moved most, then what went away. That is, added
    compounds in the new file's order; then changed compounds, largest absolute change of a
    numeric property first (e.g. a pIC50 that moved by 1.2 before one that moved by 0.1; a
    rename or a text change counts as 0); then removed compounds in the old file's order.
    Each item is ``{status, key, name, smiles}``.
    """
    picked: list[dict[str, Any]] = []
    changed = sorted(diff.changed, key=_largest_numeric_change, reverse=True)
    groups = (
        ("added", diff.added),
        ("changed", [c.new for c in changed]),
        ("removed", diff.removed),
    )
    for status, compounds in groups:
        for compound in compounds:
            if len(picked) == limit:
                return picked
            picked.append(
                {
                    "status": status,
                    "key": compound.key,
                    "name": compound.name,
                    "smiles": compound.smiles,
                }
            )
    return picked
