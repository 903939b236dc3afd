"""Compound files in a project server through the real hub: alice edits the EGFR set and
snapshots; the compound diff and the ``compounds.changed`` event are checked against RDKit
directly, and substructure search against a brute-force ``HasSubstructMatch`` at HEAD."""

import csv
import io
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import requests
from rdkit import Chem, RDConfig
from rdkit.Chem.MolStandardize import rdMolStandardize

from moiety_testing.hub import service_client
from moiety_testing.projects import FeedStream, ProjectClient, open_project, repo_dir

CDK2 = Path(RDConfig.RDContribDir) / "Fastcluster/testdata/cdk2.sdf"
SDF = "data/egfr.sdf"
ENERGY = "r_mmffld_Potential_Energy-OPLS_2005"
FEED = {"project": "egfr-sar", "kind": "compounds.changed"}


def reference_key(mol):
    """InChIKey of the uncharged largest fragment, by RDKit alone."""
    parent = rdMolStandardize.Uncharger(canonicalOrder=True).uncharge(
        rdMolStandardize.FragmentParent(mol)
    )
    return Chem.MolToInchiKey(parent)


def git(root, *args) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def sdf_molecules(text: str) -> list:
    supplier = Chem.SDMolSupplier()
    supplier.SetData(text)
    return list(supplier)


def write_sdf(mols) -> str:
    stream = io.StringIO()
    with Chem.SDWriter(stream) as writer:
        for mol in mols:
            writer.write(mol)
    return stream.getvalue()


def salt_form(mol):
    """The hydrochloride of ``mol``, with its name and data items."""
    salt = Chem.CombineMols(mol, Chem.MolFromSmiles("Cl"))
    for name in mol.GetPropNames(includePrivate=True):
        salt.SetProp(name, mol.GetProp(name))
    return salt


@pytest.fixture(scope="module")
def egfr(hub):
    return open_project(hub, "egfr-sar", "alice")


@pytest.fixture(scope="module")
def alice(hub, egfr):
    return ProjectClient(hub, egfr, "alice")


@pytest.fixture(scope="module")
def edit(hub, egfr, alice):
    """alice removes three compounds, adds five CDK2 ligands, re-orders the file, turns one
    compound into its hydrochloride, changes one's energy, and snapshots; lena's feed sees
    the ``compounds.changed`` event."""
    root = repo_dir(hub, "egfr-sar")
    base = git(root, "rev-parse", "HEAD").strip()
    old = sdf_molecules(git(root, "show", f"{base}:{SDF}"))
    keys = [reference_key(mol) for mol in old]
    unique = [i for i, key in enumerate(keys) if keys.count(key) == 1]
    cdk2 = [m for m in Chem.SDMolSupplier(str(CDK2)) if reference_key(m) not in set(keys)][:5]
    removed, salted, edited = unique[:3], unique[10], unique[20]
    old[edited].SetProp(ENERGY, "-12.5")
    kept = [salt_form(m) if i == salted else m for i, m in enumerate(old) if i not in removed]
    new_mols = list(reversed(kept + cdk2))
    alice.put_text(SDF, write_sdf(new_mols))
    with FeedStream(hub, "lena", FEED) as feed:
        r = alice.post("moiety/api/snapshot", json={"message": "EGFR: CDK2 ligands in"})
        assert r.status_code == 201, r.text
        commit = r.json()["commit"]
        event = feed.wait_for(lambda e: e["data"].get("commit") == commit)
    return {
        "base": base,
        "commit": commit,
        "event": event,
        "added": [reference_key(m) for m in reversed(cdk2)],
        "removed": {keys[i] for i in removed},
        "changed": {keys[edited]},
        "old_keys": set(keys),
        "new_keys": {reference_key(m) for m in new_mols},
        "edited_name": old[edited].GetProp("_Name"),
    }


def test_the_compound_diff_between_two_commits_is_exact(alice, edit):
    params = {"path": SDF, "from": edit["base"], "to": edit["commit"]}
    r = alice.get("moiety/api/compounds/diff", params=params)
    assert r.status_code == 200, r.text
    diff = r.json()
    assert (diff["path"], diff["from"], diff["to"]) == (SDF, edit["base"], edit["commit"])
    added = {c["key"] for c in diff["added"]}
    removed = {c["key"] for c in diff["removed"]}
    assert added == edit["new_keys"] - edit["old_keys"] == set(edit["added"])
    assert removed == edit["old_keys"] - edit["new_keys"] == edit["removed"]
    assert {c["key"] for c in diff["changed"]} == edit["changed"]
    [change] = diff["changed"]
    assert change["name"] == edit["edited_name"]
    assert change["changes"]["properties"] == {
        ENERGY: {"old": change["old"]["properties"][ENERGY], "new": -12.5}
    }
    assert all(c["name"] and c["properties"] for c in diff["added"] + diff["removed"])
    assert diff["summary"] == f"+5 \N{MINUS SIGN}3 ~1 in {SDF}"
    assert diff["errors"] == {}
    assert diff["duplicates"]["old"]

    general = alice.get("moiety/api/diff", params=params).json()
    assert general["kind"] == "text"
    assert general["compounds"]["summary"] == diff["summary"]
    assert {c["key"] for c in general["compounds"]["added"]} == added
    readme = alice.get("moiety/api/diff", params={"path": "README.md", "from": "HEAD"}).json()
    assert "compounds" not in readme


