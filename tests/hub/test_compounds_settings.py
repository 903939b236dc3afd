"""A project's compound settings through the real hub: alice commits an assay table whose SMILES
column Moiety cannot find by itself, names it in the project's ``moiety.toml``, and diffs,
search and ``compounds.changed`` read it from then on; the tautomer choice changes identities;
a broken settings file answers 400 with what to fix. The files are removed at the end, so the
other tests see the project as it was."""

import subprocess

import pytest
from rdkit import Chem

from moiety_testing.projects import FeedStream, ProjectClient, open_project, repo_dir

TABLE = "data/assay-run-7.csv"
HEADER = "Compound,Registered structure,pIC50\n"
# CXSMILES with enhanced stereo, as registration systems export them: the space before the
# extension keeps the column from being recognised as SMILES by its values.
ROWS = [
    "A-1,C[C@H](N)C(=O)Oc1ccc(Br)cc1 |&1:1|,6.5\n",
    "A-2,C[C@@H](N)C(=O)Oc1ccc(I)cc1 |&1:1|,7.1\n",
    "A-3,CC(=O)c1ccc(I)cc1 |&1:1|,5.0\n",
]
SETTINGS = '[compounds.smiles_columns]\n"data/assay-*.csv" = "Registered structure"\n'
QUERY = {"smarts": "[NH2][CH1](C)C(=O)Oc1ccc([I,Br])cc1"}
FEED = {"project": "egfr-sar", "kind": "compounds.changed"}


def key(smiles: str) -> str:
    return Chem.MolToInchiKey(Chem.MolFromSmiles(smiles.split(" |")[0]))


def head(root) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def alice(hub):
    client = ProjectClient(hub, open_project(hub, "egfr-sar", "alice"), "alice")
    yield client
    for path in (TABLE, "moiety.toml"):
        client.delete(f"api/contents/{path}")
    snapshot(client, "assay settings test: cleaned up", [TABLE])


def snapshot(client, message: str, paths: list[str]) -> str:
    r = client.post("moiety/api/snapshot", json={"message": message, "paths": paths})
    assert r.status_code == 201, r.text
    return r.json()["commit"]


def diff(client, **params):
    return client.get("moiety/api/compounds/diff", params={"path": TABLE, **params})


def search_hits(client) -> list[tuple[str, str]]:
    r = client.get("moiety/api/compounds/search", params=QUERY)
    assert r.status_code == 200, r.text
    return [(item["path"], item["name"]) for item in r.json()["items"]]


def test_a_table_is_read_once_its_smiles_column_is_named_in_the_settings(hub, alice):
    root = repo_dir(hub, "egfr-sar")
    alice.put_text(TABLE, HEADER + ROWS[0] + ROWS[2])
    first = snapshot(alice, "assay run 7", [TABLE])
    alice.put_text(TABLE, HEADER + ROWS[0].replace("6.5", "6.9") + ROWS[1] + ROWS[2])
    with FeedStream(hub, "lena", FEED) as feed:
        second = snapshot(alice, "assay run 7, A-2 in", [TABLE])
        r = diff(alice, **{"from": first, "to": second})
        assert (r.status_code, r.json()["error"]) == (400, "unsupported-file"), r.text
        assert "No column of this table holds SMILES" in r.json()["message"]
        assert search_hits(alice) == []

        alice.put_text("moiety.toml", SETTINGS)  # in the working copy: in force at once
        r = diff(alice, **{"from": first, "to": second})
        assert r.status_code == 200, r.text
        assert [c["key"] for c in r.json()["added"]] == [key(ROWS[1].split(",")[1])]
        assert r.json()["removed"] == []
        [changed] = r.json()["changed"]
        assert (changed["name"], changed["key"]) == ("A-1", key(ROWS[0].split(",")[1]))
        assert changed["changes"]["properties"] == {"pIC50": {"old": 6.5, "new": 6.9}}
        assert search_hits(alice) == [(TABLE, "A-1"), (TABLE, "A-2")]

        alice.put_text(TABLE, HEADER + ROWS[1] + ROWS[2])  # A-1 withdrawn
        third = snapshot(alice, "assay run 7, A-1 out", [TABLE])
        event = feed.wait_for(lambda e: e["data"].get("commit") == third)
    assert event["path"] == TABLE
    assert (event["data"]["added"], event["data"]["removed"]) == (0, 1)
    assert head(root) == third
    assert search_hits(alice) == [(TABLE, "A-2")]


def test_the_tautomer_choice_in_the_settings_changes_what_counts_as_one_compound(alice):
    alice.put_text("moiety.toml", SETTINGS)
    alice.put_text(TABLE, HEADER + ROWS[2])
    keto = snapshot(alice, "the keto form", [TABLE])
    alice.put_text(TABLE, HEADER + "A-3,C=C(O)c1ccc(I)cc1,5.0\n")  # its enol
    r = diff(alice, **{"from": keto})
    assert r.status_code == 200, r.text
    assert (len(r.json()["added"]), len(r.json()["removed"])) == (1, 1)  # InChI tells them apart
    alice.put_text("moiety.toml", "[compounds]\ntautomers = true\n\n" + SETTINGS)
    r = diff(alice, **{"from": keto})
    assert r.status_code == 200, r.text
    assert (r.json()["added"], r.json()["removed"], r.json()["changed"]) == ([], [], [])
    alice.put_text("moiety.toml", SETTINGS)
    r = diff(alice, **{"from": keto})
    assert (len(r.json()["added"]), len(r.json()["removed"])) == (1, 1)


def test_a_broken_settings_file_answers_400_with_what_to_fix(alice):
    alice.put_text("moiety.toml", "[compounds]\ntautomer = true\n")
    for r in (
        alice.get("moiety/api/compounds/search", params=QUERY),
        diff(alice, **{"from": "HEAD"}),
    ):
        assert (r.status_code, r.json()["error"]) == (400, "invalid-settings"), r.text
        assert "moiety.toml: [compounds] has no setting 'tautomer'" in r.json()["message"]
    general = alice.get("moiety/api/diff", params={"path": TABLE, "from": "HEAD"})
    assert general.status_code == 200
    assert general.json()["compounds_error"]["error"] == "invalid-settings"
    alice.put_text("moiety.toml", SETTINGS)
    assert alice.get("moiety/api/compounds/search", params=QUERY).status_code == 200
