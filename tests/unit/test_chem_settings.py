"""A project's compound settings (``moiety.toml``, ``[compounds]``): parsing with reasons, the
SMILES column by file pattern, the tautomer choice, and what a change of settings makes the
identity caches and the substructure index do."""

import os

import pytest
from rdkit import Chem

from moiety.core.chem import Identifier, SubstructureIndex, UnsupportedFile, read_compounds
from moiety.core.chem.settings import (
    CompoundSettings,
    InvalidSettings,
    SettingsFile,
    parse_settings,
)

# CXSMILES with enhanced stereo, as registration systems export them: the space before the
# extension keeps the column from being recognised as SMILES by its values.
TABLE = """Compound,Registered structure,pIC50
A-1,C[C@H](N)C(=O)O |&1:1|,6.5
A-2,C[C@@H](N)C(=O)Oc1ccccc1 |&1:1|,7.1
A-3,CC(=O)C |&1:1|,5.0
"""
SETTINGS = """
[compounds]
tautomers = true

[compounds.smiles_columns]
"data/assays/*.csv" = "Registered structure"
"vendor.tsv" = " MOL "
"*.csv" = "Structure"
"""


def test_settings_name_columns_by_pattern_and_the_tautomer_choice():
    settings = parse_settings(SETTINGS)
    assert settings.tautomers is True
    assert settings.smiles_column("data/assays/run-7.csv") == "Registered structure"
    assert settings.smiles_column("data/assays/2024/run-8.csv") == "Registered structure"
    assert settings.smiles_column("vendor.tsv") == "MOL"  # a name alone: any folder
    assert settings.smiles_column("deep/in/vendor.tsv") == "MOL"
    assert settings.smiles_column("data/other.csv") == "Structure"  # the first match wins
    assert settings.smiles_column("data/assays/run-7.sdf") is None  # only tables have columns
    assert settings.smiles_column("data/Vendor.tsv") is None  # case-sensitive


def test_what_the_file_does_not_say_comes_from_the_defaults():
    defaults = CompoundSettings(tautomers=True)
    assert parse_settings("", defaults) == defaults
    assert parse_settings("[project]\ntitle = 'x'\n", defaults) == defaults
    assert parse_settings("[compounds]\ntautomers = false\n", defaults).tautomers is False
    assert parse_settings(b'[compounds.smiles_columns]\n"a.csv" = "S"\n', defaults) == (
        CompoundSettings(True, (("a.csv", "S"),))
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[compounds\n", "not valid TOML"),
        ("compounds = 3\n", "'compounds' must be a table"),
        ("[compounds]\ntautomer = true\n", "no setting 'tautomer'; the settings are"),
        ("[compounds]\ntautomers = 'yes'\n", "must be true or false"),
        ("[compounds]\nsmiles_columns = 'smiles'\n", "table of file patterns"),
        ('[compounds.smiles_columns]\n"a.csv" = 3\n', "The column for 'a.csv'"),
        ('[compounds.smiles_columns]\n"a.csv" = "  "\n', "non-empty"),
        (b"\xff\xfe", "not UTF-8"),
        (b"#" * 70_000, "larger than 64 KiB"),
    ],
)
def test_a_settings_file_that_cannot_be_used_says_why(text, says):
    with pytest.raises(InvalidSettings, match=says) as refused:
        parse_settings(text)
    assert str(refused.value).startswith("moiety.toml: ")
    assert refused.value.code == "invalid_settings"


def test_the_settings_file_is_read_again_only_when_it_changes(tmp_path):
    file = SettingsFile(tmp_path, CompoundSettings(tautomers=True))
    assert file.read() == CompoundSettings(tautomers=True)
    path = tmp_path / "moiety.toml"
    path.write_text('[compounds.smiles_columns]\n"*.csv" = "S"\n')
    assert file.read().smiles_columns == (("*.csv", "S"),)
    assert file.read().tautomers is True
    path.write_text("[compounds]\ntautomer = 1\n")
    with pytest.raises(InvalidSettings, match="tautomer"):
        file.read()
    assert file.settings.smiles_columns == (("*.csv", "S"),)  # the last good ones stay
    path.write_text("[compounds]\ntautomers = false\n")
    assert file.read() == CompoundSettings(tautomers=False)
    path.unlink()
    os.symlink("/etc/hostname", path)
    with pytest.raises(InvalidSettings, match="symbolic link"):
        file.read()
    path.unlink()
    assert file.read() == CompoundSettings(tautomers=True)


