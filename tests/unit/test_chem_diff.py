"""Compound diff between two versions of a compound file, built from the EGFR and CDK2 sets."""

import io
from pathlib import Path

from rdkit import Chem, RDConfig
from rdkit.Chem.MolStandardize import rdMolStandardize

from moiety.core.chem import diff_compounds, highlights, read_compounds

CONTRIB = Path(RDConfig.RDContribDir)
EGFR = CONTRIB / "PBF/testData/egfr.sdf"
CDK2 = CONTRIB / "Fastcluster/testdata/cdk2.sdf"
ENERGY = "r_mmffld_Potential_Energy-OPLS_2005"


def reference_key(mol):
    parent = rdMolStandardize.Uncharger(canonicalOrder=True).uncharge(
        rdMolStandardize.FragmentParent(mol)
    )
    return Chem.MolToInchiKey(parent)


def write_sdf(mols):
    stream = io.StringIO()
    with Chem.SDWriter(stream) as writer:
        for mol in mols:
            writer.write(mol)
    return stream.getvalue().encode()


def salt_form(mol):
    """The hydrochloride of ``mol``, with the same name and data items."""
    salt = Chem.CombineMols(mol, Chem.MolFromSmiles("Cl"))
    for name in mol.GetPropNames(includePrivate=True):
        salt.SetProp(name, mol.GetProp(name))
    return salt


def test_egfr_versions_give_exactly_the_expected_sets():
    egfr = list(Chem.SDMolSupplier(str(EGFR)))
    keys = [reference_key(mol) for mol in egfr]
    unique = [i for i, key in enumerate(keys) if keys.count(key) == 1]
    cdk2 = [m for m in Chem.SDMolSupplier(str(CDK2)) if reference_key(m) not in set(keys)]
    removed, salted, edited = unique[:3], unique[10], unique[20]
    new_mols = [mol for i, mol in enumerate(egfr) if i not in removed]
    new_mols = [salt_form(m) if m is egfr[salted] else m for m in new_mols]
    egfr[edited].SetProp(ENERGY, "-12.5")
    added = cdk2[:4]
    new_mols = list(reversed(new_mols + added))

    old = read_compounds(EGFR.read_bytes(), "data/egfr.sdf")
    new = read_compounds(write_sdf(new_mols), "data/egfr.sdf")
    diff = diff_compounds(old, new)

    assert [c.key for c in diff.added] == [reference_key(m) for m in reversed(added)]
    assert [c.key for c in diff.removed] == [keys[i] for i in removed]
    assert [c.name for c in diff.removed] == [egfr[i].GetProp("_Name") for i in removed]
    assert [c.key for c in diff.changed] == [keys[edited]]
    change = diff.changed[0]
    assert change.properties == {
        ENERGY: {"old": float(Chem.SDMolSupplier(str(EGFR))[edited].GetProp(ENERGY)), "new": -12.5}
    }
    assert change.name is None
    assert diff.added[0].properties["id"] == added[-1].GetProp("id")
    assert diff.summary("data/egfr.sdf") == "+4 \N{MINUS SIGN}3 ~1 in data/egfr.sdf"
    assert set(diff.duplicates.get("old", {})) == {k for k in keys if keys.count(k) > 1}
    assert diff.errors == {}
    as_dict = diff.to_dict()
    assert as_dict["changed"][0]["changes"]["properties"][ENERGY]["new"] == -12.5


def chembl_csv(rows):
    lines = ["compound_id,smiles,pIC50"] + [",".join(row) for row in rows]
    return "\n".join(lines).encode()


def chembl_rows():
    folder = CONTRIB / "FreeWilson/data"
    activity = dict(
        line.split(",") for line in (folder / "CHEMBL2321810_act.csv").read_text().split()[1:]
    )
    return [
        (name, smiles, activity[name])
        for smiles, name in (
            line.split() for line in (folder / "CHEMBL2321810.smi").read_text().splitlines()
        )
    ]


def test_redrawn_reordered_csv_is_not_a_change_but_a_new_pic50_is():
    rows = chembl_rows()
    redrawn = [
        (name, Chem.MolToSmiles(Chem.MolFromSmiles(smiles), doRandom=True), pic50)
        for name, smiles, pic50 in rows
    ]
    redrawn[7] = (redrawn[7][0], redrawn[7][1], "9.1")
    redrawn[8] = ("renamed", redrawn[8][1], redrawn[8][2])
    old = read_compounds(chembl_csv(rows), "act.csv")
    new = read_compounds(chembl_csv(list(reversed(redrawn))), "act.csv")
    diff = diff_compounds(old, new)
    assert diff.added == []
    assert diff.removed == []
    assert [(c.new.name, c.properties, c.name) for c in diff.changed] == [
        ("renamed", {}, {"old": rows[8][0], "new": "renamed"}),
        (rows[7][0], {"pIC50": {"old": float(rows[7][2]), "new": 9.1}}, None),
    ]
    assert highlights(diff, 1)[0]["name"] == rows[7][0]


def test_duplicates_are_one_compound_with_merged_properties():
    old = read_compounds(b"smiles,name,pIC50\nCCO,a,5\nc1ccccc1,b,6\n", "x.csv")
    new = read_compounds(b"smiles,name,pIC50\nCCO,a,5\nOCC.Cl,a2,5.5\nc1ccccc1,b,6\n", "x.csv")
    diff = diff_compounds(old, new)
    assert (diff.added, diff.removed) == ([], [])
    assert [c.properties for c in diff.changed] == [{"pIC50": {"old": 5, "new": [5, 5.5]}}]
    key = diff.changed[0].key
    assert diff.duplicates == {"new": {key: [1, 2]}}


def test_highlights_rule_and_errors():
    old = read_compounds(b"smiles,name,v\nCCO,a,1\nCCN,b,1\nCCC,c,1\nCCCl,d,x\n", "x.csv")
    new = read_compounds(
        b"smiles,name,v\nC1CC,bad,1\nCCN,b,4\nCCC,c,2\nCCCl,d,y\nc1ccccc1,e,1\n", "x.csv"
    )
    diff = diff_compounds(old, new)
    picked = [(h["status"], h["name"]) for h in highlights(diff, 5)]
    assert picked == [
        ("added", "e"),
        ("changed", "b"),
        ("changed", "c"),
        ("changed", "d"),
        ("removed", "a"),
    ]
    assert [(h["status"], h["name"]) for h in highlights(diff, 2)] == picked[:2]
    assert diff.errors["new"][0]["record"] == 1
    assert "unclosed ring" in diff.errors["new"][0]["reason"]
