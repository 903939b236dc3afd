"""What a MoleculeGrid shows and holds, without any widget: sorting, filters, pages, selection.

Items keep their position in the data as their id, so a selection survives sorting and
filtering. The substructure filter is a SMARTS matched with RDKit (``HasSubstructMatch``), the
text filter a case-insensitive substring of the name, the SMILES or a property value. Sharing
posts the selection in the feed's smiles notation (``moiety.post``).
"""

from __future__ import annotations

from typing import Any

from .grid_data import GridItem, grid_items
from .molecules import smiles_block

DEFAULT_PAGE_SIZE = 24
NAME = "name"


def _order(value: Any) -> tuple:
    if isinstance(value, bool | int | float):
        return (0, value, "")
    return (1, 0, str(value).lower())


class MoleculeGridModel:
    def __init__(self, items: list[GridItem], *, page_size: int = DEFAULT_PAGE_SIZE):
        if page_size < 1:
            raise ValueError("page_size must be at least 1.")
        self.items = items
        self.page_size = page_size
        self.sort_key: str | None = None
        self.descending = False
        self.smarts = ""
        self.text = ""
        self.page = 0
        self.selected: set[int] = set()
        self._query = None
        self._molecules: dict[int, Any] = {}
        self.problems: dict[int, str] = {}

    @classmethod
    def from_data(
        cls,
        data: Any,
        smiles: str = "smiles",
        name: str = "name",
        properties: list[str] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> MoleculeGridModel:
        return cls(grid_items(data, smiles, name, properties), page_size=page_size)

    @property
    def property_names(self) -> list[str]:
        names: dict[str, None] = {}
        for item in self.items:
            names.update(dict.fromkeys(item.properties))
        return list(names)

    @property
    def sort_keys(self) -> list[str]:
        """What the grid can sort by: the properties, and the name."""
        names = self.property_names
        return names if NAME in names else [*names, NAME]

    def molecule(self, item: GridItem):
        """The parsed molecule of an item, or None (its reason is in ``problems``)."""
        if item.index not in self._molecules:
            from ..core.chem import ChemError, parse_smiles

            try:
                self._molecules[item.index] = parse_smiles(item.smiles)
            except ChemError as error:
                self._molecules[item.index] = None
                self.problems[item.index] = str(error)
        return self._molecules[item.index]

    def sort_by(self, key: str | None, descending: bool = False) -> None:
        """Order by a property (or the name); None keeps the data's order. Missing values last."""
        if key is not None and key not in self.sort_keys:
            raise ValueError(f"No property {key!r}; the grid can sort by {self.sort_keys}.")
        self.sort_key, self.descending, self.page = key, descending, 0

    def filter_substructure(self, smarts: str) -> None:
        """Show only molecules with this SMARTS substructure ("" shows all); raises
        ``moiety.core.chem.InvalidQuery`` with RDKit's reason for a SMARTS it cannot read."""
        smarts = smarts.strip()
        if smarts:
            from ..core.chem import parse_query

            self._query = parse_query(smarts, "smarts")
        else:
            self._query = None
        self.smarts, self.page = smarts, 0

    def filter_text(self, text: str) -> None:
        self.text, self.page = text.strip(), 0

    def _value(self, item: GridItem) -> Any:
        if self.sort_key == NAME and NAME not in item.properties:
            return item.name
        return item.properties.get(self.sort_key)

    def _matches(self, item: GridItem) -> bool:
        if self.text:
            words = [item.name or "", item.smiles, *map(str, item.properties.values())]
            if not any(self.text.lower() in word.lower() for word in words):
                return False
        if self._query is not None:
            mol = self.molecule(item)
            return mol is not None and mol.HasSubstructMatch(self._query)
        return True

    def visible(self) -> list[GridItem]:
        """The items that pass the filters, in the chosen order."""
        shown = [item for item in self.items if self._matches(item)]
        if self.sort_key is None:
            return shown
        known = [item for item in shown if self._value(item) is not None]
        missing = [item for item in shown if self._value(item) is None]
        known.sort(key=lambda item: _order(self._value(item)), reverse=self.descending)
        return known + missing

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.visible()) // self.page_size))

    def set_page(self, page: int) -> None:
        self.page = min(max(page, 0), self.page_count - 1)

    def page_items(self) -> list[GridItem]:
        start = self.page * self.page_size
        return self.visible()[start : start + self.page_size]

    def select(self, index: int, selected: bool = True) -> None:
        if not 0 <= index < len(self.items):
            raise IndexError(f"No item {index}; the grid has {len(self.items)}.")
        if selected:
            self.selected.add(index)
        else:
            self.selected.discard(index)

    def toggle(self, index: int) -> None:
        self.select(index, index not in self.selected)

    def select_visible(self) -> None:
        self.selected.update(item.index for item in self.visible())

    def clear_selection(self) -> None:
        self.selected.clear()

    def selection(self) -> list[GridItem]:
        """The selected items, in the data's order."""
        return [item for item in self.items if item.index in self.selected]

    def smiles_block(self) -> str:
        """The selection as a fenced smiles block, to paste into a post or a comment."""
        return smiles_block((item.smiles, item.name) for item in self.selection())

    def share_payload(self, message: str) -> dict[str, Any]:
        """The arguments ``moiety.post`` gets when the selection is shared."""
        molecules = [(item.name, item.smiles) for item in self.selection()]
        return {"text": message, "molecules": molecules}

    def comment_body(self, message: str) -> str:
        """The comment made of the selection: the message, then the molecules' smiles block."""
        from .posting import compose

        return compose(**self.share_payload(message))

    def comment(self, message: str, anchor) -> dict:
        """Comment on the cell ``anchor`` (a ``commenting.CellAnchor``) with the selection and
        ``message``; returns the thread."""
        if not self.selected:
            raise ValueError("Select the molecules to comment on first.")
        from .commenting import comment_on_cell

        return comment_on_cell(anchor, self.comment_body(message))

    def share(self, message: str, project: str | None = None) -> dict:
        """Post the selection with ``message``; returns the created event."""
        if not self.selected:
            raise ValueError("Select the molecules to share first.")
        from .posting import post

        return post(**self.share_payload(message), project=project)
