"""MoleculeGrid without a browser: its model (data, sorting, filters, pages, selection, the
share payload) and its widgets (classes, ticks, controls, share and copy)."""

import math
from pathlib import Path

import pandas as pd
import pytest
from rdkit import Chem, RDConfig

import moiety
from moiety.core.chem import InvalidQuery
from moiety.core.markup import parse
from moiety.kernel import MoleculeGridModel
from moiety.kernel.grid import CELL_CLASS, GRID_CLASS
from moiety.kernel.posting import compose

from .test_kernel_post import service  # noqa: F401 -- the stub service fixture

CONTRIB = Path(RDConfig.RDContribDir)
EGFR = CONTRIB / "PBF/testData/egfr.sdf"
CHEMBL = CONTRIB / "FreeWilson/data/CHEMBL2321810.smi"
ACTIVITY = CONTRIB / "FreeWilson/data/CHEMBL2321810_act.csv"


def chembl_frame(count=60):
    pairs = [line.split() for line in CHEMBL.read_text().splitlines()[:count]]
    activity = dict(line.split(",") for line in ACTIVITY.read_text().split()[1:])
    frame = pd.DataFrame(
        {
            "smiles": [smiles for smiles, _ in pairs],
            "name": [name for _, name in pairs],
            "pIC50": [float(activity[name]) for _, name in pairs],
        }
    )
    frame.loc[3, "pIC50"] = math.nan
    return frame


def test_a_dataframe_becomes_items_with_plain_values():
    model = MoleculeGridModel.from_data(chembl_frame())
    assert len(model.items) == 60
    first = model.items[0]
    assert (first.index, first.name) == (0, chembl_frame()["name"][0])
    assert type(first.properties["pIC50"]) is float
    assert model.items[3].properties["pIC50"] is None
    assert model.sort_keys == ["pIC50", "name"]


@pytest.mark.parametrize(
    ("data", "names", "smiles"),
    [
        ([{"smiles": "CCO", "name": "ethanol", "mw": 46}], ["ethanol"], ["CCO"]),
        (["CCO", "c1ccccc1"], [None, None], ["CCO", "c1ccccc1"]),
        ([("ethanol", "OCC"), Chem.MolFromSmiles("C1CC1")], ["ethanol", None], ["OCC", "C1CC1"]),
    ],
)
def test_lists_of_dicts_smiles_pairs_and_molecules(data, names, smiles):
    model = MoleculeGridModel.from_data(data)
    assert [i.name for i in model.items] == names
    assert [i.smiles for i in model.items] == smiles


def test_a_compound_file_path():
    model = MoleculeGridModel.from_data(str(EGFR), properties=["Cluster"])
    mols = list(Chem.SDMolSupplier(str(EGFR)))
    assert [i.smiles for i in model.items] == [Chem.MolToSmiles(m) for m in mols]
    assert model.items[0].name == mols[0].GetProp("_Name")
    assert model.items[0].properties == {"Cluster": int(mols[0].GetProp("Cluster"))}


def test_bad_data_is_explained():
    with pytest.raises(ValueError, match=r"No column 'smiles'.*'structure'"):
        MoleculeGridModel.from_data([{"structure": "CCO"}])
    with pytest.raises(TypeError, match="Item 2"):
        MoleculeGridModel.from_data(["CCO", 3.5])
    with pytest.raises(ValueError, match="is not a file"):
        MoleculeGridModel.from_data("no/such/file.sdf")


def test_sorting_by_a_property_keeps_missing_values_last():
    model = MoleculeGridModel.from_data(chembl_frame())
    model.sort_by("pIC50")
    values = [i.properties["pIC50"] for i in model.visible()]
    assert values[:-1] == sorted(values[:-1])
    assert values[-1] is None
    model.sort_by("pIC50", descending=True)
    values = [i.properties["pIC50"] for i in model.visible()]
    assert values[:-1] == sorted(values[:-1], reverse=True)
    assert values[-1] is None
    model.sort_by("name")
    assert [i.name for i in model.visible()] == sorted(i.name for i in model.items)
    model.sort_by(None)
    assert [i.index for i in model.visible()] == list(range(60))
    with pytest.raises(ValueError, match="No property 'IC50'"):
        model.sort_by("IC50")


