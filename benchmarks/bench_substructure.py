"""Substructure search over the NCI set repeated to 100,000 compounds in 20 files.

Side by side in one run: Moiety's index (compact and in-memory), a plain HasSubstructMatch scan
over parsed molecules, and RDKit's SubstructLibrary (MolHolder and CachedTrustedSmilesMolHolder,
each with a PatternHolder screen). Also the index build, a one-file incremental update, and a
restart that loads the index from its cache directory.

Run: .venv/bin/python benchmarks/bench_substructure.py [--quick]
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from rdkit import Chem, RDConfig, rdBase
from rdkit.Chem import rdSubstructLibrary

from moiety.core.chem import SubstructureIndex

QUERIES = [
    ("quinazoline (selective)", "c1ccc2ncncc2c1", "smiles"),
    ("quinazoline SMARTS (selective)", "c1ccc2ncncc2c1", "smarts"),
    ("5-ring N, [r5;#7] (screen trap)", "[r5;#7]", "smarts"),
    ("C-N (common)", "CN", "smiles"),
]


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


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(function):
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def percentiles(function, repeats):
    times, result = [], None
    for _ in range(repeats):
        elapsed, result = timed(function)
        times.append(elapsed)
    return (
        statistics.median(times),
        max(times) if repeats < 20 else statistics.quantiles(times, n=20)[-1],
        result,
    )


def query_mol(text, kind):
    return Chem.MolFromSmarts(text) if kind == "smarts" else Chem.MolFromSmiles(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="4 files, 20,000 compounds")
    quick = parser.parse_args().quick
    copies, repeats = (4, 5) if quick else (20, 20)
    data = (Path(RDConfig.RDDataDir) / "NCI/first_5K.smi").read_bytes()
    files = {
        f"data/nci_{n:02d}.smi": data.replace(b"\t", f"\tF{n}-".encode()) for n in range(copies)
    }
    report = []

    cache = tempfile.TemporaryDirectory()
    before = rss_mb()
    build_ms, index = timed(lambda: _synced(files, cache.name))
    index_mb = rss_mb() - before
    report.append(("Moiety index build (parse, fingerprints, write cache)", build_ms))
    changed = dict(files)
    changed["data/nci_00.smi"] = b"\n".join(data.splitlines()[100:])
    update_ms, _ = timed(lambda: index.sync(_hashes(changed), changed.__getitem__))
    report.append(("Moiety incremental update, one 5,000-compound file changed", update_ms))
    restart_ms, _ = timed(lambda: _synced(files, cache.name))
    report.append(("Moiety restart, every file loaded from the cache", restart_ms))
    index.sync(_hashes(files), files.__getitem__)
    before = rss_mb()
    memory_ms, in_memory = timed(lambda: _synced(files, None, in_memory=True))
    memory_mb = rss_mb() - before

    with rdBase.BlockLogs():
        mols = [
            m
            for text in files.values()
            for m in (Chem.MolFromSmiles(line.split()[0]) for line in text.decode().splitlines())
            if m is not None
        ]
    before = rss_mb()
    lib_ms, library = timed(lambda: _library(mols, rdSubstructLibrary.MolHolder()))
    library_mb = rss_mb() - before
    report.append(("SubstructLibrary build (MolHolder + PatternHolder), molecules parsed", lib_ms))
    smiles_ms, lean = timed(
        lambda: _library(mols, rdSubstructLibrary.CachedTrustedSmilesMolHolder())
    )
    report.append(("SubstructLibrary build (trusted SMILES + PatternHolder)", smiles_ms))

    print(f"Substructure search over {len(mols):,} compounds in {copies} files\n")
    print(f"Machine: {machine()}\n")
    print("| step | ms |\n| --- | ---: |")
    for name, ms in report:
        print(f"| {name} | {ms:,.0f} |")
    print(
        f"\nMemory growth: Moiety compact index {index_mb:,.0f} MB, in-memory index "
        f"{memory_mb:,.0f} MB (build {memory_ms:,.0f} ms), SubstructLibrary MolHolder "
        f"{library_mb:,.0f} MB.\n"
    )
    params = Chem.SubstructMatchParameters()
    print("| query | method | hits | p50 ms | p95 ms | p50 vs SubstructLibrary (MolHolder) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for label, text, kind in QUERIES:
        q = query_mol(text, kind)
        methods = [
            (
                "SubstructLibrary (MolHolder), all",
                lambda q=q: library.GetMatches(q, params, -1, -1),
            ),
            (
                "SubstructLibrary (trusted SMILES), all",
                lambda q=q: lean.GetMatches(q, params, -1, -1),
            ),
            (
                "plain HasSubstructMatch scan, all",
                lambda q=q: [m for m in mols if m.HasSubstructMatch(q)],
            ),
            ("Moiety index, all", lambda t=text, k=kind: _all(index, t, k)),
            (
                "Moiety index, first page of 100",
                lambda t=text, k=kind: index.search(t, kind=k).items,
            ),
            ("Moiety in-memory index, all", lambda t=text, k=kind: _all(in_memory, t, k)),
        ]
        base = None
        for name, function in methods:
            runs = 3 if "scan" in name else repeats
            p50, p95, found = percentiles(function, runs)
            base = base or p50
            ratio = f"{p50 / base:.2f}x"
            print(f"| {label} | {name} | {len(found):,} | {p50:,.1f} | {p95:,.1f} | {ratio} |")
    cache.cleanup()


def _hashes(files):
    return {path: str(hash(data)) for path, data in files.items()}


def _synced(files, cache_dir, in_memory=False):
    index = SubstructureIndex(cache_dir, in_memory=in_memory)
    index.sync(_hashes(files), files.__getitem__)
    return index


def _library(mols, holder):
    screens = rdSubstructLibrary.PatternHolder()
    library = rdSubstructLibrary.SubstructLibrary(holder, screens)
    for mol in mols:
        library.AddMol(mol)
    return library


def _all(index, text, kind):
    items, cursor = [], None
    while True:
        page = index.search(text, kind=kind, limit=10_000, cursor=cursor)
        items += page.items
        if page.next is None:
            return items
        cursor = page.next


if __name__ == "__main__":
    main()
