"""Live fan-out: one event to many open feed streams through the hub's proxy.

Starts the demo hub (as ``make demo`` does) in a temporary directory, opens N Server-Sent Event
streams to ``/services/moiety/api/feed/stream`` through configurable-http-proxy, posts events and
times their arrival at every stream. Side by side, the same clients polling ``GET /feed`` (what
one would do without a stream): the latency a polling interval implies and what one polling
round costs the service.

    .venv/bin/python benchmarks/bench_fanout.py [--streams 1000] [--events 20] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from moiety_testing.hub import processes_of, start_hub, stop_hub


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pid_of(hub, needle: bytes) -> int:
    for pid in processes_of(hub.data_dir):
        if needle in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise RuntimeError(f"no process {needle!r}")


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


async def open_stream(session, url, headers, arrivals, ready):
    async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=None)) as r:
        assert r.status == 200, r.status
        ready.release()
        async for raw in r.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("data: "):
                event = json.loads(line[6:])
                arrivals.setdefault(event["id"], []).append(time.perf_counter())


async def run(hub, tokens, streams: int, events: int):
    base = f"{hub.url}/services/moiety/api/"
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        arrivals: dict[int, list[float]] = {}
        ready = asyncio.Semaphore(0)
        service_pid = pid_of(hub, b"moiety.service")
        proxy_pid = pid_of(hub, b"configurable-http-proxy")
        before = rss_kib(service_pid), rss_kib(proxy_pid)
        tasks = [
            asyncio.create_task(
                open_stream(
                    session,
                    base + "feed/stream",
                    {"Authorization": f"token {tokens[i % len(tokens)]}"},
                    arrivals,
                    ready,
                )
            )
            for i in range(streams)
        ]
        for _ in range(streams):
            await ready.acquire()
        await asyncio.sleep(1)
        after = rss_kib(service_pid), rss_kib(proxy_pid)
        latencies = []
        poster = {"Authorization": f"token {tokens[0]}"}
        for i in range(events):
            sent = time.perf_counter()
            async with session.post(
                base + "posts", json={"project": "egfr-sar", "body": f"fan-out {i}"}, headers=poster
            ) as r:
                event_id = (await r.json())["id"]
            deadline = time.monotonic() + 30
            while len(arrivals.get(event_id, [])) < streams and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            got = arrivals.get(event_id, [])
            if len(got) < streams:
                raise RuntimeError(f"only {len(got)} of {streams} streams got event {event_id}")
            latencies += [(t - sent) * 1000 for t in got]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

        # Polling instead: one round of every client asking GET /feed?limit=1.
        async def poll(i):
            headers = {"Authorization": f"token {tokens[i % len(tokens)]}"}
            async with session.get(base + "feed", params={"limit": "1"}, headers=headers) as r:
                await r.read()
                return r.status

        start = time.perf_counter()
        statuses = await asyncio.gather(*(poll(i) for i in range(streams)))
        poll_round = time.perf_counter() - start
        assert set(statuses) == {200}, set(statuses)
    return latencies, before, after, poll_round


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--poll-interval", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="100 streams, 5 events")
    args = parser.parse_args()
    if args.quick:
        args.streams, args.events = 100, 5
    tmp = Path(tempfile.mkdtemp(prefix="moiety-bench-fanout-"))
    hub = start_hub(tmp, {"MOIETY_DEMO_PASSWORD": "test-password"})
    try:
        tokens = [hub.token(name) for name in ("alice", "bob", "lena")]
        latencies, before, after, poll_round = asyncio.run(
            run(hub, tokens, args.streams, args.events)
        )
    finally:
        stop_hub(hub)
    p50, p95 = statistics.median(latencies), percentile(latencies, 95)
    per_stream_service = (after[0] - before[0]) / args.streams
    per_stream_proxy = (after[1] - before[1]) / args.streams
    poll_latency = args.poll_interval / 2 * 1000 + poll_round * 1000 / 2
    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}")
    print(f"{args.streams} streams through configurable-http-proxy, {args.events} events\n")
    print("| way | delivery p50 | delivery p95 | cost |")
    print("| --- | --- | --- | --- |")
    print(
        f"| live stream (SSE) | {p50:.0f} ms | {p95:.0f} ms | "
        f"{per_stream_service:.1f} KiB service + {per_stream_proxy:.1f} KiB proxy memory per "
        "stream |"
    )
    print(
        f"| polling GET /feed every {args.poll_interval:g} s | ~{poll_latency:.0f} ms (mean) | "
        f"~{args.poll_interval * 1000:.0f} ms | one round of {args.streams} polls takes "
        f"{poll_round * 1000:.0f} ms of service time, every {args.poll_interval:g} s |"
    )
    print(f"\nratio (polling mean / stream p50): {poll_latency / p50:.0f}x")


if __name__ == "__main__":
    main()
