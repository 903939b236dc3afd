"""Regenerate the notebooks and demo data of ``shared_projects/``.

    .venv/bin/python shared_projects/make_notebooks.py           # write notebooks and data
    .venv/bin/python shared_projects/make_notebooks.py --check   # then run each notebook

The data come from the sets shipped in RDKit's wheel (``rdkit/Contrib``), so nothing is
downloaded. Notebooks get fixed cell ids and no outputs, in the form a Moiety snapshot stores,
so regenerating them changes nothing unless this script changed. ``--check`` runs every notebook
with nbclient in a throw-away copy of its project (template with the demo content over it).
"""

import argparse
import csv
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from rdkit import RDConfig

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "templates" / "default"
CONTRIB = Path(RDConfig.RDContribDir)
EGFR_SDF = CONTRIB / "PBF" / "testData" / "egfr.sdf"
SULFONAMIDE_SMI = CONTRIB / "FreeWilson" / "data" / "CHEMBL2321810.smi"
SULFONAMIDE_ACT = CONTRIB / "FreeWilson" / "data" / "CHEMBL2321810_act.csv"
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def imports(*extra: str) -> str:
    """The imports cell, with the ``rdkit.Chem`` modules ``extra`` besides the usual ones."""
    names = sorted({"Crippen", "Descriptors", "Draw", "Lipinski", "rdMolDescriptors", *extra})
    return IMPORTS.replace("{modules}", ", ".join(names))


IMPORTS = """\
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from rdkit import Chem
from rdkit.Chem import {modules}

DATA = Path("..") / "data"


def properties(mol):
    return {
        "MW": Descriptors.MolWt(mol),
        "cLogP": Crippen.MolLogP(mol),
        "HBD": Lipinski.NumHDonors(mol),
        "HBA": Lipinski.NumHAcceptors(mol),
        "TPSA": rdMolDescriptors.CalcTPSA(mol),
    }"""


def notebook(cells: list[tuple[str, str, str]]) -> nbformat.NotebookNode:
    """A notebook from ``(kind, id, source)`` triples, ``kind`` being "md" or "code"."""
    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}}
    )
    for kind, cell_id, source in cells:
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, id=cell_id))
    return nb


def welcome() -> nbformat.NotebookNode:
    return notebook(
        [
            (
                "md",
                "welcome",
                "# Welcome\n\n"
                "This notebook belongs to the whole team: everyone with the project open edits "
                "it live, and sees the others' cursors.\n\n"
                "- **Comment on a cell** to discuss it; the thread stays with the cell.\n"
                "- **Take a snapshot** to save a version of the project folder with a message. "
                "Snapshots keep notebooks without outputs; your open notebooks keep theirs.\n"
                "- **Share** a molecule, a plot or a note to the team's feed.\n\n"
                "Read `README.md` at the top of the project for how versions work.",
            ),
            ("md", "molecule-heading", "## A molecule\n\nRDKit draws molecules in place:"),
            (
                "code",
                "draw-molecule",
                'from rdkit import Chem\n\nChem.MolFromSmiles("CC(=O)Oc1ccccc1C(=O)O")  # aspirin',
            ),
        ]
    )


def egfr() -> nbformat.NotebookNode:
    return notebook(
        [
            (
                "md",
                "about",
                "# EGFR ligands\n\n"
                "365 ligands of the epidermal growth factor receptor kinase (EGFR) from DUD, the "
                "Directory of Useful Decoys, as shipped with RDKit (`data/egfr.sdf`, 3D "
                "structures built with CORINA). The set has no measured activities; each ligand "
                "carries its DUD chemotype `Cluster`, and we add its plane-of-best-fit (PBF) "
                "score, a measure of how three-dimensional it is (0 for flat molecules).",
            ),
            ("code", "imports", imports("rdDepictor")),
            (
                "code",
                "load",
                'supplier = Chem.SDMolSupplier(str(DATA / "egfr.sdf"), removeHs=False)\n'
                "mols = [mol for mol in supplier if mol is not None]\n"
                'print(f"{len(mols)} ligands")',
            ),
            ("md", "table-heading", "## Properties"),
            (
                "code",
                "table",
                "table = pd.DataFrame(\n"
                "    [\n"
                "        {\n"
                '            "id": mol.GetProp("id"),\n'
                "            **properties(mol),\n"
                '            "cluster": int(mol.GetProp("Cluster")),\n'
                '            "PBF": rdMolDescriptors.CalcPBF(mol),\n'
                "        }\n"
                "        for mol in mols\n"
                "    ]\n"
                ").round(2)\n"
                "table.head(10)",
            ),
            ("code", "summary", 'table.drop(columns=["cluster"]).describe().round(2)'),
            ("md", "plot-heading", "## Size, lipophilicity and shape"),
            (
                "code",
                "plot",
                "fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))\n"
                'points = left.scatter(table["MW"], table["cLogP"], c=table["PBF"], '
                's=14, cmap="viridis")\n'
                'left.set(xlabel="MW", ylabel="cLogP", title="EGFR ligands")\n'
                'fig.colorbar(points, ax=left, label="PBF")\n'
                'table["cluster"].value_counts().head(10).plot.bar(ax=right)\n'
                'right.set(xlabel="DUD cluster", ylabel="ligands", title="Largest clusters")\n'
                "fig.tight_layout()",
            ),
            ("md", "draw-heading", "## The flattest and the most three-dimensional"),
            (
                "code",
                "draw",
                'ranked = table.sort_values("PBF")\n'
                "picked = list(ranked.index[:4]) + list(ranked.index[-4:])\n"
                "drawn = []\n"
                "for index in picked:\n"
                "    mol = Chem.RemoveHs(mols[index])\n"
                "    rdDepictor.Compute2DCoords(mol)\n"
                "    drawn.append(mol)\n"
                "Draw.MolsToGridImage(\n"
                "    drawn,\n"
                "    molsPerRow=4,\n"
                "    subImgSize=(240, 200),\n"
                '    legends=[f"{table.id[i]}  PBF {table.PBF[i]}" for i in picked],\n'
                ")",
            ),
        ]
    )


