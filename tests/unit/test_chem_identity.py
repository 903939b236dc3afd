"""Identity keys: InChIKey of the standardized parent, checked against RDKit's own pipeline."""

from pathlib import Path

import pytest
from rdkit import Chem, RDConfig
from rdkit.Chem.MolStandardize import rdMolStandardize

from moiety.core.chem import Identifier, InvalidMolecule, Standardizer, parse_smiles

CONTRIB = Path(RDConfig.RDContribDir)


def reference_key(mol):
    """RDKit's composite steps: cleanup + largest fragment, then neutralize."""
    parent = rdMolStandardize.Uncharger(canonicalOrder=True).uncharge(
        rdMolStandardize.FragmentParent(mol)
    )
    return Chem.MolToInchiKey(parent)


def dataset_molecules():
    mols = [m for m in Chem.SDMolSupplier(str(CONTRIB / "PBF/testData/egfr.sdf")) if m]
    mols += [m for m in Chem.SDMolSupplier(str(CONTRIB / "Fastcluster/testdata/cdk2.sdf")) if m]
    with open(CONTRIB / "FreeWilson/data/CHEMBL2321810.smi") as lines:
        mols += [Chem.MolFromSmiles(line.split()[0]) for line in lines]
    return mols


def test_keys_equal_rdkits_standardization_on_the_data_sets():
    standardizer = Standardizer()
    mols = dataset_molecules()
    assert len(mols) == 365 + 47 + 1017
    mismatches = [
        Chem.MolToSmiles(mol) for mol in mols if standardizer.key(mol) != reference_key(mol)
    ]
    assert mismatches == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("CCO", "OCC"),
        ("c1ccccc1C(=O)O", "OC(=O)C1=CC=CC=C1"),
        ("CC(=O)Nc1ccc(O)cc1", "CC(=O)Nc1ccc(O)cc1.Cl"),
        ("CC(=O)O", "CC(=O)[O-].[Na+]"),
        ("C[N+](C)(C)CCO", "C[N+](C)(C)CCO.[Cl-]"),
        ("CN(C)C", "C[NH+](C)C.[Cl-]"),
        ("O=c1cccc[nH]1", "Oc1ccccn1"),
        ("C[N+](=O)[O-]", "CN(=O)=O"),
    ],
)
def test_redrawn_and_salt_forms_share_a_key(first, second):
    standardizer = Standardizer()
    assert standardizer.key(parse_smiles(first)) == standardizer.key(parse_smiles(second))


def test_different_compounds_have_different_keys():
    standardizer = Standardizer()
    keys = {standardizer.key(parse_smiles(s)) for s in ("CCO", "CCN", "CC(C)O", "C[C@H](N)O")}
    assert len(keys) == 4


def test_canonical_tautomer_is_optional():
    keto, enol = parse_smiles("CC(=O)C"), parse_smiles("CC(O)=C")
    assert Standardizer().key(keto) != Standardizer().key(enol)
    with_tautomers = Standardizer(tautomers=True)
    assert with_tautomers.key(keto) == with_tautomers.key(enol)


def test_standardize_does_not_modify_its_input():
    mol = parse_smiles("CC(=O)[O-].[Na+]")
    parent = Standardizer().standardize(mol)
    assert Chem.MolToSmiles(mol) == "CC(=O)[O-].[Na+]"
    assert Chem.MolToSmiles(parent) == "CC(=O)O"


def test_structures_inchi_cannot_describe_fall_back_to_smiles():
    assert Standardizer().key(parse_smiles("*c1ccccc1")).startswith("smiles:")


def test_identifier_caches_identities_and_failures():
    identifier = Identifier(cache_size=2)
    assert identifier.lookup("CCO") is None
    identity, mol = identifier.identify("CCO", parse_smiles)
    assert identity.key == Chem.MolToInchiKey(mol)
    assert identifier.lookup("CCO") == identity
    with pytest.raises(InvalidMolecule):
        identifier.identify("C1CC", parse_smiles)
    with pytest.raises(InvalidMolecule, match="unclosed ring"):
        identifier.lookup("C1CC")
    identifier.identify("CCN", parse_smiles)
    assert identifier.lookup("CCO") is None