def test_substructure_and_text_filters():
    frame = chembl_frame()
    model = MoleculeGridModel.from_data(frame)
    smarts = "c1ccc(Cl)cc1"
    model.filter_substructure(smarts)
    pattern = Chem.MolFromSmarts(smarts)
    expected = [
        i for i, s in enumerate(frame["smiles"]) if Chem.MolFromSmiles(s).HasSubstructMatch(pattern)
    ]
    assert 0 < len(expected) < 60
    assert [i.index for i in model.visible()] == expected
    model.filter_text(frame["name"][expected[0]].upper())
    assert [i.index for i in model.visible()] == [expected[0]]
    model.filter_substructure("")
    model.filter_text("")
    assert len(model.visible()) == 60
    with pytest.raises(InvalidQuery, match="SMARTS Parse Error"):
        model.filter_substructure("[C;X4")


def test_pages_and_selection_survive_sorting_and_filters():
    model = MoleculeGridModel.from_data(chembl_frame(), page_size=25)
    assert model.page_count == 3
    model.set_page(9)
    assert model.page == 2
    assert len(model.page_items()) == 10
    model.select(5)
    model.toggle(40)
    model.toggle(5)
    model.select(7)
    model.sort_by("pIC50", descending=True)
    model.filter_text("no such compound")
    assert model.visible() == []
    assert [i.index for i in model.selection()] == [7, 40]
    model.filter_text("")
    model.select_visible()
    assert len(model.selection()) == 60
    model.clear_selection()
    assert model.selection() == []
    with pytest.raises(IndexError):
        model.select(60)


def test_the_share_payload_and_the_smiles_block():
    model = MoleculeGridModel.from_data([("a", "CCO"), "c1ccccc1", ("c", "CCN")])
    model.select(2)
    model.select(1)
    payload = model.share_payload("two to look at")
    assert payload == {"text": "two to look at", "molecules": [(None, "c1ccccc1"), ("c", "CCN")]}
    assert model.smiles_block() == "```smiles\nc1ccccc1\nCCN c\n```"
    markup = parse(compose(**payload))
    assert [(m.smiles, m.name) for m in markup.molecules] == [("c1ccccc1", None), ("CCN", "c")]


def test_the_widget_draws_cells_and_follows_its_controls():
    grid = moiety.MoleculeGrid(chembl_frame(), columns=3)
    assert GRID_CLASS in grid._dom_classes
    cells = grid.cells.children
    assert len(cells) == 12
    assert all(CELL_CLASS in cell._dom_classes for cell in cells)
    assert "<svg" in cells[0].children[1].value
    assert "pIC50" in cells[0].children[2].value
    cells[1].children[0].value = True
    assert grid.model.selected == {1}
    assert "1 selected" in grid.count.value
    grid.sort.value = "pIC50"
    grid.descending.value = True
    best = max(v for v in chembl_frame()["pIC50"] if not math.isnan(v))
    assert grid.cells.children[0].children[0].description == grid.model.visible()[0].name
    assert grid.model.visible()[0].properties["pIC50"] == best
    grid.smarts.value = "[C;X4"
    assert "SMARTS Parse Error" in grid.status.value
    grid.smarts.value = "c1ccc(Cl)cc1"
    shown = len(grid.model.visible())
    assert 12 < shown < 24
    assert len(grid.cells.children) == 12
    grid.next.click()
    assert len(grid.cells.children) == shown - 12
    assert grid.next.disabled
    assert "page 2 of 2" in grid.page_label.value
    grid.copy_button.click()
    assert "```smiles" in grid.block.value
    assert grid.model.items[1].smiles in grid.block.value


