"""``GET /api/depict`` through the real hub: SVG and its headers, who may call it, errors,
a pathological structure drawn off the event loop, and every molecule of RDKit's EGFR set."""

# ruff: noqa: S314 - xml.etree parses the service's own SVG output, to check it is well-formed

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


def test_a_pathological_structure_does_not_hold_up_other_requests(hub):
    client = service_client(hub, "alice")
    smiles = "C1" + "C" * 598 + "C1"  # a 600-atom macrocycle: seconds of 2D layout
    sent, finished, slow = threading.Event(), [], {}

    def draw():
        sent.set()
        slow["response"] = requests.get(
            client.base + "depict",
            params={"smiles": smiles, "width": "777"},
            headers={"Authorization": client.http.headers["Authorization"]},
            timeout=120,
        )
        slow["done"] = time.monotonic()

    thread = threading.Thread(target=draw)
    thread.start()
    sent.wait()
    started = time.monotonic()
    while thread.is_alive():
        r = client.get("me")
        assert r.status_code == 200
        finished.append(time.monotonic())
    thread.join()
    during = [t for t in finished if t < slow["done"]]
    assert len(during) >= 5
    assert slow["response"].status_code in (200, 422), slow["response"].text
    if slow["response"].status_code == 422:
        assert slow["response"].json()["error"] == "depiction-timeout"
    slowest = max(b - a for a, b in zip([started, *during], during, strict=False))
    assert slowest < (slow["done"] - started) / 5


def test_every_egfr_molecule_depicts_through_the_endpoint(hub):
    client = service_client(hub, "bob")
    mols = list(Chem.SDMolSupplier(str(EGFR)))
    assert len(mols) == 365
    for mol in mols:
        r = client.get("depict", params={"smiles": Chem.MolToSmiles(mol), "width": "180"})
        assert r.status_code == 200, (Chem.MolToSmiles(mol), r.text)
        assert ET.fromstring(r.content).tag == SVG
