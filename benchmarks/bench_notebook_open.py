"""Opening a 100-cell notebook with outputs in JupyterLab, with the Moiety extension and without.

Starts the demo hub (as ``make demo`` does) in a temporary directory, opens the ``egfr-sar``
project server (where the extension does the most: comment badges, History and Comments
panels, presence), puts a 100-cell notebook with outputs (text, HTML tables, PNG plots) into
it with a few comment threads, and loads JupyterLab on that notebook in Debian's Chromium,
alternating between:

- ``moiety``: JupyterLab as served;
- ``disabled``: the same page with ``moiety`` in JupyterLab's ``disabledExtensions`` page
  config (the page's ``jupyter-config-data``, rewritten in the browser as the page is parsed,
  before JupyterLab reads it), so none of its plugins activate;
- ``absent`` (``--absent``): the extension removed from the page's federated extensions, so
  not even its entry point is downloaded.

A load is timed from navigation start until JupyterLab has restored its layout (the splash is
gone), the notebook's model holds its 100 cells (the status bar says "Cell 1/100") and the
cells on screen show their outputs (the first cell's table and plot are in the page; the
notebook is windowed, so cells far below are rendered when scrolled to). Chrome's own counters
of main-thread busy time and JavaScript time are reported too: on a busy machine they vary
less than wall time. Each load uses a fresh workspace (no restored layout) in the same browser
context, so the HTTP cache is warm for every mode alike. The target is ``moiety`` /
``disabled`` <= 1.05 on medians.

It also lists the extension's files the browser fetched during a ``moiety`` load: the startup
path (entry point, plugins, styles) and the chunks loaded when the notebook opened.

    .venv/bin/python benchmarks/bench_notebook_open.py [--runs 8] [--absent]
"""

from __future__ import annotations

import argparse
import base64
import json
import platform
import re
import statistics
import struct
import sys
import tempfile
import zlib
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from moiety_testing.browser import CHROMIUM_FLAGS, chromium_path
from moiety_testing.hub import PASSWORD, service_client, start_hub, stop_hub
from moiety_testing.projects import ProjectClient, open_project

