"""Depiction per molecule over the NCI set: Moiety (cold, cached, worker pool) vs plain RDKit.

The service's path is measured as ``GET /api/depict`` runs it, minus HTTP: a cache lookup, then
on a miss ``DepictionPool.draw`` (parse, canonicalize and draw in a worker process, awaited on
an asyncio loop) and ``DepictionCache.put``; then the same requests again, all cache hits.

Run: .venv/bin/python benchmarks/bench_depict.py [--quick]
"""

import argparse
import asyncio
import os
import platform
import statistics
import time
from pathlib import Path

from rdkit import Chem, RDConfig, rdBase
from rdkit.Chem.Draw import rdMolDraw2D

from moiety.core.chem import Depicter, DepictionCache, DepictionPool


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


def plain_rdkit(smiles: str) -> str:
    """What a user writes by hand: parse, draw 300x300, take the SVG."""
    drawer = rdMolDraw2D.MolDraw2DSVG(300, 300)
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, Chem.MolFromSmiles(smiles))
    drawer.FinishDrawing()
    return drawer.GetDrawingText()


def timings(function, inputs) -> list[float]:
    times = []
    for item in inputs:
        start = time.perf_counter()
        function(item)
        times.append((time.perf_counter() - start) * 1000)
    return times


async def service_timings(pool: DepictionPool, cache: DepictionCache, inputs) -> list[float]:
    """Per request, as the handler does it: cache lookup, else draw in a worker and cache."""
    times = []
    for smiles in inputs:
        start = time.perf_counter()
        svg = cache.get(smiles, 300, 300)
        if svg is None:
            canonical, drawn = await pool.draw(smiles, 300, 300)
            cache.put(smiles, 300, 300, canonical, drawn)
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="500 molecules (under a minute)")
    quick = parser.parse_args().quick
    lines = (Path(RDConfig.RDDataDir) / "NCI/first_5K.smi").read_text().splitlines()
    with rdBase.BlockLogs():
        smiles = [s for s in (line.split()[0] for line in lines) if Chem.MolFromSmiles(s)]
    smiles = smiles[:500] if quick else smiles
    pool_inputs = smiles[:200]

    rows = {"plain RDKit (parse + draw, by hand)": timings(plain_rdkit, smiles)}
    depicter = Depicter(cache_size=len(smiles) + 1)
    rows["Moiety Depicter, cold (parse, canonical key, draw)"] = timings(depicter.depict, smiles)
    rows["Moiety Depicter, cached"] = timings(depicter.depict, smiles)
    with DepictionPool(workers=2) as pool:
        pool.render("C")
        pooled = Depicter(render=pool.render)
        rows["Moiety Depicter through DepictionPool, cold"] = timings(pooled.depict, pool_inputs)
    with DepictionPool(workers=2) as pool:
        pool.start()
        cache = DepictionCache(size=len(smiles) + 1)
        service = asyncio.run(service_timings(pool, cache, pool_inputs))
        rows["service path (GET /api/depict minus HTTP), cold: drawn in a worker"] = service
        hits = asyncio.run(service_timings(pool, cache, pool_inputs))
        rows["service path, cache hit"] = hits

    base = statistics.median(rows["plain RDKit (parse + draw, by hand)"])
    print(f"Depiction, 300x300 SVG, NCI molecules ({len(smiles)}; pool: {len(pool_inputs)})\n")
    print(f"Machine: {machine()}\n")
    print("| method | p50 ms | p95 ms | p50 vs plain RDKit |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in rows.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.3f} | {p95(values):.3f} | {median / base:.2f}x |")


if __name__ == "__main__":
    main()
