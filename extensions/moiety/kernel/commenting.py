"""One-click comments from kernel code: a thread on the notebook cell that displayed a widget.

``comment_on_cell`` opens a thread through the service's ``POST /threads``: the project, the
notebook's path in it and the cell's id (``notebook`` says where the kernel learns them), with
the body as its first comment. A comment belongs to a project's notebook, so it is made from a
kernel of the project's server; the service decides who may open threads and says why when it
refuses (``moiety.client.MoietyAPIError``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from .notebook import current_cell_id, notebook_path
from .posting import service_client


@dataclass(frozen=True, slots=True)
class CellAnchor:
    """Where kernel code was run: the project (``None`` in a personal server), the notebook's
    path in it and the cell's id (``None`` when the kernel was not told)."""

    project: str | None
    path: str | None
    cell_id: str | None

    @classmethod
    def here(cls) -> CellAnchor:
        return cls(os.environ.get("MOIETY_PROJECT") or None, notebook_path(), current_cell_id())

    def moved_here(self) -> CellAnchor:
        """This anchor, moved to the cell running now if the front end named one (a widget
        displayed again from another cell comments there)."""
        cell_id = current_cell_id()
        return replace(self, cell_id=cell_id) if cell_id else self


def thread_request(anchor: CellAnchor, body: str) -> dict:
    """The body of ``POST /threads`` for a comment on the anchor's cell; ValueError saying
    what is missing when the kernel cannot tell where that is."""
    if anchor.project is None:
        raise ValueError(
            "Comments are on a project's notebooks: run this notebook in the project's server "
            "to comment on its cells (here, copy the smiles block into a comment instead)."
        )
    if anchor.path is None:
        raise ValueError(
            "This kernel does not know its notebook: open the notebook in JupyterLab and run "
            "the cell again."
        )
    if anchor.cell_id is None:
        raise ValueError(
            "This grid does not know which cell displayed it: display it from a notebook cell "
            "in JupyterLab."
        )
    return {
        "project": anchor.project,
        "path": anchor.path,
        "anchor": {"cell_id": anchor.cell_id},
        "body": body,
    }


def comment_on_cell(anchor: CellAnchor, body: str) -> dict:
    """Open a thread on the anchor's cell with ``body``; the thread as the service answers it."""
    request = thread_request(anchor, body)
    return service_client().post("threads", request)
