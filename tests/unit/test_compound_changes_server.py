"""The project server's compounds object on a real repository, without a hub: the index
follows HEAD, a bad query is refused before any indexing, and a commit whose events were not
yet reported when the server died is reported at the next start, and SIGINT still reaches
Python after searches ran on several threads (RDKit swaps the handler while it matches)."""

import asyncio
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rdkit import RDConfig

from moiety.core.chem import InvalidQuery, search
from moiety.core.repo import snapshot
from moiety.server import compounds as handlers
from moiety.server.compound_index import ProjectCompounds

ALICE = ("alice", "alice@users.moiety.invalid")
LOG = logging.getLogger("test-compounds")


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "series.smi").write_text("c1ccccc1O phenol\nCCO ethanol\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    snapshot(root, "series", *ALICE)
    return root


def commit_text(root, text: str) -> str:
    (root / "data" / "series.smi").write_text(text)
    return snapshot(root, "edit", *ALICE).commit


def test_a_commit_marked_before_a_crash_is_reported_at_the_next_start(root):
    reported: list[dict] = []

    async def report(body):
        reported.append(body)

    commit = commit_text(root, "c1ccccc1O phenol\nc1ccccc1N aniline\n")

    async def crashed():
        compounds = ProjectCompounds(root, report, LOG)
        await compounds.committed("alice", commit)  # never started: dies before reporting
        compounds.executor.shutdown()

    asyncio.run(crashed())
    pending = root / ".git" / "moiety" / "compound-pending"
    assert reported == []
    assert (pending / commit).read_text() == "alice"

    async def restarted():
        compounds = ProjectCompounds(root, report, LOG)
        compounds.start()
        await compounds.stop()

    asyncio.run(restarted())
    assert [(b["key"], b["actor"], b["summary"]) for b in reported] == [
        (
            f"compounds.changed:{commit}:data/series.smi",
            "alice",
            "+1 \N{MINUS SIGN}1 ~0 in data/series.smi",
        )
    ]
    assert not any(pending.iterdir())


def test_the_index_follows_head_and_refuses_bad_queries_first(root):
    async def report(body):
        pass

    async def scenario():
        compounds = ProjectCompounds(root, report, LOG, threads=1)
        compounds.start()
        first = await compounds.search("c1ccccc1", "smiles", 10, None)
        assert [item["name"] for item in first["items"]] == ["phenol"]
        held = compounds.synced
        assert first["commit"] == held
        new = commit_text(root, "CCO ethanol\nc1ccccc1N aniline\nc1ccccc1Cl chlorobenzene\n")
        with pytest.raises(InvalidQuery, match="SMARTS"):
            await compounds.search("c1ccc(", "smarts", 10, None)
        assert compounds.synced == held
        page = await compounds.search("c1ccccc1", "smiles", 1, None)
        assert page["commit"] == new
        assert [(i["record"], i["name"]) for i in page["items"]] == [(2, "aniline")]
        rest = await compounds.search("c1ccccc1", "smiles", 1, page["next"])
        assert [(i["record"], i["name"]) for i in rest["items"]] == [(3, "chlorobenzene")]
        assert rest["next"] is None
        await compounds.stop()

    asyncio.run(scenario())


def test_sigint_reaches_python_after_searches_on_several_threads(root):
    nci = (Path(RDConfig.RDDataDir) / "NCI/first_5K.smi").read_text().splitlines()[:1500]
    (root / "data" / "nci.smi").write_text("\n".join(nci) + "\n")
    snapshot(root, "NCI", *ALICE)
    received: list[int] = []

    async def report(body):
        pass

    async def searches():
        compounds = ProjectCompounds(root, report, LOG, threads=2, search_threads=1)
        await compounds.sync()
        queries = ["[#6]~[#7]", "[#6]~[#8]", "[#7,#8]", "c", "[#6]@[#6]", "[#16]"] * 3
        pages = await asyncio.gather(
            *(compounds.search(query, "smarts", 10_000, None) for query in queries)
        )
        assert all(page["items"] for page in pages)
        compounds.executor.shutdown()

    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        asyncio.run(searches())
        os.kill(os.getpid(), signal.SIGINT)
        assert received == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)


def test_personal_servers_load_no_rdkit_and_the_search_bounds_agree():
    code = "import sys, moiety.server.app; print('rdkit' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert loaded.strip() == "False"
    assert (handlers.DEFAULT_LIMIT, handlers.MAX_LIMIT) == (
        search.DEFAULT_LIMIT,
        search.MAX_LIMIT,
    )
