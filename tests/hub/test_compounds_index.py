"""The project server's substructure index through the real hub: it lives in ``.git/moiety``,
is built once per file version (not on each query), and building or searching it leaves the
server answering other requests."""

import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdkit import Chem, RDConfig

from moiety_testing.projects import ProjectClient, open_project, repo_dir

NCI = Path(RDConfig.RDDataDir) / "NCI/first_5K.smi"
PATH = "data/nci-first-900.smi"
QUERY = "[#6]~[#7]"


def git(root, *args) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def alice(hub):
    return ProjectClient(hub, open_project(hub, "egfr-sar", "alice"), "alice")


def brute_force(text: str) -> list[int]:
    pattern = Chem.MolFromSmarts(QUERY)
    lines = [line.split()[0] for line in text.splitlines() if line.strip()]
    mols = (Chem.MolFromSmiles(smiles) for smiles in lines)
    return [i for i, mol in enumerate(mols, start=1) if mol and mol.HasSubstructMatch(pattern)]


def test_a_large_file_is_indexed_once_without_stalling_the_server(hub, alice):
    root = repo_dir(hub, "egfr-sar")
    text = "\n".join(NCI.read_text().splitlines()[:900]) + "\n"  # seconds to index
    alice.put_text(PATH, text)
    r = alice.post("moiety/api/snapshot", json={"message": "NCI set", "paths": [PATH]})
    assert r.status_code == 201, r.text
    params = {"smarts": QUERY, "limit": "10000"}
    with ThreadPoolExecutor(1) as pool:
        search = pool.submit(alice.get, "moiety/api/compounds/search", params=params)
        answered_while_searching = []
        while not search.done() and len(answered_while_searching) < 5:
            started = time.monotonic()
            assert alice.get("moiety/api/health").status_code == 200
            answered_while_searching.append(time.monotonic() - started)
            if search.done():
                answered_while_searching.pop()
        first = search.result()
    assert first.status_code == 200, first.text
    assert answered_while_searching, "the search answered before the server was asked again"
    assert max(answered_while_searching) < 2.0, answered_while_searching
    found = [item["record"] for item in first.json()["items"] if item["path"] == PATH]
    assert found == brute_force(text)

    again = alice.get("moiety/api/compounds/search", params=params)
    assert again.json()["items"] == first.json()["items"]
    assert len(re.findall(rf"parsed \[[^]]*'{PATH}'", hub.log())) == 1

    cache = root / ".git" / "moiety"
    assert any((cache / "compound-index").rglob("*.lib"))
    assert (cache / "identities" / "identities.sqlite").is_file()
    untracked = git(root, "status", "--porcelain", "--untracked-files=all")
    assert "compound-index" not in untracked
    assert "identities" not in untracked

    (root / PATH).unlink()
    r = alice.post("moiety/api/snapshot", json={"message": "NCI set out", "paths": [PATH]})
    assert r.status_code == 201, r.text
    after = alice.get("moiety/api/compounds/search", params=params).json()["items"]
    assert all(item["path"] != PATH for item in after)
