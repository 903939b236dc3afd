"""Compound file readers: every format, SMILES column detection, bad records reported."""

from pathlib import Path

import pytest
from rdkit import Chem, RDConfig

from moiety.core.chem import Identifier, UnsupportedFile, is_compound_file, read_compounds
from moiety.core.chem.records import property_value

CONTRIB = Path(RDConfig.RDContribDir)
EGFR = CONTRIB / "PBF/testData/egfr.sdf"
CHEMBL = CONTRIB / "FreeWilson/data/CHEMBL2321810.smi"
CHEMBL_ACT = CONTRIB / "FreeWilson/data/CHEMBL2321810_act.csv"


def chembl_rows():
    """(id, smiles, pIC50) of the ChEMBL series, joined from its two files."""
    activity = dict(line.strip().split(",") for line in CHEMBL_ACT.read_text().splitlines()[1:])
    rows = []
    for line in CHEMBL.read_text().splitlines():
        smiles, name = line.split()
        rows.append((name, smiles, activity[name]))
    return rows


def test_sdf_records_names_and_properties():
    compounds = read_compounds(EGFR.read_bytes(), "data/egfr.sdf")
    expected = list(Chem.SDMolSupplier(str(EGFR)))
    assert [r.record for r in compounds.records] == list(range(1, len(expected) + 1))
    assert compounds.errors == []
    for record, mol in zip(compounds.records, expected, strict=True):
        assert record.name == mol.GetProp("_Name")
        assert record.smiles == Chem.MolToSmiles(mol)
        assert record.properties["id"] == mol.GetProp("id")
        energy = mol.GetDoubleProp("r_mmffld_Potential_Energy-OPLS_2005")
        assert record.properties["r_mmffld_Potential_Energy-OPLS_2005"] == pytest.approx(energy)
        assert isinstance(record.properties["Cluster"], int)


def test_smi_records_keep_the_smiles_as_written_and_the_name():
    compounds = read_compounds(CHEMBL.read_bytes(), "chembl.smi")
    lines = CHEMBL.read_text().splitlines()
    assert len(compounds.records) == len(lines) == 1017
    first = compounds.records[0]
    assert (first.record, first.smiles, first.name) == (1, *lines[0].split())
    assert first.key == Chem.MolToInchiKey(Chem.MolFromSmiles(lines[0].split()[0]))


@pytest.mark.parametrize(
    ("header", "delimiter", "suffix", "column"),
    [
        ("compound_id,pIC50,canonical_smiles", ",", ".csv", "canonical_smiles"),
        ("ID\tpIC50\tSMILES", "\t", ".tsv", "SMILES"),
        ("Name,pIC50,mol", ",", ".csv", "mol"),
    ],
)
def test_table_smiles_column_is_found(header, delimiter, suffix, column):
    rows = [(name, pic50, smiles) for name, smiles, pic50 in chembl_rows()]
    lines = [header] + [delimiter.join(row) for row in rows]
    compounds = read_compounds("\n".join(lines).encode(), "act" + suffix)
    assert compounds.smiles_column == column
    assert len(compounds.records) == 1017
    assert compounds.errors == []
    name, smiles, pic50 = chembl_rows()[0]
    first = compounds.records[0]
    assert (first.name, first.smiles, first.properties) == (name, smiles, {"pIC50": float(pic50)})


def test_explicit_smiles_column_and_missing_column():
    text = "a,b\nCCO,CCN\nCCC,CCCl\n"
    compounds = read_compounds(text.encode(), "x.csv", smiles_column="b")
    assert [r.smiles for r in compounds.records] == ["CCN", "CCCl"]
    assert compounds.records[0].properties == {"a": "CCO"}
    with pytest.raises(UnsupportedFile, match="no column named 'c'"):
        read_compounds(text.encode(), "x.csv", smiles_column="c")
    with pytest.raises(UnsupportedFile, match="No column of this table holds SMILES"):
        read_compounds(CHEMBL_ACT.read_bytes(), "act.csv")


def test_bad_records_are_reported_and_the_rest_is_read():
    text = "smiles,name,pIC50\nCCO,ethanol,5.5\nC1CC,broken,6\n,empty,7\nc1ccccc1,benzene,007\n"
    compounds = read_compounds(text.encode(), "set.csv")
    assert [(r.record, r.name) for r in compounds.records] == [(1, "ethanol"), (4, "benzene")]
    assert compounds.records[1].properties == {"pIC50": "007"}
    assert [(e.record, e.name) for e in compounds.errors] == [(2, "broken"), (3, "empty")]
    assert "unclosed ring" in compounds.errors[0].reason
    assert "no structure" in compounds.errors[1].reason


def test_bad_sdf_record_is_reported_by_number():
    good = Chem.MolToMolBlock(Chem.MolFromSmiles("CCO"))
    bad = good.replace("    0.0000 C   ", "    0.0000 Xx  ", 1)
    text = "".join(
        f"{block}> <pIC50>\n{value}\n\n$$$$\n"
        for block, value in ((good, 5), (bad, 6), (good.replace("\n", "named\n", 1), 7))
    )
    compounds = read_compounds(text.encode(), "set.sdf")
    assert [(r.record, r.properties["pIC50"]) for r in compounds.records] == [(1, 5), (3, 7)]
    assert compounds.records[1].name == "named"
    assert [e.record for e in compounds.errors] == [2]


