"""Substructure search equals a brute-force HasSubstructMatch, also after a file changes."""

import functools
from pathlib import Path

import pytest
from rdkit import Chem, RDConfig

from moiety.core.chem import InvalidCursor, InvalidLimit, InvalidQuery, SubstructureIndex

CONTRIB = Path(RDConfig.RDContribDir)
QUERIES = [
    ("c1ccc2ncncc2c1", "smiles"),
    ("c1ccc2ncncc2c1", "smarts"),
    ("[#6]-[#7]", "smarts"),
    ("CN", "smiles"),
    ("S(=O)(=O)N", "smarts"),
    ("[r5;#7]", "smarts"),
    ("Brc1cccc(N)c1", "smiles"),
    ("[$(C#N)]", "smarts"),
    ("[#7;R]", "smarts"),
    ("[N;!R]C(=O)", "smarts"),
    ("c-c", "smarts"),
    ("[#6]@[#7]", "smarts"),
    ("[c,n;H1]", "smarts"),
    ("[r6;!a]~[#7]", "smarts"),
]


def project_files():
    chembl = (CONTRIB / "FreeWilson/data/CHEMBL2321810.smi").read_text().splitlines()
    pairs = (line.split() for line in chembl[:300])
    table = "name,smiles\n" + "\n".join(f"{name},{smiles}" for smiles, name in pairs)
    return {
        "data/egfr.sdf": (CONTRIB / "PBF/testData/egfr.sdf").read_bytes(),
        "data/cdk2.sdf": (CONTRIB / "Fastcluster/testdata/cdk2.sdf").read_bytes(),
        "chembl/series.smi": "\n".join(chembl).encode(),
        "chembl/subset.csv": table.encode(),
        "notes/readme.md": b"# not compounds",
        "results/assay.csv": b"id,value\n1,2\n",
    }


@functools.cache
def molecules(path, data):
    """Each file's molecules, read by RDKit directly: (record, molecule)."""
    if path.endswith(".sdf"):
        supplier = Chem.SDMolSupplier()
        supplier.SetData(data.decode())
        return list(enumerate(supplier, start=1))
    lines = data.decode().splitlines()
    if path.endswith(".csv"):
        lines = [line.split(",")[1] for line in lines[1:]]
    return [(i, Chem.MolFromSmiles(line.split()[0])) for i, line in enumerate(lines, start=1)]


def brute_force(files, query, kind):
    pattern = Chem.MolFromSmarts(query) if kind == "smarts" else Chem.MolFromSmiles(query)
    return [
        (path, record)
        for path in sorted(files)
        if path.endswith((".sdf", ".smi")) or path == "chembl/subset.csv"
        for record, mol in molecules(path, files[path])
        if mol is not None and mol.HasSubstructMatch(pattern)
    ]


def all_pages(index, query, kind, limit):
    found, cursor, pages = [], None, 0
    while True:
        page = index.search(query, kind=kind, limit=limit, cursor=cursor)
        found += [(item["path"], item["record"]) for item in page.items]
        pages += 1
        assert len(page.items) <= limit
        if page.next is None:
            return found, pages
        cursor = page.next


def synced(files, cache_dir=None):
    index = SubstructureIndex(cache_dir)
    report = index.sync({p: str(hash(d)) for p, d in files.items()}, files.__getitem__)
    return index, report


@pytest.fixture(scope="module")
def project():
    files = project_files()
    index, report = synced(files)
    return files, index, report


@pytest.mark.parametrize(("query", "kind"), QUERIES)
def test_search_equals_brute_force(project, query, kind):
    files, index, report = project
    assert list(report.skipped) == ["results/assay.csv"]
    assert "No column of this table holds SMILES" in report.skipped["results/assay.csv"]
    expected = brute_force(files, query, kind)
    assert expected
    found, pages = all_pages(index, query, kind, limit=40)
    assert found == expected
    assert pages == len(expected) // 40 + 1


def test_items_carry_name_smiles_and_properties(project):
    _, index, _ = project
    item = index.search("Brc1cccc(Nc2ncnc3sccc23)c1", kind="smiles", limit=1).items[0]
    assert (item["path"], item["record"], item["name"]) == ("data/egfr.sdf", 1, "ZINC02640583")
    assert item["smiles"] == "Brc1cccc(Nc2ncnc3sccc23)c1"
    assert item["properties"]["Cluster"] == 1
    csv_item = index.search("c1ccsc1", limit=1, cursor="999999:chembl/series.smi").items[0]
    assert (csv_item["path"], csv_item["name"]) == ("chembl/subset.csv", "1520012")


def test_incremental_update_reparses_only_the_changed_file(tmp_path):
    files = project_files()
    index, _ = synced(files, tmp_path)
    lines = files["chembl/series.smi"].decode().splitlines()
    files["chembl/series.smi"] = "\n".join([*lines[100:], "Brc1ccc(NC(=O)C)cc1 new"]).encode()
    del files["data/cdk2.sdf"]
    report = index.sync({p: str(hash(d)) for p, d in files.items()}, files.__getitem__)
    assert report.parsed == ["chembl/series.smi"]
    assert report.removed == ["data/cdk2.sdf"]
    assert sorted(report.kept) == ["chembl/subset.csv", "data/egfr.sdf"]
    for query, kind in QUERIES:
        assert all_pages(index, query, kind, limit=500)[0] == brute_force(files, query, kind)


def test_restarted_index_loads_from_the_cache_without_reading(tmp_path):
    files = project_files()
    first, _ = synced(files, tmp_path)

    def refuse(path):
        raise AssertionError(f"read {path}")

    again = SubstructureIndex(tmp_path)
    report = again.sync({p: str(hash(d)) for p, d in files.items()}, refuse)
    assert sorted(report.loaded) == sorted(first.paths)
    assert report.parsed == []
    assert len(again) == len(first)
    query = "c1ccc2ncncc2c1"
    assert again.search(query, limit=1000).items == first.search(query, limit=1000).items


def test_update_by_content_and_remove():
    index = SubstructureIndex()
    assert index.update("a.smi", b"CCO x\nc1ccccc1 y\n") == "parsed"
    assert index.update("a.smi", b"CCO x\nc1ccccc1 y\n") == "kept"
    assert [i["name"] for i in index.search("c1ccccc1", kind="smiles").items] == ["y"]
    assert index.remove("a.smi")
    assert index.search("C").items == []


def test_bad_queries_cursors_and_limits_raise():
    index = SubstructureIndex()
    index.update("a.smi", b"CCO x\n")
    with pytest.raises(InvalidQuery, match="SMARTS Parse Error") as caught:
        index.search("[C;X4")
    assert caught.value.position == 5
    with pytest.raises(InvalidQuery, match="unclosed ring"):
        index.search("C1CC", kind="smiles")
    with pytest.raises(InvalidCursor):
        index.search("C", cursor="not-a-cursor")
    with pytest.raises(InvalidLimit):
        index.search("C", limit=0)
