"""Compound diff of two versions of a 10,000-compound file built from NCI data.

Moiety's diff (standardized InChIKey identity) cold (nothing read before; in one process and
in worker processes), with the old version read before (as when it was committed), and warm
(both versions read before, as when snapshots index compound files: a new process reading the
identity cache on disk, then the same process again), against what a user might write by hand:
compare canonical-SMILES sets without standardization. Two changes between the versions: a
realistic one (a few hundred records) and a heavy one (a third of the file re-drawn). Correctness
is checked against what the second version was built to contain.

Run: .venv/bin/python benchmarks/bench_compound_diff.py [--quick]
"""

import argparse
import csv
import io
import os
import platform
import random
import tempfile
import time
from pathlib import Path

from rdkit import Chem, RDConfig, rdBase

from moiety.core.chem import (
    Identifier,
    Standardizer,
    diff_compounds,
    identity_workers,
    read_compounds,
)


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
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores, {versions}; load average {load} at the start"


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


def versions(count: int, rng: random.Random, scenario: str):
    """Two versions and the truth: ids added, removed and changed.

    ``realistic``: a few hundred records removed, added, with a new pIC50 or re-drawn as a
    salt form, and the file re-ordered. ``heavy``: a third of the kept records re-drawn or
    turned into salts, 5% added, 3% removed, 2% new values, shuffled.
    """
    pool = structures(count + count // 20)
    base, extra = pool[:count], pool[count:]
    old = [(f"NCI-{i}", smiles, round(rng.uniform(4, 9), 2)) for i, smiles in enumerate(base)]
    heavy = scenario == "heavy"
    removed = {row[0] for row in old[: (count // 30 if heavy else count // 50)]}
    new = [row for row in old if row[0] not in removed]
    changed = set()
    period = 10 if heavy else 100
    for index in range(len(new)):
        name, smiles, value = new[index]
        mol = Chem.MolFromSmiles(smiles)
        if index % period == 1:
            smiles = Chem.MolToSmiles(mol, doRandom=True)
        elif index % period == 2:
            smiles += ".Cl"
        elif heavy and index % 10 == 3:
            smiles += ".[Na+].[Cl-]"
        elif index % 50 == 4:
            value, changed = value + 1, changed | {name}
        new[index] = (name, smiles, value)
    added = [(f"NEW-{i}", smiles, 6.0) for i, smiles in enumerate(extra[: None if heavy else 300])]
    new += added
    if heavy:
        rng.shuffle(new)
    else:
        for _ in range(count // 20):
            i, j = rng.randrange(len(new)), rng.randrange(len(new))
            new[i], new[j] = new[j], new[i]
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


def texts_changed(old: bytes, new: bytes) -> int:
    before = {row["smiles"] for row in csv.DictReader(io.StringIO(old.decode()))}
    return sum(row["smiles"] not in before for row in csv.DictReader(io.StringIO(new.decode())))


def start_pool(workers: int) -> None:
    identity_workers.compute_parallel([("smiles", "C")] * 100, tautomers=False, workers=workers)


def scenario_rows(old: bytes, new: bytes, workers: int):
    rows = [("naive: canonical SMILES sets, no standardization", *timed(naive_diff, old, new))]
    rows.append(
        (
            "Moiety cold, one process (nothing read before)",
            *timed(moiety_diff, old, new, Identifier(workers=1)),
        )
    )
    rows.append(
        (
            f"Moiety cold, {workers} worker processes (pool already started)",
            *timed(moiety_diff, old, new, Identifier(workers=workers)),
        )
    )
    with tempfile.TemporaryDirectory() as cache:
        with Identifier(cache_dir=cache, workers=workers) as commit:
            read_compounds(old, "egfr.csv", identifier=commit)
        with Identifier(cache_dir=cache, workers=workers) as identifier:
            rows.append(
                (
                    "Moiety, old version read before (its commit), new one cold",
                    *timed(moiety_diff, old, new, identifier),
                )
            )
        with Identifier(cache_dir=cache, workers=workers) as identifier:
            rows.append(
                (
                    "Moiety warm: both versions read before (new process, SQLite cache)",
                    *timed(moiety_diff, old, new, identifier),
                )
            )
            rows.append(
                (
                    "Moiety warm, same process again (memory cache)",
                    *timed(moiety_diff, old, new, identifier),
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,000 compounds (under a minute)")
    parser.add_argument("--scenario", choices=["realistic", "heavy", "both"], default="both")
    args = parser.parse_args()
    count = 2_000 if args.quick else 10_000
    workers = os.cpu_count() or 1
    started, _ = timed(start_pool, workers)
    print(f"Compound diff of two {count:,}-compound CSV versions built from NCI data\n")
    print(f"Machine: {machine()}\n")
    print(f"Starting the {workers} identity worker processes (once per process): {started:.2f} s\n")
    scenarios = ["realistic", "heavy"] if args.scenario == "both" else [args.scenario]
    for scenario in scenarios:
        old, new, truth = versions(count, random.Random(7), scenario)
        print(
            f"**{scenario}**: truth +{len(truth[0])} \N{MINUS SIGN}{len(truth[1])} "
            f"~{len(truth[2])}; {texts_changed(old, new):,} of the new version's structure texts "
            "are not in the old one (re-drawn, salt forms, added); "
            + ("shuffled\n" if scenario == "heavy" else f"{count // 20} pairs of rows swapped\n")
        )
        rows = scenario_rows(old, new, workers)
        base = rows[0][1]
        print("| method | time s | vs naive | + | \N{MINUS SIGN} | ~ | correctness |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, seconds, result in rows:
            sizes = " | ".join(str(len(part)) for part in result)
            ratio = f"{seconds / base:.2f}x"
            print(f"| {name} | {seconds:.2f} | {ratio} | {sizes} | {wrong(result, truth)} |")
        print()


if __name__ == "__main__":
    main()
