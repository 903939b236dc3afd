"""``moiety.MoleculeGrid``: an ipywidgets grid of structures with their properties.

Sort by a property, filter by substructure (SMARTS) and by text, select by ticking cells, then
share the selection to the feed with a message, or comment with it on the notebook cell that
displayed the grid (a thread on that cell, in one click; see ``commenting``), or show it as a
smiles block to paste elsewhere. The state lives in ``MoleculeGridModel`` (``grid.model``);
this module only draws it. Structures are drawn by the chemistry core (``Depicter``, cached by
canonical structure). CSS classes for styling and browser tests: ``moiety-molecule-grid`` on
the widget, ``moiety-molecule-cell`` on each cell.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from ..client import MoietyAPIError
from ..core.chem import ChemError, Depicter
from .commenting import CellAnchor
from .grid_data import GridItem
from .grid_model import DEFAULT_PAGE_SIZE, MoleculeGridModel
from .posting import NotInHub

GRID_CLASS = "moiety-molecule-grid"
CELL_CLASS = "moiety-molecule-cell"
DATA_ORDER = "(data order)"


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class MoleculeGrid(widgets.VBox):
    """A grid of molecules from a DataFrame, a list of dicts or SMILES, or a compound file.

    ``smiles`` and ``name`` name the columns (or keys) holding them; ``properties`` picks the
    columns shown (default: all others); ``columns`` is the number of cells a row; ``project``
    is where "Share" posts from your own server (a project's server posts to its project).
    "Comment" opens a thread on the cell that displayed the grid (``anchor``: the cell that
    created it, then the one that displayed it last).
    """

    def __init__(
        self,
        data: Any,
        smiles: str = "smiles",
        name: str = "name",
        properties: list[str] | None = None,
        columns: int = 4,
        *,
        project: str | None = None,
        page_size: int | None = None,
        image_size: int = 180,
    ):
        self.model = MoleculeGridModel.from_data(
            data, smiles, name, properties, page_size=page_size or max(columns * 4, 1)
        )
        self.project = project
        self.anchor = CellAnchor.here()
        self.image_size = image_size
        self._depicter = Depicter(cache_size=max(DEFAULT_PAGE_SIZE, 4 * self.model.page_size))
        self._cells: dict[int, widgets.VBox] = {}
        self._boxes: dict[int, widgets.Checkbox] = {}

        self.sort = widgets.Dropdown(
            options=[DATA_ORDER, *self.model.sort_keys], value=DATA_ORDER, description="Sort by"
        )
        self.descending = widgets.ToggleButton(value=False, description="descending")
        self.smarts = widgets.Text(
            placeholder="SMARTS, e.g. c1ncncc1", description="Substructure", continuous_update=False
        )
        self.text = widgets.Text(
            placeholder="name, SMILES or value", description="Contains", continuous_update=False
        )
        self.count = widgets.HTML()
        self.cells = widgets.GridBox(
            layout=widgets.Layout(grid_template_columns=f"repeat({columns}, minmax(0, 1fr))")
        )
        self.previous = widgets.Button(description="\u2039 previous", disabled=True)
        self.next = widgets.Button(description="next \u203a", disabled=True)
        self.page_label = widgets.HTML()
        self.select_shown = widgets.Button(description="Select shown")
        self.clear = widgets.Button(description="Clear selection")
        self.message = widgets.Textarea(placeholder="A message to go with the selected molecules")
        self.share_button = widgets.Button(
            description="Share selection to the feed", button_style="primary"
        )
        self.comment_button = widgets.Button(description="Comment on this cell")
        self.copy_button = widgets.Button(description="Copy as smiles block")
        self.block = widgets.HTML()
        self.status = widgets.HTML()

        self.sort.observe(self._on_sort, "value")
        self.descending.observe(self._on_sort, "value")
        self.smarts.observe(self._on_smarts, "value")
        self.text.observe(self._on_text, "value")
        self.previous.on_click(lambda _: self._turn(-1))
        self.next.on_click(lambda _: self._turn(1))
        self.select_shown.on_click(self._on_select_shown)
        self.clear.on_click(self._on_clear)
        self.share_button.on_click(self._on_share)
        self.comment_button.on_click(self._on_comment)
        self.copy_button.on_click(self._on_copy)

        super().__init__(
            [
                widgets.HBox([self.sort, self.descending, self.smarts, self.text]),
                self.count,
                self.cells,
                widgets.HBox([self.previous, self.page_label, self.next]),
                widgets.HBox([self.select_shown, self.clear]),
                self.message,
                widgets.HBox([self.share_button, self.comment_button, self.copy_button]),
                self.block,
                self.status,
            ]
        )
        self.add_class(GRID_CLASS)
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        self.anchor = self.anchor.moved_here()  # displayed by this cell
        return super()._repr_mimebundle_(**kwargs)

    # --- drawing ---------------------------------------------------------------------------

    def _picture(self, item: GridItem) -> str:
        size = self.image_size
        if self.model.molecule(item) is None:
            reason = self.model.problems.get(item.index, "")
            return f'<div style="width:{size}px">Cannot draw: {escape(reason)}</div>'
        try:
            svg = self._depicter.depict(item.smiles, width=size, height=size)
        except ChemError as error:
            return f'<div style="width:{size}px">Cannot draw: {escape(str(error))}</div>'
        return svg[svg.index("<svg") :] if "<svg" in svg else svg

    def _cell(self, item: GridItem) -> widgets.VBox:
        if item.index not in self._cells:
            box = widgets.Checkbox(
                value=item.index in self.model.selected,
                description=item.name or f"#{item.index + 1}",
                indent=False,
            )
            box.observe(lambda change, i=item.index: self._on_tick(i, change["new"]), "value")
            rows = "".join(
                f"<tr><th>{escape(str(key))}</th><td>{escape(_format(value))}</td></tr>"
                for key, value in item.properties.items()
                if value is not None
            )
            cell = widgets.VBox(
                [box, widgets.HTML(self._picture(item)), widgets.HTML(f"<table>{rows}</table>")]
            )
            cell.add_class(CELL_CLASS)
            self._cells[item.index], self._boxes[item.index] = cell, box
        return self._cells[item.index]

    def refresh(self) -> None:
        """Redraw the page, the counts and the ticks from the model."""
        model = self.model
        shown = model.visible()
        model.set_page(model.page)
        items = model.page_items()
        self.cells.children = [self._cell(item) for item in items]
        for item in items:
            self._boxes[item.index].value = item.index in model.selected
        self.count.value = (
            f"{len(shown):,} of {len(model.items):,} molecules shown, "
            f"{len(model.selected):,} selected"
        )
        self.page_label.value = f"page {model.page + 1} of {model.page_count}"
        self.previous.disabled = model.page == 0
        self.next.disabled = model.page >= model.page_count - 1

    def _say(self, text: str, problem: bool = False) -> None:
        colour = "var(--jp-error-color1, #c00)" if problem else "inherit"
        self.status.value = f'<span style="color:{colour}">{escape(text)}</span>'

    # --- events ----------------------------------------------------------------------------

    def _on_sort(self, _change=None) -> None:
        key = None if self.sort.value == DATA_ORDER else self.sort.value
        self.model.sort_by(key, self.descending.value)
        self.refresh()

    def _on_smarts(self, change) -> None:
        try:
            self.model.filter_substructure(change["new"])
        except ChemError as error:
            self._say(str(error), problem=True)
            return
        self.status.value = ""
        self.refresh()

    def _on_text(self, change) -> None:
        self.model.filter_text(change["new"])
        self.refresh()

    def _turn(self, step: int) -> None:
        self.model.set_page(self.model.page + step)
        self.refresh()

    def _on_tick(self, index: int, selected: bool) -> None:
        if (index in self.model.selected) != selected:
            self.model.select(index, selected)
            self.refresh()

    def _on_select_shown(self, _button=None) -> None:
        self.model.select_visible()
        self.refresh()

    def _on_clear(self, _button=None) -> None:
        self.model.clear_selection()
        self.refresh()

    def _on_share(self, _button=None) -> None:
        try:
            event = self.model.share(self.message.value, project=self.project)
        except (NotInHub, ValueError, TypeError, MoietyAPIError) as error:
            self._say(str(error), problem=True)
            return
        count = len(self.model.selected)
        self._say(f"Shared {count} molecule{'s' * (count != 1)} to {event.get('project')}.")

    def _on_comment(self, _button=None) -> None:
        try:
            thread = self.model.comment(self.message.value, self.anchor)
        except (NotInHub, ValueError, TypeError, MoietyAPIError) as error:
            self._say(str(error), problem=True)
            return
        count = len(self.model.selected)
        self._say(
            f"Commented with {count} molecule{'s' * (count != 1)} on this cell of "
            f"{thread.get('path', self.anchor.path)}."
        )

    def _on_copy(self, _button=None) -> None:
        if not self.model.selected:
            self._say("Select the molecules to copy first.", problem=True)
            return
        self.block.value = f"<pre>{escape(self.model.smiles_block())}</pre>"
        self._say("Copy the block above into a post or a comment.")
