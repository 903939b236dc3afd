"""The SMARTS feature screen never drops a match, and it is selective where RDKit's is not."""

from pathlib import Path

import numpy as np
import pytest
from rdkit import Chem, RDConfig, rdBase
from rdkit.Chem import rdSubstructLibrary

from moiety.core.chem.features import molecule_features, query_features
from moiety.core.chem.query_facts import AtomFacts, BondClass, atom_facts, bond_class
from moiety.core.chem.screen import candidates, fingerprint_array

CONTRIB = Path(RDConfig.RDContribDir)
SMARTS = [
    "c1ccc2ncncc2c1",
    "[r5;#7]",
    "[#7;R]",
    "[N;!R]C(=O)",
    "[r0;#6]=[#8]",
    "[#8;R0]",
    "c1ccccc1[N+](=O)[O-]",
    "[#6]@[#7]",
    "[c,n;H1]",
    "[Cl,Br,I]c",
    "[#6;a]:[#7;a]",
    "[r6;!a]",
    "[r3,r4]",
    "C1CCCCC1",
    "[#6]~[#7]~[#6]~[#8]",
    "c-c",
    "C-,:N",
    "C!@N",
    "[#16;X4](=O)(=O)[#7]",
    "[#7;$(*C=O)]",
    "[!#6;!#1]~[!#6;!#1]",
    "*~*~*~[#9]",
    "[#6]#[#7]",
    "[N,n]~[#6]=[#8]",
]


def molecules():
    mols = [m for m in Chem.SDMolSupplier(str(CONTRIB / "PBF/testData/egfr.sdf")) if m]
    mols += [m for m in Chem.SDMolSupplier(str(CONTRIB / "Fastcluster/testdata/cdk2.sdf")) if m]
    lines = (CONTRIB / "FreeWilson/data/CHEMBL2321810.smi").read_text().splitlines()
    mols += [Chem.MolFromSmiles(line.split()[0]) for line in lines]
    lines = (Path(RDConfig.RDDataDir) / "NCI/first_5K.smi").read_text().splitlines()
    with rdBase.BlockLogs():
        nci = [Chem.MolFromSmiles(line.split()[0]) for line in lines]
    for mol in filter(None, nci):
        mol.SetBoolProp("nci", True)
        mols.append(mol)
    return mols


@pytest.fixture(scope="module")
def screened():
    mols = molecules()
    return mols, fingerprint_array([molecule_features(m) for m in mols])


@pytest.mark.parametrize("smarts", SMARTS)
def test_the_screen_keeps_every_match(screened, smarts):
    mols, array = screened
    query = Chem.MolFromSmarts(smarts)
    hits = [i for i, mol in enumerate(mols) if mol.HasSubstructMatch(query)]
    assert hits
    kept = set(candidates(array, np.frombuffer(query_features(query), dtype=np.uint64)).tolist())
    assert set(hits) <= kept


def test_the_screen_is_selective_where_rdkits_pattern_screen_goes_wrong(screened):
    mols, array = screened
    query = Chem.MolFromSmarts("[r5;#7]")
    hits = {i for i, mol in enumerate(mols) if mol.HasSubstructMatch(query)}
    kept = candidates(array, np.frombuffer(query_features(query), dtype=np.uint64))
    assert len(kept) <= len(hits) * 1.05
    holder = rdSubstructLibrary.PatternHolder()
    bits = list(holder.MakeFingerprint(query).GetOnBits())
    passed = {
        i for i, mol in enumerate(mols) if all(holder.MakeFingerprint(mol).GetBit(b) for b in bits)
    }
    assert hits - passed  # RDKit's own screen drops true matches of this query


def test_quinazoline_smarts_keeps_few_candidates(screened):
    mols, array = screened
    query = Chem.MolFromSmarts("c1ccc2ncncc2c1")
    nci = [i for i, mol in enumerate(mols) if mol.HasProp("nci")]
    assert len(nci) > 4_900
    hits = sum(mols[i].HasSubstructMatch(query) for i in nci)
    words = np.frombuffer(query_features(query), dtype=np.uint64)
    kept = set(candidates(array, words).tolist()) & set(nci)
    assert hits < len(kept) < hits + len(nci) // 100


@pytest.mark.parametrize(
    ("smarts", "facts"),
    [
        ("[r5;#7]", AtomFacts(7, None, 5)),
        ("[n;H1]", AtomFacts(7, True, None)),
        ("[#6;!R]", AtomFacts(6, None, 0)),
        ("[N,n]", AtomFacts(7, None, None)),
        ("[C,N]", AtomFacts(None, False, None)),
        ("[!#6]", AtomFacts()),
        ("[!n]", AtomFacts()),
        ("[!a;#7]", AtomFacts(7, False, None)),
        ("[$(C=O)]", AtomFacts()),
        ("*", AtomFacts()),
    ],
)
def test_atom_facts(smarts, facts):
    assert atom_facts(Chem.MolFromSmarts(smarts).GetAtomWithIdx(0)) == facts


@pytest.mark.parametrize(
    ("smarts", "kind"),
    [
        ("CN", BondClass.SINGLE_OR_AROMATIC),
        ("C:N", BondClass.SINGLE_OR_AROMATIC),
        ("C-,:N", BondClass.SINGLE_OR_AROMATIC),
        ("C=N", BondClass.DOUBLE),
        ("C-!@N", BondClass.SINGLE_OR_AROMATIC),
        ("C=,#N", None),
        ("C~N", None),
        ("C!-N", None),
        ("C@N", None),
    ],
)
def test_bond_classes(smarts, kind):
    assert bond_class(Chem.MolFromSmarts(smarts).GetBondWithIdx(0)) == kind
