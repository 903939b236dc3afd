"""``GET /api/depict`` through the real hub: SVG and its headers, who may call it, errors,
structures over the depiction bounds refused quickly, hard structures drawn while others' are
still served, and every molecule of RDKit's EGFR set."""

# ruff: noqa: S314 - xml.etree parses the service's own SVG output, to check it is well-formed

import itertools
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from rdkit import Chem, RDConfig

from moiety_testing.hub import service_client

SVG = "{http://www.w3.org/2000/svg}svg"
CSP = "default-src 'none'; style-src 'unsafe-inline'"
EGFR = Path(RDConfig.RDContribDir) / "PBF/testData/egfr.sdf"


def depict(hub, caller="alice", **params):
    return service_client(hub, caller).get("depict", params=params)


def test_a_depiction_is_an_svg_that_cannot_run_script(hub):
    r = depict(hub, smiles="c1ccccc1O", width="240", height="120")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "image/svg+xml"
    assert r.headers["Cache-Control"] == "private, max-age=86400"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Security-Policy"] == CSP
    root = ET.fromstring(r.content)
    assert (root.tag, root.get("width"), root.get("height")) == (SVG, "240px", "120px")
    redrawn = depict(hub, smiles="Oc1ccccc1", width="240", height="120")
    assert redrawn.content == r.content  # one picture per canonical structure


@pytest.mark.parametrize(
    ("caller", "status"),
    [("alice", 200), ("carol", 200), ("lena", 200), ("admin", 200), (None, 403)],
)
def test_any_logged_in_user_may_depict(hub, caller, status):
    r = depict(hub, caller, smiles="CCN")
    assert r.status_code == status
    if status != 200:
        assert r.json()["error"] == "session"


def test_a_project_servers_token_may_depict(hub):
    assert depict(hub, "project-sulfonamide-sar", smiles="CCN").status_code == 200


@pytest.mark.parametrize(
    ("params", "status", "code", "words"),
    [
        ({"smiles": "C1CC"}, 400, "invalid-molecule", "unclosed ring"),
        ({"smiles": "C(C"}, 400, "invalid-molecule", "parenthes"),
        ({"smiles": "c1cccc1"}, 400, "invalid-molecule", "kekulize"),
        ({"smiles": "C" * 1_001}, 400, "input-too-large", "1,001 atoms"),
        ({"smiles": "C" * 6_000}, 413, "input-too-large", "6,000 characters"),
        ({}, 400, "missing-smiles", "smiles"),
        ({"smiles": "CCO", "width": "10"}, 400, "invalid-size", "from 50 to 2000"),
        ({"smiles": "CCO", "height": "tall"}, 400, "invalid-size", "'tall'"),
        ({"smiles": ["CCO", "CCN"]}, 400, "repeated-argument", "once"),
        ({"smiles": "CCO", "colour": "red"}, 400, "unknown-argument", "'colour'"),
    ],
)
def test_bad_input_gets_a_clear_error(hub, params, status, code, words):
    started = time.monotonic()
    r = depict(hub, **params)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["Cache-Control"] == "no-store"
    assert r.json()["error"] == code
    assert words.lower() in r.json()["message"].lower()
    assert time.monotonic() - started < 5  # refused without drawing anything


CUBANE = "C12C3C4C1C5C2C3C45"
HEAVY = "C" + "[C@H](O)" * 249 + "C"  # 500 atoms, 249 stereocentres: a quarter second of layout


@pytest.mark.parametrize(
    ("smiles", "words"),
    [
        ("C1" + "C" * 598 + "C1", "600 atoms; drawings are limited to 500"),
        (".".join(["C"] * 300), "300 separate fragments"),
        (CUBANE * 21, "105 rings; drawings are limited to 100"),
    ],
)
def test_structures_over_the_depiction_bounds_answer_400_quickly(hub, smiles, words):
    for _ in range(2):  # refused by a worker, then from what the service remembers
        started = time.monotonic()
        r = depict(hub, smiles=smiles)
        assert (r.status_code, r.json()["error"]) == (400, "input-too-large"), r.text
        assert words in r.json()["message"]
        assert time.monotonic() - started < 5  # the issue: pathological input answers quickly


def test_while_hard_structures_are_drawn_normal_depictions_still_answer(hub):
    """carol keeps four requests of hard structures going (each at a new size, so each is
    drawn: about a quarter second of layout each, or refused over the bounds); meanwhile
    bob's depictions of NCI molecules and his other requests are all answered."""
    attacker = service_client(hub, "carol")
    lines = (Path(RDConfig.RDDataDir) / "NCI/first_5K.smi").read_text().splitlines()
    normal = [line.split()[0] for line in lines[3000:3020]]
    stop, attacking = threading.Event(), threading.Event()
    drawn: list[int] = []  # hard structures drawn, in order
    refused: list[int] = []
    widths = itertools.count(60)

    def attack(hard: str, over_bounds: bool) -> None:
        while not stop.is_set():
            width = "300" if over_bounds else str(60 + next(widths) % 1900)
            r = requests.get(
                attacker.base + "depict",
                params={"smiles": hard, "width": width},
                headers={"Authorization": attacker.http.headers["Authorization"]},
                timeout=120,
            )
            (refused if over_bounds else drawn).append(r.status_code)
            attacking.set()

    hard = [(HEAVY, False), (HEAVY.replace("@H", "@@H"), False)]
    hard += [(CUBANE * 30, True), ("C1" + "C" * 700 + "C1", True)]
    threads = [threading.Thread(target=attack, args=args) for args in hard]
    for thread in threads:
        thread.start()
    try:
        assert attacking.wait(60)
        bob = service_client(hub, "bob")
        answered = []
        for smiles in normal:
            r = bob.get("depict", params={"smiles": smiles, "width": "211"})
            assert r.status_code == 200, (smiles, r.text)
            assert ET.fromstring(r.content).tag == SVG
            assert bob.get("me").status_code == 200
            answered.append(len(drawn))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert answered[-1] - answered[0] >= 4  # carol's hard drawings went on throughout
    assert set(drawn) == {200}
    assert set(refused) == {400}


def test_every_egfr_molecule_depicts_through_the_endpoint(hub):
    client = service_client(hub, "bob")
    mols = list(Chem.SDMolSupplier(str(EGFR)))
    assert len(mols) == 365
    for mol in mols:
        r = client.get("depict", params={"smiles": Chem.MolToSmiles(mol), "width": "180"})
        assert r.status_code == 200, (Chem.MolToSmiles(mol), r.text)
        assert ET.fromstring(r.content).tag == SVG
