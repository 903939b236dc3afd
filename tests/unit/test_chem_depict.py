"""Depiction: every molecule of the data sets draws to valid SVG; bounds and escaping hold."""

# ruff: noqa: S314 - xml.etree parses our own SVG output, to check that it is well-formed

import asyncio
import itertools
import time
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
from moiety.core.chem.depict import MAX_LEGEND_LENGTH, canonical_job
from moiety.core.chem.fair_queue import FairQueue
from moiety.core.chem.limits import MAX_DRAWN_ATOMS

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


def cube(n: int) -> str:
    """A cubic lattice of n**3 sulfur atoms: a dense cage with very many rings."""
    mol = Chem.RWMol()
    index = {}
    for point in itertools.product(range(n), repeat=3):
        index[point] = mol.AddAtom(Chem.Atom(16))
    for (x, y, z), atom in index.items():
        for other in ((x + 1, y, z), (x, y + 1, z), (x, y, z + 1)):
            if other in index:
                mol.AddBond(atom, index[other], Chem.BondType.SINGLE)
    return Chem.MolToSmiles(mol)


@pytest.mark.parametrize(
    ("smiles", "words"),
    [
        ("C1" + "C" * 598 + "C1", "600 atoms; drawings are limited to 500"),
        (".".join(["C"] * 51), "51 separate fragments"),
        (cube(5), "176 rings"),
    ],
)
def test_structures_over_the_depiction_bounds_are_refused_before_any_layout(smiles, words):
    with pytest.raises(InputTooLarge, match=words):
        Depicter().depict(smiles)
    with pytest.raises(InputTooLarge, match=words):
        draw_svg(Chem.MolFromSmiles(smiles))
    with pytest.raises(InputTooLarge, match=words):
        canonical_job(smiles)


def test_structures_at_the_depiction_bounds_draw():
    mol = Chem.MolFromSmiles("C" * MAX_DRAWN_ATOMS)
    assert ET.fromstring(draw_svg(mol)).tag == SVG
    assert ET.fromstring(draw_svg(Chem.MolFromSmiles(".".join(["C"] * 50)))).tag == SVG
    cage = Chem.MolFromSmiles(cube(4))  # 64 atoms, 81 rings
    assert ET.fromstring(draw_svg(cage)).tag == SVG


SLOW = "C" + "[C@H](O)" * 249 + "C"  # 500 atoms with 249 stereocentres: about 0.25 s of layout
MEDIUM = "C" * 400  # about 0.09 s of layout


def test_pool_stops_a_drawing_past_its_budget_and_keeps_working():
    with DepictionPool(workers=1, timeout=0.1) as pool:
        pool.start()
        [before] = pool.pids()
        with pytest.raises(DepictionTimeout, match=r"more than 0\.1 s of computation"):
            pool.render(SLOW)
        assert pool.restarts == 1
        assert pool.pids() != [before]
        assert ET.fromstring(pool.render("c1ccccc1")).tag == SVG
        with pytest.raises(InvalidMolecule, match="unclosed ring"):
            pool.render("C1CC")
        with pytest.raises(InputTooLarge, match="600 atoms"):
            pool.render("C1" + "C" * 598 + "C1")
        assert pool.restarts == 1  # refusals do not cost a worker
        depicter = Depicter(render=pool.render)
        assert depicter.depict("OCC") == depicter.depict("CCO")
        assert depicter.hits == 1


def test_the_budget_counts_computation_not_the_wait_in_the_queue():
    with DepictionPool(workers=1, timeout=0.4) as pool:
        pool.start()
        started = time.monotonic()
        futures = [pool.submit(MEDIUM, 120 + i, 120) for i in range(12)]
        svgs = [future.result() for future in futures]
        assert time.monotonic() - started > pool.timeout  # the last ones waited longer than that
        assert all(ET.fromstring(svg).tag == SVG for svg in svgs)
        assert pool.restarts == 0


def test_a_drawing_out_of_time_fails_alone():
    with DepictionPool(workers=1, timeout=0.1) as pool:
        pool.start()
        slow = pool.submit(SLOW)
        queued = [pool.submit(smiles) for smiles in ("c1ccccc1O", "CCN", "C1CC", "CCO")]
        with pytest.raises(DepictionTimeout):
            slow.result()
        assert ET.fromstring(queued[0].result()).tag == SVG
        assert ET.fromstring(queued[1].result()).tag == SVG
        with pytest.raises(InvalidMolecule):
            queued[2].result()
        assert ET.fromstring(queued[3].result()).tag == SVG
        assert pool.restarts == 1