def test_a_table_is_read_by_the_column_the_settings_name():
    with pytest.raises(UnsupportedFile, match="No column of this table holds SMILES"):
        read_compounds(TABLE.encode(), "data/assays/run-7.csv", identifier=Identifier(workers=1))
    settings = parse_settings(SETTINGS)
    identifier = Identifier(workers=1, smiles_columns=settings.smiles_columns)
    compounds = read_compounds(TABLE.encode(), "data/assays/run-7.csv", identifier=identifier)
    assert compounds.smiles_column == "Registered structure"
    assert [record.name for record in compounds.records] == ["A-1", "A-2", "A-3"]
    assert compounds.records[0].properties == {"pIC50": 6.5}
    assert compounds.records[0].key == Chem.MolToInchiKey(Chem.MolFromSmiles("C[C@H](N)C(=O)O"))
    with pytest.raises(UnsupportedFile, match="no column named 'Structure'; its columns are"):
        read_compounds(TABLE.encode(), "data/other.csv", identifier=identifier)
    with pytest.raises(UnsupportedFile, match="no column named 'X'"):  # the caller's choice
        read_compounds(
            TABLE.encode(), "data/assays/a.csv", identifier=identifier, smiles_column="X"
        )


def test_shared_identifiers_follow_the_settings_and_share_their_caches(tmp_path):
    plain = Identifier.shared(tmp_path)
    assert Identifier.shared(tmp_path, CompoundSettings()) is plain
    named = Identifier.shared(tmp_path, parse_settings(SETTINGS.replace("true", "false")))
    assert named is not plain
    assert named.smiles_column("vendor.tsv") == "MOL"
    assert plain.smiles_column("vendor.tsv") is None
    plain.identity("CC(=O)C")
    assert named.lookup("CC(=O)C") == plain.lookup("CC(=O)C")  # one cache for both
    tautomers = Identifier.shared(tmp_path, CompoundSettings(tautomers=True))
    assert tautomers.lookup("CC(=O)C") is None  # another tautomer choice, another identity
    keto, enol = tautomers.identity("CC(=O)C"), tautomers.identity("CC(O)=C")
    assert keto == enol
    assert plain.identity("CC(=O)C") != plain.identity("CC(O)=C")


def test_the_index_reads_a_table_again_when_its_column_changes(tmp_path):
    data = TABLE.encode()
    files = {"data/assays/run-7.csv": "blob-1"}
    reads = []

    def read(path):
        reads.append(path)
        return data

    index = SubstructureIndex(tmp_path, num_threads=1)
    report = index.sync(files, read)
    assert "data/assays/run-7.csv" in report.skipped
    assert index.search("C(=O)O").items == []
    column = parse_settings(SETTINGS).smiles_column
    report = index.sync(files, read, column)
    assert report.parsed == ["data/assays/run-7.csv"]
    assert [item["name"] for item in index.search("[NH2]C").items] == ["A-1", "A-2"]
    assert index.sync(files, read, column).kept == ["data/assays/run-7.csv"]
    assert index.sync(files, read).skipped  # the settings lost: refused again, from memory
    assert reads == ["data/assays/run-7.csv"] * 2

    again = SubstructureIndex(tmp_path, num_threads=1)  # a restarted server: from the cache
    assert again.sync(files, read, column).loaded == ["data/assays/run-7.csv"]
    assert "data/assays/run-7.csv" in again.sync(files, read).skipped
    assert reads == ["data/assays/run-7.csv"] * 2
