"""Identity keys: InChIKey of the standardized parent, checked against RDKit's own pipeline."""

from pathlib import Path

import pytest
from rdkit import Chem, RDConfig, rdBase
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


def nci_molecules():
    lines = (Path(RDConfig.RDDataDir) / "NCI/first_5K.smi").read_text().splitlines()
    with rdBase.BlockLogs():
        mols = [Chem.MolFromSmiles(line.split()[0]) for line in lines]
    return [mol for mol in mols if mol is not None]


def test_shortcuts_give_the_keys_of_every_step_on_every_data_set():
    fast, full = Standardizer(), Standardizer(shortcuts=False)
    mols = dataset_molecules() + nci_molecules()
    assert len(mols) > 6_300
    mismatches = [Chem.MolToSmiles(m) for m in mols if fast.key(m) != full.key(m)]
    assert mismatches == []


def test_the_normalizer_changes_only_molecules_the_shortcut_sends_to_it():
    standardizer = Standardizer()
    assert standardizer._normalizable, "re-check NORMALIZABLE against this RDKit's transforms"
    normalizer = rdMolStandardize.Normalizer()
    mols = dataset_molecules() + nci_molecules()
    changed = [m for m in mols if Chem.MolToSmiles(normalizer.normalize(m)) != Chem.MolToSmiles(m)]
    assert len(changed) > 10
    assert [m for m in changed if not standardizer._needs(m, *standardizer._normalizable)] == []


@pytest.mark.parametrize(
    "smiles",
    ["CCN=N#N", "C=N#N", "O=n1ccccc1", "CN(=O)=O", "CS(C)=O", "CC[S](C)=O.[K+].[Cl-]"],
)
def test_groups_the_normalizer_rewrites_are_normalized(smiles):
    mol = Chem.MolFromSmiles(smiles, sanitize=False)
    mol.UpdatePropertyCache(strict=False)
    normalized = rdMolStandardize.Normalizer().normalize(mol)
    assert Chem.MolToSmiles(normalized) != Chem.MolToSmiles(mol)
    assert Standardizer().key(mol) == Standardizer(shortcuts=False).key(mol)


def test_standardize_in_place_changes_only_the_given_molecule():
    mol = parse_smiles("CC(=O)[O-].[Na+]")
    copy = Chem.Mol(mol)
    parent = Standardizer().standardize(mol, in_place=True)
    assert Chem.MolToSmiles(parent) == "CC(=O)O"
    assert Chem.MolToSmiles(copy) == "CC(=O)[O-].[Na+]"


def test_identifier_remembers_identities_and_failures_in_memory():
    identifier = Identifier(cache_size=2, workers=1)
    assert identifier.lookup("CCO") is None
    identity = identifier.identity("CCO")
    assert identity.key == Chem.MolToInchiKey(Chem.MolFromSmiles("CCO"))
    assert identity.smiles is None
    assert identifier.lookup("CCO") == identity
    with pytest.raises(InvalidMolecule):
        identifier.identity("C1CC")
    with pytest.raises(InvalidMolecule, match="unclosed ring"):
        identifier.lookup("C1CC")
    identifier.identity("CCN")
    assert identifier.lookup("CCO") is None
    assert identifier.computed == 3


def test_molblock_identities_carry_the_canonical_smiles():
    block = Chem.MolToMolBlock(Chem.MolFromSmiles("OCC"))
    identity = Identifier(workers=1).identity(block, kind="molblock")
    assert (identity.key, identity.smiles) == (Chem.MolToInchiKey(Chem.MolFromSmiles("CCO")), "CCO")
