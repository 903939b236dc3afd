"""Which compound files a commit changed, their diffs and ``compounds.changed`` bodies, on real
git repositories with RDKit's EGFR and CDK2 sets, checked against RDKit directly."""

import io
import subprocess
from pathlib import Path

import pytest
from rdkit import Chem, RDConfig
from rdkit.Chem.MolStandardize import rdMolStandardize

from moiety.core.chem import Identifier, UnsupportedFile
from moiety.core.compound_changes import (
    MAX_KEY,
    commit_events,
    compound_diff,
    event_key,
    first_parent,
)
from moiety.core.repo import WORKING, InvalidRevision, PathNotFound, UnsafePath, snapshot

CONTRIB = Path(RDConfig.RDContribDir)
EGFR = CONTRIB / "PBF/testData/egfr.sdf"
CDK2 = CONTRIB / "Fastcluster/testdata/cdk2.sdf"
ENERGY = "r_mmffld_Potential_Energy-OPLS_2005"
ALICE = ("alice", "alice@users.moiety.invalid")


def reference_key(mol):
    """InChIKey of the uncharged largest fragment, computed by RDKit alone."""
    parent = rdMolStandardize.Uncharger(canonicalOrder=True).uncharge(
        rdMolStandardize.FragmentParent(mol)
    )
    return Chem.MolToInchiKey(parent)


def write_sdf(mols):
    stream = io.StringIO()
    with Chem.SDWriter(stream) as writer:
        for mol in mols:
            writer.write(mol)
    return stream.getvalue()


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)


def commit(root, message="edit"):
    result = snapshot(root, message, *ALICE)
    assert result.changed
    return result.commit


@pytest.fixture(scope="module")
def identifier(tmp_path_factory):
    """One identity cache for the module, as a project server keeps one."""
    cache_dir = tmp_path_factory.mktemp("identities")
    with Identifier(cache_dir=cache_dir, workers=1) as identifier:
        yield identifier


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "egfr-sar"
    (root / "data").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "data" / "egfr.sdf").write_bytes(EGFR.read_bytes())
    (root / "README.md").write_text("# EGFR\n")
    commit(root, "EGFR set")
    return root


def edited_egfr():
    """The EGFR set edited as a chemist would, and the keys the diff must find."""
    egfr = list(Chem.SDMolSupplier(str(EGFR)))
    keys = [reference_key(mol) for mol in egfr]
    unique = [i for i, key in enumerate(keys) if keys.count(key) == 1]
    cdk2 = [m for m in Chem.SDMolSupplier(str(CDK2)) if reference_key(m) not in set(keys)]
    removed, salted, edited = unique[:3], unique[10], unique[20]
    mols = [m for i, m in enumerate(egfr) if i not in removed]
    salt = Chem.CombineMols(egfr[salted], Chem.MolFromSmiles("Cl"))
    for name in egfr[salted].GetPropNames(includePrivate=True):
        salt.SetProp(name, egfr[salted].GetProp(name))
    mols = [salt if m is egfr[salted] else m for m in mols]
    egfr[edited].SetProp(ENERGY, "-12.5")
    mols = list(reversed(mols + cdk2[:5]))
    expected = {
        "added": {reference_key(m) for m in cdk2[:5]},
        "removed": {keys[i] for i in removed},
        "changed": {keys[edited]},
    }
    return write_sdf(mols), expected, egfr[edited].GetProp("_Name")


def test_a_commit_reports_exactly_what_changed_in_its_compound_file(repo, identifier):
    parent = git(repo, "rev-parse", "HEAD").stdout.strip()
    text, expected, edited_name = edited_egfr()
    (repo / "data" / "egfr.sdf").write_text(text)
    (repo / "README.md").write_text("# EGFR, with CDK2 ligands\n")
    new = commit(repo)

    [body] = commit_events(repo, new, "alice", identifier)
    assert body["key"] == f"compounds.changed:{new}:data/egfr.sdf"
    assert (body["kind"], body["actor"], body["path"]) == (
        "compounds.changed",
        "alice",
        "data/egfr.sdf",
    )
    assert body["summary"] == "+5 \N{MINUS SIGN}3 ~1 in data/egfr.sdf"
    data = body["data"]
    assert (data["commit"], data["parent"]) == (new, parent)
    assert (data["added"], data["removed"], data["changed"]) == (5, 3, 1)
    assert "counts" not in data
    assert [h["change"] for h in data["highlights"]] == ["added"] * 4
    assert {h["key"] for h in data["highlights"]} <= expected["added"]
    assert all(Chem.MolFromSmiles(h["smiles"]) for h in data["highlights"])

    answer = compound_diff(repo, "data/egfr.sdf", parent, new, identifier)
    for what in ("added", "removed", "changed"):
        assert {c["key"] for c in answer[what]} == expected[what]
    [change] = answer["changed"]
    assert change["name"] == edited_name
    assert change["changes"]["properties"][ENERGY]["new"] == -12.5
    assert answer["summary"] == body["summary"]
    assert (answer["from"], answer["to"]) == (parent, new)


