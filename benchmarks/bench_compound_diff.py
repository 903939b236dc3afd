"""Compound diff of two versions of a 10,000-compound file built from NCI data.

Moiety's diff (standardized InChIKey identity) cold and with the old version already seen,
against what a user might write by hand: compare canonical-SMILES sets without standardization.
Correctness is checked against what the second version was built to contain.

Run: .venv/bin/python benchmarks/bench_compound_diff.py [--quick]
"""

import argparse
import csv
import io
import os
import platform
import random
import time
from pathlib import Path

from rdkit import Chem, RDConfig, rdBase

from moiety.core.chem import Identifier, Standardizer, diff_compounds, read_compounds


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    versions = f"Python {platform.python_version()}, RDKit {rdBase.rdkitVersion}"
    return f"{model}, {os.cpu_count()} cores, {versions}"


def structures(count: int) -> list[str]:
    """Distinct compounds (by standardized identity): NCI structures, then their homologues."""
    standardizer = Standardizer()
    lines = (Path(RDConfig.RDDataDir) / "NCI/first_5K.smi").read_text().splitlines()
    found, seen = [], set()
    with rdBase.BlockLogs():
        for prefix in ("", "C", "CC", "CCC"):
            for line in lines:
                mol = Chem.MolFromSmiles(prefix + line.split()[0])
                if mol is None or len(Chem.GetMolFrags(mol)) > 1 or Chem.GetFormalCharge(mol):
                    continue
                key = standardizer.key(mol)
                if key and key not in seen:
                    seen.add(key)
                    found.append(Chem.MolToSmiles(mol))
                if len(found) == count:
                    return found
    raise SystemExit("not enough distinct structures")


def as_csv(rows: list[tuple[str, str, float]]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(["compound_id", "smiles", "pIC50"])
    writer.writerows(rows)
    return stream.getvalue().encode()


def versions(count: int, rng: random.Random):
    """Two versions and the truth: ids added, removed and changed."""
    pool = structures(count + count // 20)
    base, extra = pool[:count], pool[count:]
    old = [(f"NCI-{i}", smiles, round(rng.uniform(4, 9), 2)) for i, smiles in enumerate(base)]
    step = count // 10
    removed = {row[0] for row in old[: step // 3]}
    new = [row for row in old if row[0] not in removed]
    changed = set()
    for index in range(len(new)):
        name, smiles, value = new[index]
        mol = Chem.MolFromSmiles(smiles)
        if index % 10 == 1:
            smiles = Chem.MolToSmiles(mol, doRandom=True)
        elif index % 10 == 2:
            smiles += ".Cl"
        elif index % 10 == 3:
            smiles += ".[Na+].[Cl-]"
        elif index % 50 == 4:
            value, changed = value + 1, changed | {name}
        new[index] = (name, smiles, value)
    added = [(f"NEW-{i}", smiles, 6.0) for i, smiles in enumerate(extra)]
    new += added
    rng.shuffle(new)
    truth = ({row[0] for row in added}, removed, changed)
    return as_csv(old), as_csv(new), truth


def naive_diff(old: bytes, new: bytes):
    """By hand: canonical SMILES as the identity, no standardization."""

    def table(data):
        rows = csv.DictReader(io.StringIO(data.decode()))
        with rdBase.BlockLogs():
            return {Chem.MolToSmiles(Chem.MolFromSmiles(r["smiles"])): r for r in rows}

    before, after = table(old), table(new)
    added = {after[k]["compound_id"] for k in after.keys() - before.keys()}
    removed = {before[k]["compound_id"] for k in before.keys() - after.keys()}
    changed = {
        after[k]["compound_id"]
        for k in after.keys() & before.keys()
        if after[k]["pIC50"] != before[k]["pIC50"]
    }
    return added, removed, changed


def moiety_diff(old: bytes, new: bytes, identifier: Identifier):
    diff = diff_compounds(
        read_compounds(old, "egfr.csv", identifier=identifier),
        read_compounds(new, "egfr.csv", identifier=identifier),
    )
    return (
        {c.name for c in diff.added},
        {c.name for c in diff.removed},
        {c.new.name for c in diff.changed},
    )


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def wrong(result, truth) -> str:
    counts = [len(got ^ want) for got, want in zip(result, truth, strict=True)]
    return "exact" if not any(counts) else f"{sum(counts)} wrong (+/-/~: {counts})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,000 compounds (under a minute)")
    count = 2_000 if parser.parse_args().quick else 10_000
    old, new, truth = versions(count, random.Random(7))
    rows = []
    rows.append(("naive: canonical SMILES sets", *timed(naive_diff, old, new)))
    rows.append(("Moiety, cold (nothing seen before)", *timed(moiety_diff, old, new, Identifier())))
    warm = Identifier()
    read_compounds(old, "egfr.csv", identifier=warm)
    rows.append(("Moiety, old version seen before", *timed(moiety_diff, old, new, warm)))

    base = rows[0][1]
    print(f"Compound diff of two {count:,}-compound CSV versions built from NCI data")
    print(
        f"(truth: +{len(truth[0])} \N{MINUS SIGN}{len(truth[1])} ~{len(truth[2])}; of the kept "
        "records 10% re-drawn, 10% hydrochlorides, 10% with NaCl; file shuffled)\n"
    )
    print(f"Machine: {machine()}\n")
    print("| method | time s | vs naive | + | \N{MINUS SIGN} | ~ | correctness |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, seconds, result in rows:
        sizes = " | ".join(str(len(part)) for part in result)
        print(
            f"| {name} | {seconds:.2f} | {seconds / base:.2f}x | {sizes} | {wrong(result, truth)} |"
        )


if __name__ == "__main__":
    main()