def draw(pool, smiles, width=300, height=300, *, owner=None):
    """``(canonical SMILES, SVG)`` from the pool: its ``draw_unless`` asked to always draw."""
    return pool.draw_unless(smiles, width, height, lambda canonical: False, owner=owner)


def test_pool_draws_without_blocking_and_a_timeout_spares_the_other_worker():
    async def scenario(pool):
        drawn = await draw(pool, "OCC", 200, 150)
        assert drawn[0] == "CCO"
        assert ET.fromstring(drawn[1]).get("width") == "200px"
        known = {"CCO"}
        assert await pool.draw_unless("C(O)C", 120, 120, known.__contains__) == ("CCO", None)
        assert ET.fromstring(await pool.svg("CCO", 120, 120)).get("width") == "120px"
        with pytest.raises(InvalidMolecule, match="unclosed ring"):
            await draw(pool, "C1CC")
        with pytest.raises(InputTooLarge):
            await draw(pool, "C" * 1_001)
        first = set(pool.pids())
        slow = asyncio.create_task(draw(pool, SLOW, owner="mallory"))
        innocent = [asyncio.create_task(draw(pool, "c1ccccc1O", owner="bob")) for _ in range(5)]
        ticks = 0
        while not slow.done():
            await asyncio.sleep(0)
            ticks += 1
        with pytest.raises(DepictionTimeout):
            slow.result()
        assert ticks > 100  # the event loop kept running while the worker drew
        assert [(await task)[0] for task in innocent] == ["Oc1ccccc1"] * 5
        assert len(first & set(pool.pids())) == 1  # the other worker was not replaced
        assert (await draw(pool, "CCN"))[0] == "CCN"

    with DepictionPool(workers=2, timeout=0.1) as pool:
        pool.start()
        asyncio.run(scenario(pool))


def test_jobs_are_taken_in_turn_by_owner():
    queue = FairQueue()
    for job in ("m1", "m2", "m3"):
        queue.put("mallory", job)
    queue.put("bob", "b1")
    queue.put("carol", "c1")
    queue.put("bob", "b2")
    assert [queue.get() for _ in range(6)] == ["m1", "b1", "c1", "m2", "b2", "m3"]
    queue.put("bob", "b3")
    assert queue.close() == ["b3"]
    assert queue.get() is None


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


class CountingPool:
    """A real pool, counting the jobs the cache gives it and whether they drew."""

    def __init__(self, pool):
        self.pool = pool
        self.calls = []

    async def draw_unless(self, text, width, height, skip, owner=None):
        self.calls.append(["draw_unless", text, None])
        canonical, svg = await self.pool.draw_unless(text, width, height, skip, owner=owner)
        self.calls[-1][2] = svg is not None
        return canonical, svg

    async def svg(self, smiles, width, height, owner=None):
        self.calls.append(["svg", smiles, True])
        return await self.pool.svg(smiles, width, height, owner=owner)


def test_the_cache_draws_each_structure_once_and_remembers_refusals():
    async def scenario(pool):
        cache = DepictionCache()
        first = await cache.depict(pool, "OCC", 300, 300)
        assert ET.fromstring(first).tag == SVG
        assert await cache.depict(pool, "C(O)C", 300, 300) == first  # not drawn again
        assert await cache.depict(pool, "OCC", 300, 300) == first  # not even canonicalized
        assert pool.calls == [["draw_unless", "OCC", True], ["draw_unless", "C(O)C", False]]
        assert cache.drawn == 1
        assert ET.fromstring(await cache.depict(pool, "C(O)C", 120, 120)).get("width") == "120px"
        assert pool.calls[-1] == ["svg", "CCO", True]
        assert cache.drawn == 2
        pool.calls.clear()
        hard = ["C1CC", "C1" + "C" * 598 + "C1", SLOW]
        for _ in range(3):
            with pytest.raises(InvalidMolecule, match="unclosed ring"):
                await cache.depict(pool, hard[0], 300, 300)
            with pytest.raises(InputTooLarge, match="600 atoms"):
                await cache.depict(pool, hard[1], 300, 300)
            with pytest.raises(DepictionTimeout):
                await cache.depict(pool, hard[2], 300, 300)
        assert pool.calls == [["draw_unless", text, None] for text in hard]  # each tried once
        assert pool.pool.restarts == 1
        # another way of writing the structure that ran out of time is not drawn again
        with pytest.raises(DepictionTimeout):
            await cache.depict(pool, "[CH3]" + SLOW[1:], 300, 300)
        assert pool.calls[-1] == ["draw_unless", "[CH3]" + SLOW[1:], False]
        assert pool.pool.restarts == 1
        assert cache.drawn == 2

    with DepictionPool(workers=1, timeout=0.1) as pool:
        pool.start()
        asyncio.run(scenario(CountingPool(pool)))
