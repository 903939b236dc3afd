"""Events recorded per second by one writer, each in its own transaction, as the service does.

Side by side, on SQLite (WAL) and PostgreSQL: Moiety's ``record_event`` (validation, the event
with its folder, tag and mention rows, a savepoint when there is an idempotency key, and on
PostgreSQL the lock that keeps commits in id order), with a new key, with a repeated key
(answered from the existing row), and what one would write instead: ``session.add`` of the
event with its tag and mention through the ORM's unit of work, and of the event row alone.

    .venv/bin/python benchmarks/bench_write_rate.py [--quick] [--events N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import delete
from sqlalchemy.engine import make_url

from moiety.core.events import record_event
from moiety.core.projects import create_project
from moiety.service.storage import Storage
from moiety.store import Database, Event, EventMention, EventTag, Project, upgrade

PROJECT = "bench"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, load {load}"


def fields(i: int) -> dict:
    return {
        "kind": "file.saved",
        "project": PROJECT,
        "actor": f"user{i % 20:02d}",
        "summary": f"saved notebooks/n{i % 50}.ipynb",
        "path": f"notebooks/n{i % 50}.ipynb",
        "data": {"count": i % 7 + 1},
    }


def moiety(db: Database, n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        with db.session.begin() as session:
            record_event(session, tags=["potency"], mentions=["ana"], **fields(i))


def moiety_keyed(db: Database, n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        with db.session.begin() as session:
            record_event(session, tags=["potency"], mentions=["ana"], key=f"k{i}", **fields(i))


def moiety_repeated_key(db: Database, n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        with db.session.begin() as session:
            record_event(session, tags=["potency"], mentions=["ana"], key="k0", **fields(i))


def orm_unit_of_work(db: Database, n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        with db.session.begin() as session:
            tags = [EventTag(tag="potency", position=0)]
            mentions = [EventMention(name="ana", position=0)]
            session.add(Event(**fields(i), tags=tags, mentions=mentions))


def orm_event_only(db: Database, n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        with db.session.begin() as session:
            session.add(Event(**fields(i)))


BASELINE = "ORM session.add, same rows (baseline)"
CONCURRENT = 32


def _record(session, *, published, i: int) -> None:
    record_event(session, **fields(i), tags=["bench"], mentions=["alice"])


def service_writer(db: Database, n: int, offset: int) -> None:
    """The service's own writer (``moiety.service.storage``) with 32 requests writing at once:
    one writer thread, one transaction per event, handed over from the event loop."""

    async def run():
        storage = Storage(db.url.render_as_string(hide_password=False))
        gate = asyncio.Semaphore(CONCURRENT)

        async def one(i):
            async with gate:
                await storage.write(_record, i=i)

        try:
            await asyncio.gather(*(one(i) for i in range(offset, offset + n)))
        finally:
            storage.close()

    asyncio.run(run())


CASES = [
    ("record_event (path, tag, mention)", moiety),
    ("record_event with a new key", moiety_keyed),
    ("record_event, key seen before", moiety_repeated_key),
    (BASELINE, orm_unit_of_work),
    ("ORM session.add, event row only", orm_event_only),
    (f"service writer, {CONCURRENT} requests at once", service_writer),
]
ROUNDS = 10


def rates(db: Database, n: int) -> dict[str, float]:
    """Median rate per case over rounds that take turns, so drift in load hits all alike."""
    with db.session.begin() as session:
        create_project(session, slug=PROJECT, title="Bench", teams=["bench"], created_by="a")
    moiety_keyed(db, 1, 0)
    samples: dict[str, list[float]] = {label: [] for label, _ in CASES}
    offset = 1
    per_round = max(1, n // ROUNDS)
    for _ in range(ROUNDS):
        for label, case in CASES:
            start = time.perf_counter()
            case(db, per_round, offset)
            samples[label].append(per_round / (time.perf_counter() - start))
            offset += per_round
    return {label: statistics.median(values) for label, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 events per case")
    parser.add_argument("--events", type=int, help="events per case (default 3,000)")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/", help="server URL"
    )
    args = parser.parse_args()
    n = args.events or (500 if args.quick else 3000)

    results = {}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.sqlite"
        upgrade(path)
        with Database(path) as db:
            results[f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"] = rates(db, n)

    server = make_url(args.postgres)
    admin = server.set(drivername="postgresql", database="postgres")
    name = f"moiety_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        # synchronous_commit=off: a commit no longer waits for its WAL flush (a crash may lose
        # the last moments of events, never corrupt): shows what the disk's fsync costs.
        for options in ({}, {"connect_args": {"options": "-c synchronous_commit=off"}}):
            with Database(url, **options) as db:
                with db.engine.connect() as connection:
                    show = connection.exec_driver_sql
                    version = show("SHOW server_version").scalar().split()[0]
                    sync = show("SHOW synchronous_commit").scalar()
                with db.session.begin() as session:
                    session.execute(delete(Project).where(Project.slug == PROJECT))
                results[f"PostgreSQL {version} (synchronous_commit={sync})"] = rates(db, n)
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(f"\n### Events recorded per second, one writer, one transaction per event ({n:,} each)\n")
    print(f"Machine: {machine()}.\n")
    print("| database | case | events/s (median of rounds) | vs ORM baseline |")
    print("|---|---|---:|---:|")
    for backend, by_case in results.items():
        baseline = by_case[BASELINE]
        for label, rate in by_case.items():
            print(f"| {backend} | {label} | {rate:,.0f} | {rate / baseline:.2f}x |")


if __name__ == "__main__":
    main()
