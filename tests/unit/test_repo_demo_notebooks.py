"""The demo projects' starter notebooks run, in the repository the demo creates, on a real kernel
(nbclient): they load the compounds, show a table of properties and a plot, and draw molecules."""

import re

import nbformat
import pytest
from nbclient import NotebookClient

from moiety.core.repo import create_demo_project

PROPERTIES = ("MW", "cLogP", "HBD", "HBA", "TPSA")


def run_starter(tmp_path, slug: str) -> dict[str, nbformat.NotebookNode]:
    """Execute the demo project's ``notebooks/explore.ipynb``; its cells by id."""
    create_demo_project(tmp_path, slug)
    folder = tmp_path / slug / "notebooks"
    nb = nbformat.read(folder / "explore.ipynb", as_version=4)
    resources = {"metadata": {"path": str(folder)}}
    NotebookClient(nb, timeout=300, kernel_name="python3", resources=resources).execute()
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    return {cell.id: cell for cell in nb.cells}


def printed(cell) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream")


def shown(cell, mime: str) -> list:
    return [o.data[mime] for o in cell.outputs if mime in o.get("data", {})]


def table_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1]
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


@pytest.mark.parametrize(
    ("slug", "loaded", "columns"),
    [
        ("egfr-sar", "365 ligands\n", (*PROPERTIES, "id", "cluster", "PBF")),
        ("sulfonamide-sar", "1017 compounds, 0 unreadable\n", (*PROPERTIES, "name", "pIC50")),
    ],
)
def test_a_starter_notebook_shows_a_table_with_properties_and_a_plot(
    tmp_path, slug, loaded, columns
):
    cells = run_starter(tmp_path, slug)

    assert printed(cells["load"]) == loaded
    (table,) = shown(cells["table"], "text/html")
    header = table.split("<tbody>", 1)[0]
    for column in columns:
        assert f"<th>{column}</th>" in header
    assert len(table_rows(table)) == 10
    (summary,) = shown(cells["summary"], "text/html")
    assert "<th>mean</th>" in summary
    assert shown(cells["plot"], "image/png"), "the plot cell shows no figure"
    assert shown(cells["draw"], "image/png"), "the molecules are not drawn"
