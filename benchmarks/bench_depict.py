"""Depiction per molecule over the NCI set: Moiety (cold, cached, worker pool) vs plain RDKit.

Side by side in one run, over every NCI molecule RDKit parses (``--quick``: 500):

- plain RDKit by hand (parse, draw 300x300, take the SVG), in-process: the baseline;
- the service's own path, as ``GET /api/depict`` runs it minus HTTP: ``DepictionCache.depict``
  with the service's ``DepictionPool`` (canonicalize in a worker, look the structure up, draw in
  the worker, cache), cold, then the same requests again (cache hits);
- through HTTP: the demo hub started as ``make demo`` does, ``GET /services/moiety/api/depict``
  through the proxy with a token, cold and cached, for the first 1,000 molecules (``--quick``:
  200), one request at a time.

Run: .venv/bin/python benchmarks/bench_depict.py [--quick]
"""

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
from rdkit import Chem, RDConfig, rdBase
from rdkit.Chem.Draw import rdMolDraw2D

from moiety.core.chem import Depicter, DepictionCache, DepictionPool

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from moiety_testing.hub import start_hub, stop_hub


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
    """Per request, as the handler does it (``DepictionCache.depict`` with the pool)."""
    times = []
    for smiles in inputs:
        start = time.perf_counter()
        await cache.depict(pool, smiles, 300, 300, owner="bench")
        times.append((time.perf_counter() - start) * 1000)
    return times


def http_timings(inputs) -> tuple[list[float], list[float]]:
    """Cold, then cached, ``GET /api/depict`` through the demo hub's proxy, as a browser asks."""
    tmp = Path(tempfile.mkdtemp(prefix="moiety-bench-depict-"))
    hub = start_hub(tmp)
    try:
        http = requests.Session()
        http.headers["Authorization"] = f"token {hub.token('alice')}"
        url = f"{hub.url}/services/moiety/api/depict"

        def one(smiles):
            r = http.get(url, params={"smiles": smiles, "width": 300, "height": 300}, timeout=30)
            assert r.status_code == 200, (smiles, r.status_code, r.text[:200])

        one("C")  # the pool's workers are up
        return timings(one, inputs), timings(one, inputs)
    finally:
        stop_hub(hub)


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
    http_inputs = smiles[:200] if quick else smiles[:1000]

    rows = {"plain RDKit (parse + draw, by hand)": timings(plain_rdkit, smiles)}
    depicter = Depicter(cache_size=len(smiles) + 1)
    rows["Moiety Depicter, cold (parse, canonical key, draw)"] = timings(depicter.depict, smiles)
    rows["Moiety Depicter, cached"] = timings(depicter.depict, smiles)
    with DepictionPool(workers=2) as pool:
        pool.start()
        cache = DepictionCache(size=len(smiles) + 1)
        service = asyncio.run(service_timings(pool, cache, smiles))
        rows["service path (GET /api/depict minus HTTP), cold: drawn in a worker"] = service
        hits = asyncio.run(service_timings(pool, cache, smiles))
        rows["service path, cache hit"] = hits
    cold, cached = http_timings(http_inputs)
    rows[f"GET /api/depict through the hub's proxy, cold ({len(http_inputs)})"] = cold
    rows[f"GET /api/depict through the hub's proxy, cached ({len(http_inputs)})"] = cached

    base = statistics.median(rows["plain RDKit (parse + draw, by hand)"])
    print(f"Depiction, 300x300 SVG, NCI molecules ({len(smiles)}; HTTP: {len(http_inputs)})\n")
    print(f"Machine: {machine()}\n")
    print("| method | p50 ms | p95 ms | p50 vs plain RDKit |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in rows.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.3f} | {p95(values):.3f} | {median / base:.2f}x |")


if __name__ == "__main__":
    main()
