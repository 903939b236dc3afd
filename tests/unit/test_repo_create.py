"""Project creation from the template, the demo projects, and the content they ship."""

import csv
import json
import subprocess
from pathlib import Path

import nbformat
import pytest
from rdkit import Chem

from moiety.core.repo import (
    ProjectExists,
    create_demo_project,
    create_project_repo,
    demo_slugs,
    history,
    list_files,
    read_file_at,
)
from moiety.core.repo.create import SYSTEM_EMAIL, SYSTEM_NAME, shared_projects_dir, template_dir
from moiety.core.repo.notebooks import stored_notebook
from moiety.core.slugs import InvalidSlug

SHARED = Path(__file__).parents[2] / "shared_projects"
LEAD = ("Lena Lead", "lena@users.moiety.invalid")
TEMPLATE_FILES = [
    ".gitattributes",
    ".gitignore",
    "README.md",
    "data/README.md",
    "notebooks/welcome.ipynb",
]


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True).stdout


def test_a_project_is_created_from_the_template_with_a_first_commit(tmp_path):
    created = create_project_repo(tmp_path / "projects", "egfr-sar2", template_dir(), *LEAD)

    root = tmp_path / "projects" / "egfr-sar2"
    assert created.path == root.resolve()
    assert [f.path for f in list_files(root)] == TEMPLATE_FILES
    (first,) = history(root)
    assert (first.commit, first.author, first.email) == (created.commit, *LEAD)
    assert first.message == "Create the egfr-sar2 project"
    assert git(root, "symbolic-ref", "HEAD") == b"refs/heads/main\n"
    assert git(root, "status", "--porcelain") == b""
    assert (root / "README.md").read_bytes() == (template_dir() / "README.md").read_bytes()
    assert [p.name for p in (tmp_path / "projects").iterdir()] == ["egfr-sar2"]


def test_an_existing_folder_is_never_overwritten(tmp_path):
    projects = tmp_path / "projects"
    (projects / "taken").mkdir(parents=True)
    (projects / "taken" / "thesis.txt").write_text("years of work\n")
    with pytest.raises(ProjectExists, match="already exists and is not empty"):
        create_project_repo(projects, "taken", template_dir(), *LEAD)
    assert [p.name for p in (projects / "taken").iterdir()] == ["thesis.txt"]
    create_project_repo(projects, "fresh", template_dir(), *LEAD)
    with pytest.raises(ProjectExists):
        create_project_repo(projects, "fresh", template_dir(), *LEAD)
    assert len(history(projects / "fresh")) == 1
    assert sorted(p.name for p in projects.iterdir()) == ["fresh", "taken"]


def test_an_existing_empty_folder_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    created = create_project_repo(tmp_path, "empty", template_dir(), *LEAD)
    assert created.path == (tmp_path / "empty").resolve()
    assert (tmp_path / "empty" / ".git").is_dir()


@pytest.mark.parametrize("slug", ["../escape", "Bad", "x", "a--b", ".git"])
def test_invalid_slugs_are_refused_before_anything_is_written(tmp_path, slug):
    with pytest.raises(InvalidSlug):
        create_project_repo(tmp_path / "projects", slug, template_dir(), *LEAD)
    assert not (tmp_path / "projects").exists()


@pytest.mark.parametrize(
    ("slug", "data_file"),
    [("egfr-sar", "data/egfr.sdf"), ("sulfonamide-sar", "data/sulfonamides.csv")],
)
def test_demo_projects_lay_their_content_over_the_template(tmp_path, slug, data_file):
    created = create_demo_project(tmp_path, slug)

    paths = [f.path for f in list_files(created.path)]
    assert sorted({*TEMPLATE_FILES, data_file, "notebooks/explore.ipynb"}) == paths
    (first,) = history(created.path)
    assert (first.author, first.email) == (SYSTEM_NAME, SYSTEM_EMAIL)
    credits = read_file_at(created.path, "data/README.md").decode()
    assert "Source and credit" in credits
    assert "RDKit" in credits
    assert read_file_at(created.path, data_file) == (SHARED / slug / data_file).read_bytes()


def test_the_demo_list_and_the_shared_folder():
    assert shared_projects_dir() == SHARED.resolve()
    assert demo_slugs() == ["egfr-sar", "sulfonamide-sar"]


@pytest.mark.parametrize(
    "notebook",
    sorted(SHARED.glob("**/*.ipynb")),
    ids=lambda path: str(path.relative_to(SHARED)),
)
def test_shipped_notebooks_are_stored_form_with_ids_and_no_outputs(notebook):
    data = notebook.read_bytes()
    assert stored_notebook(data) == (data, None)
    nb = json.loads(data)
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    ids = [cell["id"] for cell in nb["cells"]]
    assert len(ids) == len(set(ids))
    assert all(cell.get("outputs", []) == [] for cell in nb["cells"])
    nbformat.validate(nbformat.reads(data.decode(), as_version=4))


def test_demo_data_is_readable_by_rdkit():
    supplier = Chem.SDMolSupplier(str(SHARED / "egfr-sar" / "data" / "egfr.sdf"))
    ligands = [mol for mol in supplier if mol is not None]
    assert len(ligands) == 365
    assert all(mol.GetProp("id").startswith("ZINC") for mol in ligands)
    with (SHARED / "sulfonamide-sar" / "data" / "sulfonamides.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1017
    assert list(rows[0]) == ["smiles", "name", "pIC50"]
    assert all(Chem.MolFromSmiles(row["smiles"]) is not None for row in rows)
    potencies = [float(row["pIC50"]) for row in rows]
    assert min(potencies) == 4.27
    assert max(potencies) == 9.22