def sulfonamides() -> nbformat.NotebookNode:
    return notebook(
        [
            (
                "md",
                "about",
                "# Aryl sulfonamides\n\n"
                "1,017 aryl sulfonamides of one ChEMBL document (CHEMBL2321810) with their "
                "pIC50, as shipped with RDKit's Free-Wilson contribution "
                "(`data/sulfonamides.csv`: `smiles`, `name`, `pIC50`).",
            ),
            ("code", "imports", imports()),
            (
                "code",
                "load",
                'compounds = pd.read_csv(DATA / "sulfonamides.csv", dtype={"name": str})\n'
                'compounds["mol"] = compounds["smiles"].map(Chem.MolFromSmiles)\n'
                'print(f"{len(compounds)} compounds, {compounds.mol.isna().sum()} unreadable")',
            ),
            ("md", "table-heading", "## Properties and activity"),
            (
                "code",
                "table",
                "table = pd.concat(\n"
                '    [compounds[["name"]], pd.DataFrame(list(compounds.mol.map(properties))), '
                'compounds[["pIC50"]]],\n'
                "    axis=1,\n"
                ").round(2)\n"
                'table.sort_values("pIC50", ascending=False).head(10)',
            ),
            ("code", "summary", "table.describe().round(2)"),
            ("md", "plot-heading", "## Potency against lipophilicity"),
            (
                "code",
                "plot",
                "fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))\n"
                'points = left.scatter(table["cLogP"], table["pIC50"], c=table["TPSA"], '
                's=12, cmap="plasma")\n'
                'left.set(xlabel="cLogP", ylabel="pIC50", title="Sulfonamides")\n'
                'fig.colorbar(points, ax=left, label="TPSA")\n'
                'table["pIC50"].plot.hist(bins=30, ax=right)\n'
                'right.set(xlabel="pIC50", title="Potency distribution")\n'
                "fig.tight_layout()",
            ),
            ("md", "draw-heading", "## The most potent compounds"),
            (
                "code",
                "draw",
                'best = table.sort_values("pIC50", ascending=False).head(8)\n'
                "Draw.MolsToGridImage(\n"
                "    list(compounds.mol[best.index]),\n"
                "    molsPerRow=4,\n"
                "    subImgSize=(240, 200),\n"
                '    legends=[f"{row.name}  pIC50 {row.pIC50:.2f}" for row in best.itertuples()],\n'
                ")",
            ),
        ]
    )


NOTEBOOKS = {
    TEMPLATE / "notebooks" / "welcome.ipynb": welcome,
    HERE / "egfr-sar" / "notebooks" / "explore.ipynb": egfr,
    HERE / "sulfonamide-sar" / "notebooks" / "explore.ipynb": sulfonamides,
}


def write_data() -> None:
    (HERE / "egfr-sar" / "data").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EGFR_SDF, HERE / "egfr-sar" / "data" / "egfr.sdf")
    with SULFONAMIDE_ACT.open(newline="") as handle:
        activity = {row["Name"]: row["Act"] for row in csv.DictReader(handle)}
    target = HERE / "sulfonamide-sar" / "data" / "sulfonamides.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["smiles", "name", "pIC50"])
        for line in SULFONAMIDE_SMI.read_text().splitlines():
            if line.strip():
                smiles, name = line.split()
                writer.writerow([smiles, name, activity[name]])


def write_notebooks() -> None:
    for path, build in NOTEBOOKS.items():
        nb = build()
        nbformat.validate(nb)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def check_notebooks() -> None:
    """Run each notebook in a copy of its project; raise if a cell fails."""
    from nbclient import NotebookClient

    for path in NOTEBOOKS:
        project = path.parents[1]
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "project"
            shutil.copytree(TEMPLATE, copy)
            if project != TEMPLATE:
                shutil.copytree(project, copy, dirs_exist_ok=True)
            nb = nbformat.read(copy / "notebooks" / path.name, as_version=4)
            resources = {"metadata": {"path": str(copy / "notebooks")}}
            NotebookClient(nb, timeout=300, kernel_name="python3", resources=resources).execute()
            images = sum(
                "image/png" in output.get("data", {})
                for cell in nb.cells
                for output in cell.get("outputs", [])
            )
            print(f"ran {path.relative_to(HERE)}: {len(nb.cells)} cells, {images} images")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="run every notebook with nbclient")
    args = parser.parse_args()
    write_data()
    write_notebooks()
    if args.check:
        check_notebooks()
    return 0


if __name__ == "__main__":
    sys.exit(main())