NOTEBOOK = "bench/notebook-100.ipynb"
CELLS = 100
STATIC = Path(__file__).resolve().parents[1] / "extensions" / "moiety" / "labextension" / "static"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def png(width: int, height: int, seed: int) -> str:
    """A small plot-like PNG (a gradient with a diagonal), base64, made without libraries."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            on_line = abs((x * height) // width - y) < 2
            shade = (x * 255 // width + seed * 37) % 256
            row += bytes((30, 30, 30) if on_line else (shade, 200, 255 - shade))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw)
    return base64.b64encode(data + chunk(b"IEND", b"")).decode()


def table_html(i: int) -> str:
    rows = "".join(
        f"<tr><th>{r}</th><td>CHEMBL{1000 + i * 10 + r}</td>"
        f"<td>{6 + (r * 7 % 30) / 10:.1f}</td></tr>"
        for r in range(10)
    )
    return (
        '<table class="dataframe"><thead><tr><th></th><th>id</th><th>pIC50</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def notebook() -> dict:
    """100 code cells, each with outputs: text, every 5th an HTML table, every 10th a PNG."""
    cells = []
    for i in range(CELLS):
        outputs = [
            {"output_type": "stream", "name": "stdout", "text": f"compound batch {i}: 10 rows\n"}
        ]
        if i % 5 == 0:
            outputs.append(
                {
                    "output_type": "execute_result",
                    "execution_count": i + 1,
                    "metadata": {},
                    "data": {"text/html": table_html(i), "text/plain": f"<table {i}>"},
                }
            )
        if i % 10 == 0:
            outputs.append(
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": png(160, 100, i), "text/plain": "<Figure>"},
                }
            )
        cells.append(
            {
                "cell_type": "code",
                "id": f"bench-{i:03d}",
                "execution_count": i + 1,
                "metadata": {},
                "source": f"batch = load_batch({i})\nsummary(batch)  # cell {i}",
                "outputs": outputs,
            }
        )
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


PAGE_CONFIG = """(mode => {
  // Rewrite JupyterLab's page config (the jupyter-config-data script) as the parser inserts
  // it, before JupyterLab's own scripts read it.
  const rewrite = node => {
    const config = JSON.parse(node.textContent);
    if (mode === 'disabled') {
      config.disabledExtensions = [...(config.disabledExtensions || []), 'moiety'];
    } else if (mode === 'absent') {
      config.federated_extensions = config.federated_extensions.filter(
        e => e.name !== 'moiety');
    }
    node.textContent = JSON.stringify(config);
    node.dataset.moietyBench = mode;
  };
  new MutationObserver((records, observer) => {
    const node = document.getElementById('jupyter-config-data');
    if (node && !node.dataset.moietyBench) {
      rewrite(node);
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
})"""


OPENED = f"""() => {{
  if (document.getElementById('jupyterlab-splash')) return false;
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!notebook) return false;
  const first = notebook.querySelector('.jp-Cell .jp-OutputArea-output img, .jp-Cell table');
  const count = Array.from(document.querySelectorAll('#jp-main-statusbar *')).some(
    e => e.childElementCount === 0 && /Cell \\d+\\/{CELLS}$/.test(e.textContent.trim()));
  return first !== null && count;
}}"""


def load(context, url: str, mode: str, run: int, fetched: list | None = None) -> dict:
    """One timed load: wall time, and the main thread's busy time (Chrome's metrics)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    if mode != "moiety":
        page.add_init_script(f"{PAGE_CONFIG}({json.dumps(mode)})")
    if fetched is not None:
        page.on(
            "response",
            lambda r: fetched.append(r.url) if "/lab/extensions/moiety/" in r.url else None,
        )
    page.goto(f"{url}lab/workspaces/bench-{mode}-{run}/tree/{NOTEBOOK}")
    try:
        page.wait_for_function(OPENED, timeout=120_000, polling="raf")
    except Exception:
        page.screenshot(path=f"bench-open-{mode}-{run}.png")
        status = page.locator("#jp-main-statusbar").inner_text()
        raise RuntimeError(f"{mode} load {run} did not open; status bar: {status!r}") from None
    elapsed = page.evaluate("() => performance.now()")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    if mode == "moiety":
        # The extension is really there: the Comments tab and a cell badge.
        page.get_by_role("tab", name="Comments").wait_for()
        page.locator(".jp-MoietyCellBadge").first.wait_for()
    else:
        assert page.locator("#jupyter-config-data").get_attribute("data-moiety-bench") == mode
        assert page.locator("#moiety-activity").count() == 0
    page.close()
    return {
        "wall": elapsed / 1000,
        "task": metrics["TaskDuration"],
        "script": metrics["ScriptDuration"],
    }


def bundle_report(fetched: list[str]) -> None:
    names = sorted({u.split("/static/")[-1].split("?")[0] for u in fetched if "/static/" in u})
    entry = next(STATIC.glob("remoteEntry.*.js")).read_text()
    exposed = re.findall(r'"\./(?:index|extension|style)":\(\)=>(.{0,200})', entry)
    startup_ids = {m for chunk in exposed for m in re.findall(r"n\.e\((\d+)\)", chunk)}
    startup = [p for p in STATIC.glob("*.js") if p.name.startswith("remoteEntry.")] + [
        p for p in STATIC.glob("*.js") if p.name.split(".")[0] in startup_ids
    ]
    total = sum(p.stat().st_size for p in STATIC.glob("*.js"))
    start_size = sum(p.stat().st_size for p in startup)
    print("\nBundle (production build, extensions/moiety/labextension/static):")
    print(f"  all JavaScript: {total / 1024:.1f} KiB in {len(list(STATIC.glob('*.js')))} files")
    print(f"  startup path (entry, plugins, styles): {start_size / 1024:.1f} KiB:")
    for p in sorted(startup, key=lambda p: p.name):
        print(f"    {p.name:36} {p.stat().st_size / 1024:7.1f} KiB")
    lazy = [n for n in names if not any(n == p.name for p in startup)]
    size = sum((STATIC / n).stat().st_size for n in lazy if (STATIC / n).exists())
    print(f"  fetched while the notebook opened (lazy): {size / 1024:.1f} KiB: {', '.join(lazy)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=8, help="timed loads per mode")
    parser.add_argument("--absent", action="store_true", help="also time without the bundle")
    parser.add_argument("--quick", action="store_true", help="3 timed loads per mode")
    args = parser.parse_args()
    if args.quick:
        args.runs = 3
    modes = ["moiety", "disabled"] + (["absent"] if args.absent else [])

    with tempfile.TemporaryDirectory(prefix="moiety-bench-open-") as tmp:
        hub = start_hub(Path(tmp))
        try:
            url = open_project(hub, "egfr-sar", "alice")
            client = ProjectClient(hub, url, "alice")
            r = client.put("api/contents/bench", json={"type": "directory"})
            assert r.status_code in (200, 201), r.text
            client.put_notebook(NOTEBOOK, notebook())
            for i in range(0, CELLS, 20):
                r = service_client(hub, "alice").post(
                    "threads",
                    json={
                        "project": "egfr-sar",
                        "path": NOTEBOOK,
                        "anchor": {"cell_id": f"bench-{i:03d}"},
                        "body": f"Is batch {i} normalised, @bob?",
                    },
                )
                assert r.status_code == 201, r.text

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                page.goto(f"{hub.url}/hub/login")
                page.fill("input[name=username]", "alice")
                page.fill("input[name=password]", PASSWORD)
                page.click("#login_submit")
                page.wait_for_url("**/hub/**")
                page.close()

                fetched: list[str] = []
                for mode in modes:  # warm-up: caches, kernel specs, the collaboration room
                    load(context, url, mode, 0, fetched if mode == "moiety" else None)
                times = {mode: [] for mode in modes}
                for run in range(1, args.runs + 1):
                    order = modes if run % 2 else list(reversed(modes))
                    for mode in order:
                        times[mode].append(load(context, url, mode, run))
                browser.close()
        finally:
            stop_hub(hub)

    print(f"Opening a {CELLS}-cell notebook with outputs in the egfr-sar project server")
    print(f"CPU: {cpu_model()}, {args.runs} timed loads per mode (alternating), 1 warm-up each")
    for key, what in (
        ("wall", "time to open (navigation start to notebook shown)"),
        ("task", "main-thread busy time (Chrome TaskDuration)"),
        ("script", "JavaScript time (Chrome ScriptDuration)"),
    ):
        print(what)
        base = statistics.median(t[key] for t in times["disabled"])
        for mode in modes:
            values = [t[key] for t in times[mode]]
            median = statistics.median(values)
            print(
                f"  {mode:9} median {median:6.3f} s  mean {statistics.mean(values):6.3f} s  "
                f"min {min(values):6.3f} s  max {max(values):6.3f} s  "
                f"ratio to disabled {median / base:5.3f}"
            )
    wall = [statistics.median(t["wall"] for t in times[m]) for m in ("moiety", "disabled")]
    print(f"moiety / disabled, time to open (medians): {wall[0] / wall[1]:.3f} (target <= 1.05)")
    bundle_report(fetched)


if __name__ == "__main__":
    main()