def test_highlights_put_new_chemistry_first_then_changes_with_their_values(repo, identifier):
    egfr = list(Chem.SDMolSupplier(str(EGFR)))
    egfr[5].SetProp(ENERGY, "-99.5")
    egfr[7].SetProp("note", "x" * 500)
    (repo / "data" / "egfr.sdf").write_text(write_sdf(egfr[1:]))
    [body] = commit_events(repo, commit(repo), "alice", identifier)
    picks = body["data"]["highlights"]
    assert [p["change"] for p in picks] == ["changed", "changed", "removed"]
    assert picks[0]["name"] == egfr[5].GetProp("_Name")
    assert picks[0]["changes"]["properties"][ENERGY]["new"] == -99.5
    assert picks[0]["properties"][ENERGY] == -99.5
    note = picks[1]["changes"]["properties"]["note"]
    assert note["old"] is None
    assert len(note["new"]) == 200
    assert picks[2]["name"] == egfr[0].GetProp("_Name")


def test_files_moved_or_reordered_unchanged_are_not_news(repo, identifier):
    data = repo / "data"
    (data / "egfr.sdf").rename(data / "egfr-ligands.sdf")
    (data / "copy.sdf").write_bytes(EGFR.read_bytes())
    assert commit_events(repo, commit(repo), "alice", identifier) == []
    mols = list(Chem.SDMolSupplier(str(EGFR)))
    (data / "copy.sdf").write_text(write_sdf(reversed(mols)))
    (data / "notes.txt").write_text("CCO\n")
    assert commit_events(repo, commit(repo), "alice", identifier) == []


def test_added_deleted_unreadable_and_tables_without_smiles(repo, identifier):
    data = repo / "data"
    (data / "egfr.sdf").unlink()
    (data / "series.smi").write_text("CCO ethanol\nC1CC1N cyclopropylamine\nnot-a-smiles bad\n")
    (data / "assay.csv").write_text("id,value\n1,2\n")
    new = commit(repo)
    bodies = {body["path"]: body for body in commit_events(repo, new, "alice", identifier)}
    assert sorted(bodies) == ["data/egfr.sdf", "data/series.smi"]
    gone = bodies["data/egfr.sdf"]["data"]
    distinct = {reference_key(mol) for mol in Chem.SDMolSupplier(str(EGFR))}
    assert (gone["added"], gone["removed"], gone["changed"]) == (0, len(distinct), 0)
    assert [h["change"] for h in gone["highlights"]] == ["removed"] * 4
    added = bodies["data/series.smi"]["data"]
    assert (added["added"], added["removed"]) == (2, 0)
    assert added["counts"] == {"unreadable": {"new": 1}}
    assert [h["name"] for h in added["highlights"]] == ["ethanol", "cyclopropylamine"]


def test_the_first_commit_has_no_parent_and_long_paths_keep_short_keys(tmp_path, identifier):
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "one.smi").write_text("c1ccccc1 benzene\n")
    first = commit(root)
    assert first_parent(root, first) is None
    [body] = commit_events(root, first, "alice", identifier)
    assert body["data"]["parent"] is None
    assert body["data"]["added"] == 1
    long_path = "d/" * 200 + "x.sdf"
    key = event_key(first, long_path)
    assert len(key) <= MAX_KEY
    assert key.startswith(f"compounds.changed:{first}:sha256:")
    assert key != event_key(first, long_path.replace("x.sdf", "y.sdf"))


def test_compound_diff_with_the_working_copy_and_its_refusals(repo, identifier):
    mols = list(Chem.SDMolSupplier(str(EGFR)))
    (repo / "data" / "egfr.sdf").write_text(write_sdf(mols[:-1]))
    answer = compound_diff(repo, "data/egfr.sdf", "HEAD", WORKING, identifier)
    assert answer["to"] == WORKING
    assert [c["name"] for c in answer["removed"]] == [mols[-1].GetProp("_Name")]
    assert answer["duplicates"]["old"]
    with pytest.raises(UnsupportedFile, match=r"Moiety reads \.sdf, \.smi, \.csv and \.tsv"):
        compound_diff(repo, "README.md", "HEAD", WORKING, identifier)
    with pytest.raises(UnsafePath):
        compound_diff(repo, "../elsewhere.sdf", "HEAD", WORKING, identifier)
    with pytest.raises(InvalidRevision):
        compound_diff(repo, "data/egfr.sdf", "no-such-branch", WORKING, identifier)
    with pytest.raises(PathNotFound):
        compound_diff(repo, "data/cdk2.sdf", "HEAD", WORKING, identifier)
    (repo / "data" / "table.csv").write_text("id,value\n1,2\n")
    commit(repo)
    with pytest.raises(UnsupportedFile):
        compound_diff(repo, "data/table.csv", "HEAD", WORKING, identifier)