def test_smi_header_comments_and_blank_lines():
    text = "SMILES Name\n\nCCO ethanol\n# a comment\nc1ccccc1\tbenzene ring\nCCN\n"
    compounds = read_compounds(text.encode(), "x.smi")
    assert [(r.record, r.smiles, r.name) for r in compounds.records] == [
        (1, "CCO", "ethanol"),
        (2, "c1ccccc1", "benzene ring"),
        (3, "CCN", None),
    ]


def test_reading_again_reuses_identities():
    identifier = Identifier()
    first = read_compounds(CHEMBL.read_bytes(), "a.smi", identifier=identifier)
    assert identifier.lookup(first.records[5].smiles).key == first.records[5].key
    again = read_compounds(CHEMBL.read_bytes(), "a.smi", identifier=identifier, keep_molecules=True)
    assert [r.key for r in again.records] == [r.key for r in first.records]
    assert all(r.mol is not None for r in again.records)


def test_is_compound_file_and_unsupported_suffix():
    assert all(map(is_compound_file, ["a.sdf", "b/c.SMI", "d.csv", "e.tsv"]))
    assert not any(map(is_compound_file, ["a.ipynb", "b.txt", "sdf", "c.sdf.bak"]))
    with pytest.raises(UnsupportedFile, match="not a compound file"):
        read_compounds(b"CCO", "notes.txt")


@pytest.mark.parametrize(
    ("text", "value"),
    [("5.48", 5.48), ("12", 12), ("-3", -3), ("1e3", 1000.0), ("007", "007"), ("nan", "nan")],
)
def test_property_values_are_numbers_where_they_parse(text, value):
    assert property_value(text) == value
    assert type(property_value(text)) is type(value)


def records_of(compounds):
    return [r.to_dict() for r in compounds.records], [e.to_dict() for e in compounds.errors]


BAD_ROWS = "smiles,name\nC1CC,broken\nCCO,ethanol\n" + "C" * 6_000 + ",huge\n"


def test_a_version_read_once_is_never_computed_again(tmp_path):
    files = {"egfr.sdf": EGFR.read_bytes(), "chembl.smi": CHEMBL.read_bytes()}
    files["bad.csv"] = BAD_ROWS.encode()
    uncached = {p: read_compounds(d, p, identifier=Identifier(workers=1)) for p, d in files.items()}
    with Identifier(cache_dir=tmp_path, workers=1) as first:
        for path, data in files.items():
            read_compounds(data, path, identifier=first)
        assert first.computed == 365 + 1017 + 3
    with Identifier(cache_dir=tmp_path, workers=1) as again:
        for path, data in files.items():
            assert records_of(read_compounds(data, path, identifier=again)) == records_of(
                uncached[path]
            )
        assert again.computed == 0
        assert again.stored_hits == first.computed
    assert "unclosed ring" in uncached["bad.csv"].errors[0].reason
    assert "the limit is 5,000" in uncached["bad.csv"].errors[1].reason


def test_unchanged_records_between_versions_are_computed_once(tmp_path):
    rows = chembl_rows()
    old = "compound_id,smiles,pIC50\n" + "\n".join(",".join(row) for row in rows)
    new_rows = [(n, s, str(float(p) + 1)) for n, s, p in reversed(rows)]
    new_rows[:5] = [(f"new-{i}", "C" * (i + 2) + "N", "5") for i in range(5)]
    new = "compound_id,smiles,pIC50\n" + "\n".join(",".join(row) for row in new_rows)
    with Identifier(cache_dir=tmp_path, workers=1) as identifier:
        read_compounds(old.encode(), "act.csv", identifier=identifier)
        computed = identifier.computed
        read_compounds(new.encode(), "act.csv", identifier=identifier)
        assert identifier.computed - computed == 5


def test_parallel_reads_give_the_records_of_the_in_process_path():
    files = {"egfr.sdf": EGFR.read_bytes(), "chembl.smi": CHEMBL.read_bytes()}
    files["bad.csv"] = BAD_ROWS.encode()
    parallel = Identifier(workers=2, parallel_threshold=1)
    for path, data in files.items():
        alone = read_compounds(data, path, identifier=Identifier(workers=1))
        assert records_of(read_compounds(data, path, identifier=parallel)) == records_of(alone)
    assert parallel.computed == 365 + 1017 + 3


def test_a_broken_cache_file_is_set_aside(tmp_path):
    (tmp_path / "identities.sqlite").write_bytes(b"not a database" * 100)
    with Identifier(cache_dir=tmp_path, workers=1) as identifier:
        assert identifier.identity("CCO").key == Chem.MolToInchiKey(Chem.MolFromSmiles("CCO"))
    assert (tmp_path / "identities.broken").exists()
    with Identifier(cache_dir=tmp_path, workers=1) as again:
        assert again.lookup("CCO") is not None
        assert again.computed == 0


def test_one_shared_identifier_per_cache_directory(tmp_path):
    first = Identifier.shared(tmp_path / "a")
    assert Identifier.shared(str(tmp_path / "a")) is first
    assert Identifier.shared(tmp_path / "b") is not first
    assert first.store.path == tmp_path / "a" / "identities.sqlite"
