"""Chemistry in the interface: alice takes two compounds out of the EGFR set and changes the
energy of a third, then snapshots; the Activity feed draws the structures of that change and
the History panel shows the compound diff. A comment's ``smiles`` block is drawn in the
Comments panel, and lena, a lead, deletes bob's comment. ``moiety.MoleculeGrid`` draws its
structures in a notebook.

Each test works in a JupyterLab workspace of its own (``<person>-chemistry``), so the large
compound file and the grid's notebook do not reopen in the other tests' pages.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid

import pytest
from playwright.sync_api import Locator, expect
from rdkit import Chem
from rdkit.Chem.MolStandardize import rdMolStandardize

from .helpers import Person, lab, notebook, open_panel
from moiety_testing.hub import service_client
from moiety_testing.projects import ProjectClient

SDF = "data/egfr.sdf"
ENERGY = "r_mmffld_Potential_Energy-OPLS_2005"
NOTEBOOK = "notebooks/explore.ipynb"


def own_workspace(person: Person) -> Person:
    """``person`` in the same browser, in a JupyterLab workspace of these tests."""
    return dataclasses.replace(person, name=f"{person.name}-chemistry")


def identity(mol) -> str:
    """InChIKey of the uncharged largest fragment, by RDKit alone."""
    parent = rdMolStandardize.Uncharger(canonicalOrder=True).uncharge(
        rdMolStandardize.FragmentParent(mol)
    )
    return Chem.MolToInchiKey(parent)


def expect_drawn(images: Locator, count: int) -> None:
    """``count`` images, each loaded with a picture (not a broken image)."""
    expect(images).to_have_count(count)
    for index in range(count):  # drawings load lazily, once on screen
        images.nth(index).scroll_into_view_if_needed()
    images.first.page.wait_for_function(
        "images => images.every(i => i.complete && i.naturalWidth > 0)",
        arg=images.element_handles(),
    )


@pytest.fixture(scope="module")
def sdf_edit(hub, egfr):
    """alice deletes two records of data/egfr.sdf, types a new energy into a third one and
    snapshots the file (through the project server's APIs, as her editor would)."""
    alice = ProjectClient(hub, egfr, "alice")
    r = alice.get(f"api/contents/{SDF}", params={"type": "file", "format": "text"})
    assert r.status_code == 200, r.text
    text = r.json()["content"]
    records = [block + "$$$$\n" for block in text.split("$$$$\n")[:-1]]
    assert "".join(records) == text
    keys = [identity(Chem.MolFromMolBlock(record)) for record in records]
    unique = [i for i, key in enumerate(keys) if keys.count(key) == 1]
    removed, changed = unique[:2], unique[5]
    field = f"> <{ENERGY}>\n"
    before, after = records[changed].split(field)
    records[changed] = before + field + "-12.5\n" + after.split("\n", 1)[1]
    alice.put_text(SDF, "".join(r for i, r in enumerate(records) if i not in removed))
    r = alice.post(
        "moiety/api/snapshot",
        json={"message": "EGFR: two compounds out, one energy fixed", "paths": [SDF]},
    )
    assert r.status_code == 201, r.text
    names = [record.split("\n", 1)[0].strip() for record in records]
    return {
        "commit": r.json()["commit"],
        "removed": [names[i] for i in removed],
        "changed": names[changed],
    }


def test_the_feed_draws_the_compounds_a_snapshot_changed(egfr, people, sdf_edit):
    alice = own_workspace(people("alice"))
    page = lab(alice, egfr)
    open_panel(page, "Activity")
    feed = page.get_by_role("list", name="Activity")
    item = feed.locator('.jp-MoietyEvent[data-kind="compounds.changed"]', has_text=SDF)
    expect(item).to_have_count(1, timeout=30_000)
    expect(item.locator(".jp-MoietyEvent-line")).to_have_text(
        f"alice changed compounds in {SDF} (2 removed, 1 changed)"
    )
    # The server's highlights: what moved most first, then what went away.
    removed = sdf_edit["removed"]
    expect(item.locator("figcaption")).to_have_text(
        [f"{sdf_edit['changed']} (changed)", f"{removed[0]} (removed)", f"{removed[1]} (removed)"]
    )
    expect_drawn(item.get_by_role("img"), 3)
    assert alice.dialogs == []


def test_the_history_panel_shows_the_compound_diff(egfr, people, sdf_edit):
    alice = own_workspace(people("alice"))
    page = lab(alice, egfr, SDF)
    open_panel(page, "History")
    version = page.locator(f'.jp-MoietyVersion[data-commit="{sdf_edit["commit"]}"]')
    expect(version).to_contain_text("EGFR: two compounds out, one energy fixed")
    version.get_by_test_id("moiety-version-changes").click()

    diff = page.get_by_test_id("moiety-compound-diff")
    expect(diff).to_be_visible(timeout=30_000)
    expect(diff.get_by_test_id("moiety-compound-summary")).to_have_text("2 removed, 1 changed")
    expect(diff.locator('[data-change="added"]')).to_have_count(0)
    removed = diff.locator('[data-change="removed"]')
    expect(removed).to_have_attribute("data-count", "2")
    expect(removed.locator("figcaption")).to_have_text(sdf_edit["removed"])
    changed = diff.locator('[data-change="changed"]')
    expect(changed).to_have_attribute("data-count", "1")
    expect(changed.locator("figcaption")).to_have_text(sdf_edit["changed"])
    energy = changed.locator(f'[data-property="{ENERGY}"]')
    expect(energy.locator(".jp-MoietyCompound-new")).to_have_text("-12.5")
    expect(energy.locator(".jp-MoietyCompound-old")).to_have_text(re.compile(r"^-\d+\.\d+$"))
    expect(energy.locator(".jp-MoietyCompound-old")).not_to_have_text("-12.5")
    expect_drawn(removed.get_by_role("img"), 2)
    expect_drawn(changed.get_by_role("img"), 1)
    # The file's lines are there too, folded away.
    lines = page.locator(".jp-MoietyCompoundDiff-lines")
    expect(lines.locator(".jp-MoietyTextDiff")).to_be_hidden()
    lines.locator("summary").click()
    expect(lines.locator(".jp-MoietyTextDiff-add")).to_have_text(["added: +-12.5"])
    assert alice.dialogs == []


def test_a_comment_s_molecules_are_drawn_and_a_lead_deletes_it(hub, egfr, people):
    words = f"hinge binders {uuid.uuid4().hex[:6]}"
    cell = ProjectClient(hub, egfr, "alice").get(f"api/contents/{NOTEBOOK}")
    assert cell.status_code == 200, cell.text
    r = service_client(hub, "alice").post(
        "threads",
        json={
            "project": "egfr-sar",
            "path": NOTEBOOK,
            "anchor": {"cell_id": cell.json()["content"]["cells"][1]["id"]},
            "body": f"Which {words} next?",
        },
    )
    assert r.status_code == 201, r.text
    thread_id = r.json()["id"]
    r = service_client(hub, "bob").post(
        f"threads/{thread_id}/comments",
        json={"body": "This one:\n```smiles\nNc1ncnc2ccccc12 4-aminoquinazoline\n```"},
    )
    assert r.status_code == 201, r.text
    comment_id = r.json()["id"]

    lena = own_workspace(people("lena"))
    page = lab(lena, egfr, NOTEBOOK)
    open_panel(page, "Comments")
    thread = page.locator(".jp-MoietyThread", has_text=words)
    comment = thread.locator(f'.jp-MoietyComment[data-comment-id="{comment_id}"]')
    expect(comment).to_contain_text("This one:")
    expect(comment).not_to_contain_text("Nc1ncnc2ccccc12 4-aminoquinazoline")
    expect(comment.locator("figcaption")).to_have_text("4-aminoquinazoline")
    expect_drawn(comment.get_by_role("img", name="Nc1ncnc2ccccc12"), 1)

    # lena leads the project's team: she may delete bob's comment, not edit it.
    expect(comment.get_by_role("button", name="Edit")).to_have_count(0)
    comment.get_by_role("button", name="Delete bob's comment").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Delete bob's comment?")
    dialog.get_by_role("button", name="Delete").click()
    expect(dialog).to_be_hidden()
    expect(comment.locator(".jp-MoietyComment-deleted")).to_contain_text("Comment deleted by lena")
    expect(comment.get_by_role("img")).to_have_count(0)
    expect(comment.get_by_role("button", name="Delete bob's comment")).to_have_count(0)
    first = thread.locator(".jp-MoietyComment").first
    expect(first).to_contain_text(f"Which {words} next?")
    threads = service_client(hub, "bob").get(
        "threads", params={"project": "egfr-sar", "path": NOTEBOOK, "state": "all"}
    )
    [shown] = [t for t in threads.json()["items"] if t["id"] == thread_id]
    assert [(c["author"], c["deleted_by"]) for c in shown["comments"]] == [
        ("alice", None),
        ("bob", "lena"),
    ]
    assert lena.dialogs == []


def test_a_molecule_grid_draws_its_structures_in_a_notebook(hub, egfr, people):
    rows = [
        {"smiles": "Nc1ncnc2ccccc12", "name": "4-aminoquinazoline", "pIC50": 6.1},
        {
            "smiles": "COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1",
            "name": "gefitinib",
            "pIC50": 8.5,
        },
        {"smiles": "C#Cc1cccc(Nc2ncnc3cc(OCCOC)c(OCCOC)cc23)c1", "name": "erlotinib", "pIC50": 9.1},
    ]
    path = f"notebooks/grid-{uuid.uuid4().hex[:6]}.ipynb"
    source = f"import moiety\nmoiety.MoleculeGrid({json.dumps(rows)}, columns=3)"
    ProjectClient(hub, egfr, "alice").put_notebook(
        path,
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
            "cells": [
                {
                    "cell_type": "code",
                    "id": "grid",
                    "metadata": {},
                    "source": source,
                    "outputs": [],
                    "execution_count": None,
                }
            ],
        },
    )
    alice = own_workspace(people("alice"))
    page = lab(alice, egfr, path)
    # Run the cell once its kernel is ready (before, running only moves to the next cell).
    expect(page.get_by_role("button", name=re.compile(r"Python 3.*\| Idle"))).to_be_visible(
        timeout=90_000
    )
    cell = notebook(page).locator(".jp-CodeCell").first
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    grid = cell.locator(".moiety-molecule-grid")
    expect(grid).to_be_visible(timeout=90_000)
    cells = grid.locator(".moiety-molecule-cell")
    expect(cells).to_have_count(3)
    for i, row in enumerate(rows):
        expect(cells.nth(i)).to_contain_text(row["name"])
        expect(cells.nth(i)).to_contain_text(str(row["pIC50"]))
        expect(cells.nth(i).locator("svg")).to_have_count(1)
    # RDKit drew each structure: its bonds are paths in the picture.
    for i in range(3):
        assert cells.nth(i).locator("svg path").count() > 5
    # Saved, so the page can be left without a "leave this page?" question.
    tab = page.locator(".lm-TabBar-tab", has_text=path.rsplit("/", 1)[1])
    page.keyboard.press("Control+s")
    expect(tab).not_to_have_class(re.compile(r"\bjp-mod-dirty\b"))
    assert alice.dialogs == []
