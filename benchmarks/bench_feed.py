"""Feed page reads at scale: Moiety's keyset pages against OFFSET paging, SQLite and PostgreSQL.

Loads 1,000,000 events (``--quick``: 100,000) in 50 projects into a fresh database of each kind,
then times 50-row pages as the service reads them (``moiety.core.feed.read_feed``, one session
per page, items serialized with tags, mentions and reactions) for a caller who sees 10 of the 50
projects and one who sees all 50, on the first page and on a page 10,000 rows deep. The
comparison is the same page read with ``OFFSET``, what a feed usually starts with.

    .venv/bin/python benchmarks/bench_feed.py [--quick] [--events N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import selectinload

from moiety.core.cursors import encode_cursor
from moiety.core.event_fields import folders_of
from moiety.core.events import serialize_event
from moiety.core.feed import FeedFilter, read_feed
from moiety.core.reactions import PALETTE, summaries
from moiety.store import Database, Event, upgrade

PROJECTS = [f"project-{i:02d}" for i in range(50)]
ACTORS = [f"user{i:03d}" for i in range(200)]
KINDS = [
    ("file.saved", 50),
    ("file.created", 10),
    ("snapshot.created", 8),
    ("post.created", 10),
    ("comment.added", 8),
    ("thread.opened", 4),
    ("compounds.changed", 5),
    ("file.renamed", 2),
    ("file.deleted", 2),
    ("molecule.shared", 1),
]
TAGS = ["egfr", "cdk2", "potency", "admet", "hit-to-lead", "solubility", "selectivity", "qsar"]
FOLDERS = ["notebooks/", "notebooks/sar/", "data/", "data/assays/", "reports/", ""]
PAGE = 50
DEEP = 10_000


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


def generate(n: int, seed: int = 7):
    """Rows for events, tags, mentions and reactions, in id order."""
    rng = random.Random(seed)
    kinds, weights = zip(*KINDS, strict=True)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    events, tags, mentions, reactions, folders = [], [], [], [], []
    emojis = list(PALETTE)
    first = len(PROJECTS) + 1  # after each project's project.created
    for event_id in range(first, first + n):
        project = rng.choice(PROJECTS)
        kind = rng.choices(kinds, weights)[0]
        path = None
        if kind.startswith(("file.", "snapshot", "compounds")):
            path = f"{rng.choice(FOLDERS)}file{rng.randrange(40)}.ipynb"
        created = start + timedelta(seconds=event_id * 20)
        actor = rng.choice(ACTORS)
        events.append((event_id, kind, project, actor, created, path, f"{actor} {kind}"))
        if path:
            folders.extend((event_id, folder) for folder in folders_of(path))
        if rng.random() < 0.10:
            for position, tag in enumerate(rng.sample(TAGS, rng.randint(1, 2))):
                tags.append((event_id, tag, position))
        if rng.random() < 0.02:
            mentions.append((event_id, rng.choice(ACTORS), 0))
        if rng.random() < 0.02:
            for user in rng.sample(ACTORS, rng.randint(1, 3)):
                reactions.append((event_id, user, rng.choice(emojis), created))
    return events, tags, mentions, reactions, folders


def create_projects(db: Database) -> None:
    from moiety.core.projects import create_project

    with db.session.begin() as session:
        for slug in PROJECTS:
            create_project(session, slug=slug, title=slug, teams=["bench"], created_by="admin")


def secondary_indexes():
    from moiety.store import Base

    return [ix for table in Base.metadata.sorted_tables for ix in table.indexes]


def load_sqlite(db: Database, path: Path, rows) -> None:
    events, tags, mentions, reactions, folders = rows
    with db.engine.begin() as connection:
        for index in secondary_indexes():
            index.drop(connection)
    db.dispose()
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO events (id, kind, project, actor, created_at, path, summary, data, key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, '{}', NULL)",
        ((i, k, p, a, c.strftime(fmt), pa, s) for i, k, p, a, c, pa, s in events),
    )
    connection.executemany("INSERT INTO event_tags VALUES (?, ?, ?)", tags)
    connection.executemany("INSERT INTO event_mentions VALUES (?, ?, ?)", mentions)
    connection.executemany("INSERT INTO event_folders VALUES (?, ?)", folders)
    connection.executemany(
        "INSERT INTO reactions VALUES (?, ?, ?, ?)",
        ((e, u, m, c.strftime(fmt)) for e, u, m, c in reactions),
    )
    connection.execute("COMMIT")
    connection.close()
    with db.engine.begin() as connection:
        for index in secondary_indexes():
            index.create(connection)
    db.analyze()  # what the service does at every start (moiety.store.upgrade)


def load_postgres(db: Database, url: str, rows) -> None:
    events, tags, mentions, reactions, folders = rows
    with db.engine.begin() as connection:
        for index in secondary_indexes():
            index.drop(connection)
    db.dispose()
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        columns = "id, kind, project, actor, created_at, path, summary, data"
        with cursor.copy(f"COPY events ({columns}) FROM STDIN") as copy:
            for row in events:
                copy.write_row((*row, "{}"))
        for table, data in (
            ("event_tags", tags),
            ("event_mentions", mentions),
            ("event_folders", folders),
        ):
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        with cursor.copy("COPY reactions FROM STDIN") as copy:
            for row in reactions:
                copy.write_row(row)
        last = events[-1][0]
        cursor.execute("SELECT setval(pg_get_serial_sequence('events', 'id'), %s)", (last,))
    with db.engine.begin() as connection:
        for index in secondary_indexes():
            index.create(connection)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def offset_page(session, visible, offset: int, viewer: str) -> list[dict]:
    """The same page as ``read_feed`` would give, found with OFFSET instead of a cursor."""
    query = (
        select(Event)
        .where(Event.project.in_(sorted(visible)))
        .options(selectinload(Event.tags), selectinload(Event.mentions))
        .order_by(Event.id.desc())
        .offset(offset)
        .limit(PAGE + 1)
    )
    events = list(session.scalars(query))[:PAGE]
    reactions = summaries(session, [e.id for e in events], viewer)
    return [serialize_event(e, reactions[e.id]) for e in events]


def timed(fn, repeats: int) -> list[float]:
    fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[round(q * 100) - 1]


def measure(db: Database, repeats: int) -> tuple[list[dict], list[dict]]:
    results = []
    for label, visible in (("10 of 50", set(PROJECTS[:10])), ("50 of 50", set(PROJECTS))):
        with db.session() as session:
            deep_id = session.scalar(
                select(Event.id)
                .where(Event.project.in_(sorted(visible)))
                .order_by(Event.id.desc())
                .offset(DEEP - 1)
                .limit(1)
            )
        cursor = encode_cursor(deep_id)
        for depth, before, offset in (("first", None, 0), (f"{DEEP:,} deep", cursor, DEEP)):

            def keyset(before=before, visible=visible):
                with db.session() as session:
                    page = read_feed(session, visible, before=before, limit=PAGE, viewer="user001")
                assert len(page["items"]) == PAGE

            def by_offset(offset=offset, visible=visible):
                with db.session() as session:
                    assert len(offset_page(session, visible, offset, "user001")) == PAGE

            with db.session() as session:
                a = read_feed(session, visible, before=before, limit=PAGE)["items"]
                b = offset_page(session, visible, offset, "user001")
            assert [e["id"] for e in a] == [e["id"] for e in b], "keyset and OFFSET disagree"
            results.append(
                {
                    "visible": label,
                    "page": depth,
                    "keyset": timed(keyset, repeats),
                    "offset": timed(by_offset, repeats),
                }
            )
    filtered = []
    visible = set(PROJECTS[:10])
    for label, filters in (
        ("project=one", FeedFilter(projects=frozenset({PROJECTS[3]}))),
        ("actor", FeedFilter(actor="user042")),
        ("kind=post.created", FeedFilter(kinds=frozenset({"post.created"}))),
        ("tag=potency", FeedFilter(tag="potency")),
        ("path=notebooks/sar/", FeedFilter(path="notebooks/sar/")),
        ("actor+kind", FeedFilter(actor="user042", kinds=frozenset({"file.saved"}))),
    ):

        def run(filters=filters):
            with db.session() as session:
                read_feed(session, visible, filters, limit=PAGE, viewer="user001")

        filtered.append({"filter": label, "keyset": timed(run, max(20, repeats // 4))})
    return results, filtered


def setup_sqlite(directory: Path, rows) -> Database:
    path = directory / "bench.sqlite"
    upgrade(path)
    db = Database(path)
    create_projects(db)
    load_sqlite(db, path, rows)
    return Database(path)


def setup_postgres(server: str, rows) -> tuple[Database, str]:
    name = f"moiety_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    db = Database(url)
    create_projects(db)
    load_postgres(db, url, rows)
    return Database(url), name


def drop_postgres(server: str, name: str) -> None:
    admin = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 events, fewer repeats")
    parser.add_argument("--events", type=int, help="number of events (default 1,000,000)")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/", help="server URL"
    )
    args = parser.parse_args()
    n = args.events or (100_000 if args.quick else 1_000_000)
    repeats = 40 if args.quick else 200

    start = time.perf_counter()
    rows = generate(n)
    print(f"generated {n:,} events in {time.perf_counter() - start:.1f} s", flush=True)
    all_results = {}
    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        db = setup_sqlite(Path(directory), rows)
        print(f"SQLite: loaded in {time.perf_counter() - start:.1f} s", flush=True)
        all_results["SQLite " + sqlite3.sqlite_version] = measure(db, repeats)
        db.dispose()
    start = time.perf_counter()
    db, name = setup_postgres(args.postgres, rows)
    try:
        print(f"PostgreSQL: loaded in {time.perf_counter() - start:.1f} s", flush=True)
        with db.engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar().split()[0]
        all_results["PostgreSQL " + version] = measure(db, repeats)
    finally:
        db.dispose()
        drop_postgres(args.postgres, name)
    report(all_results, n, repeats)


def report(all_results, n: int, repeats: int) -> None:
    print(f"\n### Feed pages, {n:,} events in 50 projects, {PAGE} rows per page\n")
    print(f"Machine: {machine()}. {repeats} reads per cell, one session per read.\n")
    print(
        "| database | caller sees | page | keyset p50 ms | keyset p95 ms | OFFSET p50 ms "
        "| OFFSET p95 ms | OFFSET / keyset (p50) | keyset deep / first (p95) |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for backend, (results, _) in all_results.items():
        firsts = {r["visible"]: p(r["keyset"], 0.95) for r in results if r["page"] == "first"}
        for r in results:
            k50, k95 = p(r["keyset"], 0.50), p(r["keyset"], 0.95)
            o50, o95 = p(r["offset"], 0.50), p(r["offset"], 0.95)
            deep = f"{k95 / firsts[r['visible']]:.2f}x" if r["page"] != "first" else ""
            print(
                f"| {backend} | {r['visible']} | {r['page']} | {k50:.2f} | {k95:.2f} | "
                f"{o50:.2f} | {o95:.2f} | {o50 / k50:.1f}x | {deep} |"
            )
    print("\n### Filtered first pages (caller sees 10 of 50 projects), keyset\n")
    print("| filter | " + " | ".join(f"{b} p50 / p95 ms" for b in all_results) + " |")
    print("|---|" + "---:|" * len(all_results))
    labels = [f["filter"] for f in next(iter(all_results.values()))[1]]
    for i, label in enumerate(labels):
        cells = []
        for _, filtered in all_results.values():
            samples = filtered[i]["keyset"]
            cells.append(f"{p(samples, 0.5):.2f} / {p(samples, 0.95):.2f}")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
