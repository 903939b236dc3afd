"""Parsing: RDKit's reasons reach the caller; bounds are enforced before expensive work."""

import pickle

import pytest
from rdkit import Chem

from moiety.core.chem import (
    InputTooLarge,
    InvalidMolecule,
    InvalidQuery,
    parse_molblock,
    parse_query,
    parse_smarts,
    parse_smiles,
)
from moiety.core.chem.parsing import MAX_ATOMS, MAX_QUERY_ATOMS, MAX_TEXT_LENGTH


def test_valid_smiles_gives_the_same_molecule_as_rdkit():
    mol = parse_smiles(" c1ccccc1O ")
    assert Chem.MolToSmiles(mol) == Chem.MolToSmiles(Chem.MolFromSmiles("Oc1ccccc1"))


@pytest.mark.parametrize(
    ("smiles", "reason", "position"),
    [
        ("C1CC", "SMILES Parse Error: unclosed ring for input: 'C1CC'", None),
        ("CC(C", "SMILES Parse Error: extra open parentheses while parsing: CC(C", 3),
        ("C%", "SMILES Parse Error: syntax error while parsing: C%", 2),
        ("C(C)(C)(C)(C)C", "Explicit valence for atom # 0 C, 5, is greater than permitted", None),
    ],
)
def test_invalid_smiles_carries_rdkits_reason(smiles, reason, position):
    with pytest.raises(InvalidMolecule) as caught:
        parse_smiles(smiles)
    assert caught.value.reason.startswith(reason)
    assert caught.value.position == position
    assert str(caught.value).startswith(f"This SMILES could not be read: {reason}")
    assert caught.value.code == "invalid_molecule"


def test_empty_smiles_is_refused():
    with pytest.raises(InvalidMolecule, match="it is empty"):
        parse_smiles("   ")


def test_invalid_smarts_carries_rdkits_reason():
    with pytest.raises(InvalidQuery) as caught:
        parse_smarts("[C;X4")
    assert caught.value.reason.startswith("SMARTS Parse Error: syntax error while parsing: [C;X4")
    assert caught.value.position == 5
    assert caught.value.code == "invalid_query"


def test_query_kinds():
    assert parse_query("c1ccccc1", "smiles").GetNumAtoms() == 6
    assert parse_query("[#6]~[#7]", "smarts").GetNumAtoms() == 2
    with pytest.raises(InvalidQuery, match="unclosed ring"):
        parse_query("C1CC", "smiles")
    with pytest.raises(InvalidQuery, match="unknown query kind"):
        parse_query("C", "inchi")


def test_too_long_input_is_refused():
    with pytest.raises(InputTooLarge, match=f"limit is {MAX_TEXT_LENGTH:,}"):
        parse_smiles("C" * (MAX_TEXT_LENGTH + 1))
    with pytest.raises(InputTooLarge):
        parse_smarts("C" * (MAX_TEXT_LENGTH + 1))


def test_too_many_atoms_is_refused():
    with pytest.raises(InputTooLarge, match=f"{MAX_ATOMS + 1:,} atoms"):
        parse_smiles("C" * (MAX_ATOMS + 1))
    many_rings = ".".join(["c1ccc2ccccc2c1"] * 110)
    with pytest.raises(InputTooLarge, match="atoms"):
        parse_smiles(many_rings)
    with pytest.raises(InputTooLarge, match=f"{MAX_QUERY_ATOMS + 1:,} atoms"):
        parse_smarts("[#6]" * (MAX_QUERY_ATOMS + 1))
    assert parse_smiles("C" * MAX_ATOMS).GetNumAtoms() == MAX_ATOMS


def test_molblock_round_trip_and_error():
    block = Chem.MolToMolBlock(Chem.MolFromSmiles("CC(=O)Nc1ccccc1"))
    assert Chem.MolToSmiles(parse_molblock(block)) == "CC(=O)Nc1ccccc1"
    broken = block.replace("M  END", "").splitlines()
    broken[3] = broken[3].replace(broken[3][:3], " 99", 1)
    with pytest.raises(InvalidMolecule) as caught:
        parse_molblock("\n".join(broken))
    assert caught.value.kind == "molblock"
    assert caught.value.reason


def test_errors_survive_pickling_for_worker_processes():
    with pytest.raises(InvalidMolecule) as caught:
        parse_smiles("CC(C")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert type(copy) is InvalidMolecule
    assert (copy.reason, copy.position, str(copy)) == (
        caught.value.reason,
        3,
        str(caught.value),
    )