def test_share_posts_the_selection_with_the_message(service):  # noqa: F811
    grid = moiety.MoleculeGrid([("a", "CCO"), ("b", "CCN")], project="egfr-sar")
    grid.share_button.click()
    assert "Select the molecules" in grid.status.value
    grid.cells.children[1].children[0].value = True
    grid.message.value = "b looks good #review"
    grid.share_button.click()
    assert "Shared 1 molecule to egfr-sar" in grid.status.value
    body = service.requests[0][2]
    assert body == {"project": "egfr-sar", "body": "b looks good #review\n\n```smiles\nCCN b\n```"}


def test_invalid_structures_are_shown_with_their_reason():
    grid = moiety.MoleculeGrid(["CCO", "C1CC"])
    assert "unclosed ring" in grid.cells.children[1].children[1].value
    grid.smarts.value = "C"
    assert [i.smiles for i in grid.model.visible()] == ["CCO"]


class Shell:
    """IPython's shell as the grid sees it in a kernel: the request being run, whose metadata
    JupyterLab fills with the cell's id."""

    def __init__(self):
        self.parent = {}
        self.kernel = self

    def get_parent(self):
        return self.parent

    def run_cell(self, cell_id):
        self.parent = {"header": {"msg_type": "execute_request"}, "metadata": {"cellId": cell_id}}

    def click(self):
        self.parent = {"header": {"msg_type": "comm_msg"}, "metadata": {}}


@pytest.fixture
def project_kernel(service, monkeypatch, tmp_path):  # noqa: F811
    import IPython

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setenv("MOIETY_PROJECT", "egfr-sar")
    monkeypatch.setenv("JUPYTERHUB_ROOT_DIR", str(tmp_path))
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "notebooks" / "explore.ipynb"))
    return shell


def test_comment_opens_a_thread_on_the_cell_that_displayed_the_grid(service, project_kernel):  # noqa: F811
    project_kernel.run_cell("cell-made")
    grid = moiety.MoleculeGrid([("a", "CCO"), ("b", "CCN"), ("c", "CCC")])
    project_kernel.run_cell("cell-shown")
    assert "application/vnd.jupyter.widget-view+json" in grid._repr_mimebundle_()
    project_kernel.click()  # the click comes as a comm message: no cell of its own
    grid.comment_button.click()
    assert "Select the molecules to comment on first" in grid.status.value
    grid.cells.children[0].children[0].value = True
    grid.cells.children[2].children[0].value = True
    grid.message.value = "@lena are these two worth a look?"
    grid.comment_button.click()
    assert service.requests[-1] == (
        "/services/moiety/api/threads",
        "token secret-server-token",
        {
            "project": "egfr-sar",
            "path": "notebooks/explore.ipynb",
            "anchor": {"cell_id": "cell-shown"},
            "body": "@lena are these two worth a look?\n\n```smiles\nCCO a\nCCC c\n```",
        },
    )
    assert "Commented with 2 molecules on this cell of notebooks/explore.ipynb" in (
        grid.status.value
    )
    markup = parse(service.requests[-1][2]["body"])
    assert [(m.smiles, m.name) for m in markup.molecules] == [("CCO", "a"), ("CCC", "c")]


def test_comment_says_why_it_cannot_be_made(service, project_kernel, monkeypatch):  # noqa: F811
    grid = moiety.MoleculeGrid(["CCO"])  # made outside a cell JupyterLab ran
    grid.cells.children[0].children[0].value = True
    grid.comment_button.click()
    assert "does not know which cell displayed it" in grid.status.value
    project_kernel.run_cell("c1")
    grid._repr_mimebundle_()
    service.refuse = (403, {"error": "people-only", "message": "Project servers cannot do it."})
    grid.comment_button.click()
    assert "Project servers cannot do it." in grid.status.value
    monkeypatch.delenv("JPY_SESSION_NAME")
    grid = moiety.MoleculeGrid(["CCO"])
    grid.cells.children[0].children[0].value = True
    grid.comment_button.click()
    assert "does not know its notebook" in grid.status.value
    monkeypatch.delenv("MOIETY_PROJECT")
    grid = moiety.MoleculeGrid(["CCO"])
    grid.cells.children[0].children[0].value = True
    grid.comment_button.click()
    assert "Comments are on a project&#x27;s notebooks" in grid.status.value
    assert len(service.requests) == 1  # only the one the service refused was sent
