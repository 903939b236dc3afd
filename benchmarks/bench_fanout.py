"""Live fan-out: one event to many open feed streams through the hub's proxy.

Starts the demo hub (as ``make demo`` does) in a temporary directory, opens N Server-Sent Event
streams to ``/services/moiety/api/feed/stream`` through configurable-http-proxy, posts events and
times their arrival at every stream. Side by side, the same clients polling ``GET /feed`` every
few seconds (what one would do without a stream), each from its own moment in the interval:
delivery measured the same way, from the post to the client seeing the event, and the service's
CPU while each way runs.

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


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def post_and_wait(session, base, poster, body, arrivals, clients, timeout):
    """Post an event; answer the delivery times (ms) at every client, from the post's start."""
    sent = time.perf_counter()
    async with session.post(
        base + "posts", json={"project": "egfr-sar", "body": body}, headers=poster
    ) as r:
        event_id = (await r.json())["id"]
    deadline = time.monotonic() + timeout
    while len(arrivals.get(event_id, {})) < clients and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    got = arrivals.get(event_id, {})
    if len(got) < clients:
        raise RuntimeError(f"only {len(got)} of {clients} clients got event {event_id}")
    return [(t - sent) * 1000 for t in got.values()]


async def stream_phase(session, base, tokens, streams, events, pids):
    arrivals: dict[int, dict[int, float]] = {}
    ready = asyncio.Semaphore(0)

    async def open_stream(i):
        headers = {"Authorization": f"token {tokens[i % len(tokens)]}"}
        timeout = aiohttp.ClientTimeout(total=None)
        async with session.get(base + "feed/stream", headers=headers, timeout=timeout) as r:
            assert r.status == 200, r.status
            ready.release()
            async for raw in r.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    arrivals.setdefault(event["id"], {}).setdefault(i, time.perf_counter())

    before = [rss_kib(pid) for pid in pids]
    tasks = [asyncio.create_task(open_stream(i)) for i in range(streams)]
    for _ in range(streams):
        await ready.acquire()
    await asyncio.sleep(1)
    after = [rss_kib(pid) for pid in pids]
    cpu, wall = cpu_seconds(pids[0]), time.perf_counter()
    latencies = []
    poster = {"Authorization": f"token {tokens[0]}"}
    for i in range(events):
        latencies += await post_and_wait(
            session, base, poster, f"fan-out {i}", arrivals, streams, 30
        )
    cpu_share = (cpu_seconds(pids[0]) - cpu) / (time.perf_counter() - wall)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    memory = [(a - b) / streams for a, b in zip(after, before, strict=True)]
    return latencies, memory, cpu_share


async def polling_phase(session, base, tokens, clients, events, interval, service_pid):
    """The same clients polling ``GET /feed?limit=1`` every ``interval`` seconds, each from its
    own moment (spread over the interval), as a page without a stream would."""
    arrivals: dict[int, dict[int, float]] = {}
    stop = asyncio.Event()

    async def poll(i):
        headers = {"Authorization": f"token {tokens[i % len(tokens)]}"}
        await asyncio.sleep(interval * i / clients)
        while not stop.is_set():
            async with session.get(base + "feed", params={"limit": "1"}, headers=headers) as r:
                assert r.status == 200, r.status
                items = (await r.json())["items"]
            for event in items:
                arrivals.setdefault(event["id"], {}).setdefault(i, time.perf_counter())
            await asyncio.sleep(interval)

    tasks = [asyncio.create_task(poll(i)) for i in range(clients)]
    await asyncio.sleep(interval * 1.5)
    cpu, wall = cpu_seconds(service_pid), time.perf_counter()
    latencies = []
    poster = {"Authorization": f"token {tokens[0]}"}
    for i in range(events):
        latencies += await post_and_wait(
            session, base, poster, f"polled {i}", arrivals, clients, interval * 4 + 30
        )
    cpu_share = (cpu_seconds(service_pid) - cpu) / (time.perf_counter() - wall)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return latencies, cpu_share


async def run(hub, tokens, streams: int, events: int, poll_events: int, interval: float):
    base = f"{hub.url}/services/moiety/api/"
    pids = [pid_of(hub, b"moiety.service"), pid_of(hub, b"configurable-http-proxy")]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        streamed = await stream_phase(session, base, tokens, streams, events, pids)
        polled = await polling_phase(session, base, tokens, streams, poll_events, interval, pids[0])
    return streamed, polled


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--poll-events", type=int, default=5)
    parser.add_argument("--poll-interval", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="100 clients, 5 and 3 events")
    args = parser.parse_args()
    if args.quick:
        args.streams, args.events, args.poll_events = 100, 5, 3
    tmp = Path(tempfile.mkdtemp(prefix="moiety-bench-fanout-"))
    hub = start_hub(tmp, {"MOIETY_DEMO_PASSWORD": "test-password"})
    try:
        tokens = [hub.token(name) for name in ("alice", "bob", "lena")]
        streamed, polled = asyncio.run(
            run(hub, tokens, args.streams, args.events, args.poll_events, args.poll_interval)
        )
    finally:
        stop_hub(hub)
    (latencies, memory, stream_cpu), (poll_latencies, poll_cpu) = streamed, polled
    p50, p95 = statistics.median(latencies), percentile(latencies, 95)
    q50, q95 = statistics.median(poll_latencies), percentile(poll_latencies, 95)
    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}")
    print(
        f"{args.streams} clients through configurable-http-proxy; {args.events} events streamed, "
        f"{args.poll_events} polled\n"
    )
    print("| way | delivery p50 | delivery p95 | service CPU while it runs | memory |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| live stream (SSE) | {p50:.0f} ms | {p95:.0f} ms | {stream_cpu:.0%} of a core | "
        f"{memory[0]:.1f} KiB service + {memory[1]:.1f} KiB proxy per stream |"
    )
    print(
        f"| polling GET /feed every {args.poll_interval:g} s | {q50:.0f} ms | {q95:.0f} ms | "
        f"{poll_cpu:.0%} of a core | |"
    )
    print(f"\nratios, polling / stream: p50 {q50 / p50:.0f}x, p95 {q95 / p95:.0f}x")


if __name__ == "__main__":
    main()
