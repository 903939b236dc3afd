"""Depiction: every molecule of the data sets draws to valid SVG; bounds and escaping hold."""

# ruff: noqa: S314 - xml.etree parses our own SVG output, to check that it is well-formed

import asyncio
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdkit import Chem, RDConfig

from moiety.core.chem import (
    Depicter,
    DepictionCache,
    DepictionPool,
    DepictionTimeout,
    InputTooLarge,
    InvalidMolecule,
    InvalidSize,
    draw_svg,
)
from moiety.core.chem.depict import MAX_LEGEND_LENGTH

CONTRIB = Path(RDConfig.RDContribDir)
SVG = "{http://www.w3.org/2000/svg}svg"


def data_set(name):
    if name == "egfr":
        return list(Chem.SDMolSupplier(str(CONTRIB / "PBF/testData/egfr.sdf")))
    if name == "cdk2":
        return list(Chem.SDMolSupplier(str(CONTRIB / "Fastcluster/testdata/cdk2.sdf")))
    path = {
        "chembl": CONTRIB / "FreeWilson/data/CHEMBL2321810.smi",
        "nci": Path(RDConfig.RDDataDir) / "NCI/first_5K.smi",
    }[name]
    mols = [Chem.MolFromSmiles(line.split()[0]) for line in path.read_text().splitlines()]
    return [mol for mol in mols if mol is not None]


@pytest.mark.parametrize(("name", "count"), [("egfr", 365), ("cdk2", 47), ("chembl", 1017)])
def test_every_molecule_of_a_data_set_draws_valid_svg(name, count):
    mols = data_set(name)
    assert len(mols) == count
    for mol in mols:
        root = ET.fromstring(draw_svg(mol, legend=mol.GetProp("_Name") if name != "chembl" else ""))
        assert root.tag == SVG
        assert (root.get("width"), root.get("height")) == ("300px", "300px")
        assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_the_nci_set_draws_valid_svg():
    mols = data_set("nci")
    assert len(mols) > 4_900
    for mol in mols:
        assert ET.fromstring(draw_svg(mol, 120, 120)).tag == SVG


@pytest.mark.parametrize(
    "legend",
    [
        '</svg><script>alert("x")</script>',
        "a & b < c > d ' \"",
        "\x00\x07 bell",
        "\u03b1 \u03b2 \u6f22\u5b57 \U0001f600",
    ],
)
def test_user_text_in_the_legend_cannot_break_the_svg(legend):
    svg = draw_svg(Chem.MolFromSmiles("c1ccccc1O"), legend=legend)
    root = ET.fromstring(svg)
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert "script" not in tags
    assert tags <= {"svg", "rect", "path", "text", "ellipse", "g", "style"}
    assert svg.startswith("<?xml version='1.0' encoding='utf-8'?>")


def test_long_legend_is_cut():
    legend = "x" * (MAX_LEGEND_LENGTH * 3)
    assert draw_svg(Chem.MolFromSmiles("C"), legend=legend) == draw_svg(
        Chem.MolFromSmiles("C"), legend="x" * MAX_LEGEND_LENGTH
    )


def test_size_is_configurable_within_bounds():
    root = ET.fromstring(Depicter().depict("CCO", width=640, height=200))
    assert (root.get("width"), root.get("height")) == ("640px", "200px")
    for width, height in [(10, 300), (300, 5000), (300.5, 300), ("300", 300)]:
        with pytest.raises(InvalidSize):
            Depicter().depict("CCO", width=width, height=height)


def test_cache_is_keyed_by_canonical_smiles_and_bounded():
    depicter = Depicter(cache_size=2)
    first = depicter.depict("OCC")
    assert depicter.depict("C(O)C") is first
    assert (depicter.hits, depicter.misses) == (1, 1)
    depicter.depict("CCN")
    depicter.depict("CCC")
    assert depicter.depict("CCO") is not first
    assert depicter.misses == 4


def test_invalid_and_pathological_inputs_are_refused():
    depicter = Depicter()
    with pytest.raises(InvalidMolecule, match="unclosed ring"):
        depicter.depict("C1CC")
    with pytest.raises(InputTooLarge):
        depicter.depict("C" * 1_001)
    with pytest.raises(InputTooLarge):
        depicter.depict("C" * 100_000)
    with pytest.raises(InputTooLarge):
        depicter.depict(".".join(["C1CCCCCCCCCCCCCCCCCCCCCCCC1"] * 50))


def test_pool_stops_a_drawing_past_its_time_limit_and_keeps_working():
    with DepictionPool(workers=1, timeout=0.3) as pool:
        with pytest.raises(DepictionTimeout, match=r"longer than 0\.3 s"):
            pool.render("C" * 1_000)
        pool.timeout = 60
        assert ET.fromstring(pool.render("c1ccccc1")).tag == SVG
        with pytest.raises(InvalidMolecule, match="unclosed ring"):
            pool.render("C1CC")
        depicter = Depicter(render=pool.render)
        assert depicter.depict("OCC") == depicter.depict("CCO")
        assert depicter.hits == 1


def test_pool_draws_without_blocking_and_a_timeout_spares_other_drawings():
    async def scenario(pool):
        drawn = await pool.draw("OCC", 200, 150)
        assert drawn[0] == "CCO"
        assert ET.fromstring(drawn[1]).get("width") == "200px"
        with pytest.raises(InvalidMolecule, match="unclosed ring"):
            await pool.draw("C1CC")
        with pytest.raises(InputTooLarge):
            await pool.draw("C" * 1_001)
        slow = asyncio.create_task(pool.draw("C" * 1_000))
        innocent = asyncio.create_task(pool.draw("c1ccccc1O"))
        ticks = 0
        while not slow.done():
            await asyncio.sleep(0)
            ticks += 1
        with pytest.raises(DepictionTimeout):
            slow.result()
        assert ticks > 100  # the event loop kept running while the worker drew
        assert (await innocent)[0] == "Oc1ccccc1"
        assert (await pool.draw("CCN"))[0] == "CCN"

    with DepictionPool(workers=2, timeout=0.5) as pool:
        pool.start()
        asyncio.run(scenario(pool))


def test_depiction_cache_keeps_one_picture_per_structure_and_is_bounded():
    cache = DepictionCache(size=2)
    assert cache.get("OCC", 300, 300) is None
    assert cache.put("OCC", 300, 300, "CCO", "<svg>first</svg>") == "<svg>first</svg>"
    assert cache.put("C(O)C", 300, 300, "CCO", "<svg>second</svg>") == "<svg>first</svg>"
    assert cache.get("C(O)C", 300, 300) == "<svg>first</svg>"
    assert cache.get("OCC", 200, 300) is None
    cache.put("CCN", 300, 300, "CCN", "<svg>n</svg>")
    cache.put("CCC", 300, 300, "CCC", "<svg>c</svg>")
    assert cache.get("OCC", 300, 300) is None
    assert len(cache) == 2
    assert (cache.hits, cache.misses) == (1, 3)