def test_alice_s_snapshot_reports_one_compounds_changed_event(hub, edit):
    event = edit["event"]
    assert (event["actor"], event["path"], event["kind"]) == ("alice", SDF, "compounds.changed")
    assert event["summary"] == f"+5 \N{MINUS SIGN}3 ~1 in {SDF}"
    data = event["data"]
    assert (data["parent"], data["added"], data["removed"], data["changed"]) == (
        edit["base"],
        5,
        3,
        1,
    )
    assert "counts" not in data
    highlights = data["highlights"]
    assert [h["change"] for h in highlights] == ["added"] * 4
    assert [reference_key(Chem.MolFromSmiles(h["smiles"])) for h in highlights] == edit["added"][:4]
    assert all(h["name"] for h in highlights)
    feed = service_client(hub, "bob").get("feed", params={**FEED, "limit": 200}).json()["items"]
    assert [e["actor"] for e in feed if e["data"].get("commit") == edit["commit"]] == ["alice"]


def test_a_restore_reports_the_compounds_it_brings_back(hub, alice, edit):
    with FeedStream(hub, "lena", FEED) as feed:
        r = alice.post("moiety/api/restore", json={"path": SDF, "commit": edit["base"]})
        assert r.status_code == 201, r.text
        commit = r.json()["commit"]
        event = feed.wait_for(lambda e: e["data"].get("commit") == commit)
    assert event["actor"] == "alice"
    assert (event["data"]["added"], event["data"]["removed"], event["data"]["changed"]) == (3, 5, 1)
    highlights = event["data"]["highlights"]
    assert [h["change"] for h in highlights] == ["added", "added", "added", "changed"]
    assert {h["key"] for h in highlights[:3]} == edit["removed"]
    assert highlights[3]["changes"]["properties"][ENERGY]["old"] == -12.5


def files_at_head(root) -> dict[str, str]:
    listing = git(root, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    suffixes = (".sdf", ".smi", ".csv", ".tsv")
    return {
        path: git(root, "show", f"HEAD:{path}")
        for path in listing
        if PurePosixPath(path).suffix.lower() in suffixes
    }


def molecules(path: str, text: str) -> list[tuple[int, Chem.Mol | None]]:
    """(record, molecule) of a compound file, read by RDKit directly."""
    if path.endswith(".sdf"):
        return list(enumerate(sdf_molecules(text), start=1))
    if path.endswith(".smi"):
        lines = [line.split()[0] for line in text.splitlines() if line.strip()]
        lines = lines[1:] if lines and lines[0].lower() == "smiles" else lines  # a header
        return [(i, Chem.MolFromSmiles(smiles)) for i, smiles in enumerate(lines, start=1)]
    rows = list(csv.DictReader(io.StringIO(text), delimiter="," if path.endswith("csv") else "\t"))
    column = next((c for c in rows[0] if c.lower() == "smiles"), None) if rows else None
    return (
        [(i, Chem.MolFromSmiles(row[column])) for i, row in enumerate(rows, start=1)]
        if column
        else []
    )


def brute_force(root, query: str, kind: str) -> list[tuple[str, int]]:
    pattern = Chem.MolFromSmarts(query) if kind == "smarts" else Chem.MolFromSmiles(query)
    return [
        (path, record)
        for path, text in sorted(files_at_head(root).items())
        for record, mol in molecules(path, text)
        if mol is not None and mol.HasSubstructMatch(pattern)
    ]


def searched(client, query: str, kind: str, limit: int) -> tuple[list, int]:
    found, cursor, pages = [], None, 0
    while True:
        params = {kind: query, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        r = client.get("moiety/api/compounds/search", params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit
        found += [(item["path"], item["record"]) for item in page["items"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            return found, pages


QUERIES = [
    ("c1ccc2ncncc2c1", "smiles", 100),  # quinazolines: most of the EGFR set
    ("Brc1cccc(N)c1", "smiles", 100),  # 3-bromoanilines: a few
    ("[#6]-[#7]", "smarts", 40),  # nearly everything, over several pages
    ("[$(C#N)]", "smarts", 100),
    ("S(=O)(=O)N", "smarts", 100),
]


def test_search_equals_brute_force_also_after_a_snapshot(hub, alice, edit):
    root = repo_dir(hub, "egfr-sar")
    for query, kind, limit in QUERIES:
        expected = brute_force(root, query, kind)
        found, pages = searched(alice, query, kind, limit)
        assert found == expected, query
        assert pages == max(1, -(-len(expected) // limit))
    first = alice.get("moiety/api/compounds/search", params={"smiles": "Brc1cccc(N)c1"}).json()
    item = first["items"][0]
    assert set(item) == {"path", "record", "name", "smiles", "properties"}
    assert first["commit"] == git(root, "rev-parse", "HEAD").strip()

    series = (
        "smiles name\nBrc1cccc(Nc2ncnc3ccccc23)c1 bromo-1\nN#Cc1ccccc1 benzonitrile\nCCO ethanol\n"
    )
    alice.put_text("data/search-series.smi", series)
    r = alice.post("moiety/api/snapshot", json={"message": "a series to search"})
    assert r.status_code == 201, r.text
    for query, kind, limit in QUERIES:
        assert searched(alice, query, kind, limit)[0] == brute_force(root, query, kind), query
    hits = searched(alice, "Brc1cccc(N)c1", "smiles", 100)[0]
    assert ("data/search-series.smi", 1) in hits


@pytest.mark.parametrize(
    ("endpoint", "params", "status", "code", "says"),
    [
        ("search", {"smarts": "c1ccc(", "limit": "5"}, 400, "invalid-query", "SMARTS"),
        ("search", {"smiles": "C1CC"}, 400, "invalid-query", "unclosed ring"),
        ("search", {}, 400, "invalid", "smarts"),
        ("search", {"smarts": "C", "smiles": "C"}, 400, "invalid", "smarts"),
        ("search", {"smarts": "C", "limit": "0"}, 400, "invalid", "limit"),
        ("search", {"smarts": "C", "cursor": "nonsense"}, 400, "invalid-cursor", "cursor"),
        ("search", {"smarts": "C", "colour": "blue"}, 400, "unknown-argument", "colour"),
        ("diff", {"path": "README.md"}, 400, "unsupported-file", "Moiety reads .sdf, .smi"),
        ("diff", {"path": "../../etc/x.sdf"}, 400, "unsafe-path", ".."),
        ("diff", {"path": SDF, "from": "no-such-commit"}, 404, "unknown-revision", "no commit"),
        ("diff", {"path": SDF, "to": "--output=/tmp/moiety-x"}, 404, "unknown-revision", ""),
        ("diff", {"path": "data/nowhere.sdf", "from": "HEAD"}, 404, "path-not-found", "nowhere"),
        ("diff", {}, 400, "invalid", "path"),
    ],
)
def test_bad_input_is_refused_with_a_reason(alice, endpoint, params, status, code, says):
    r = alice.get(f"moiety/api/compounds/{endpoint}", params=params)
    assert r.status_code == status, r.text
    assert r.json()["error"] == code
    assert says in r.json()["message"]


def test_a_table_without_smiles_is_not_a_compound_file(alice):
    alice.put_text("data/plate.csv", "well,signal\nA1,0.5\n")
    r = alice.get("moiety/api/compounds/diff", params={"path": "data/plate.csv", "from": "HEAD"})
    assert r.status_code == 404, r.text  # not committed yet
    r = alice.post("moiety/api/snapshot", json={"message": "plate", "paths": ["data/plate.csv"]})
    assert r.status_code == 201, r.text
    r = alice.get("moiety/api/compounds/diff", params={"path": "data/plate.csv", "from": "HEAD"})
    assert r.status_code == 400
    assert r.json()["error"] == "unsupported-file"
    general = alice.get("moiety/api/diff", params={"path": "data/plate.csv", "from": "HEAD"})
    assert general.json()["compounds"] is None
    assert general.json()["compounds_error"]["error"] == "unsupported-file"


def test_other_teams_and_anonymous_callers_are_refused(hub, egfr):
    for endpoint in ("search?smarts=c1ccccc1", f"diff?path={SDF}&from=HEAD"):
        assert hub.session("carol").get(f"{egfr}moiety/api/compounds/{endpoint}").status_code == 403
        carol = ProjectClient(hub, egfr, "carol")
        assert carol.get(f"moiety/api/compounds/{endpoint}").status_code == 403
        anonymous = requests.get(f"{egfr}moiety/api/compounds/{endpoint}", allow_redirects=False)
        assert anonymous.status_code == 403
