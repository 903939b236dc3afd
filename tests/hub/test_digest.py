"""The weekly digest through the real hub (SQLite and PostgreSQL): a lead logged into the demo
gets their team's week, with every number and list as the activity made them, in JSON and in
Markdown (hostile words escaped); who may read it; bad periods explained; the CLI.

The week is made in a project of its own (``digest-week``, team kinase) through its project
server's token, by people and through the real endpoints, so that other tests' activity in the
demo projects cannot change its numbers.
"""

import json
import subprocess
import sys

import mistune
import pytest

from moiety.core.digest_markdown import escape
from moiety.core.markup import excerpt

from moiety_testing.hub import service_client

SLUG = "digest-week"
HOSTILE = "Ready for **review** [click](http://evil.example) <img src=x onerror=alert(1)>"
SNAPSHOT = "a1" * 20
NOTEBOOK = "notebooks/new.ipynb"


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def report(hub, kind, actor, path=None, data=None, key=None):
    body = {"key": key or f"{kind}:{actor}:{path}:{json.dumps(data)}"[:200], "kind": kind}
    body.update(actor=actor, summary=f"{actor} {kind}", data=data or {})
    if path:
        body["path"] = path
    return ok(service_client(hub, f"project-{SLUG}").post("events", json=body), 201)


def posted(hub, actor, body, reacted_by=()):
    event = ok(service_client(hub, actor).post("posts", json={"project": SLUG, "body": body}), 201)
    for name in reacted_by:
        ok(service_client(hub, name).post(f"events/{event['id']}/reactions", json={"emoji": "👍"}))
    return event


def thread(hub, actor, path, body):
    body = {"project": SLUG, "path": path, "body": body}
    return ok(service_client(hub, actor).post("threads", json=body), 201)


@pytest.fixture(scope="module")
def week(db_hub):
    created = service_client(db_hub, "admin").post(
        "projects", json={"slug": SLUG, "title": "Digest <Week>", "teams": ["kinase"]}
    )
    assert created.status_code in (201, 409), created.text
    first = report(db_hub, "file.created", "alice", NOTEBOOK)
    report(db_hub, "file.saved", "alice", NOTEBOOK, {"count": 3, "cells": [["a", "0" * 16]]})
    report(db_hub, "file.saved", "bob", NOTEBOOK, {"count": 2})
    report(db_hub, "file.saved", "bob", "data/assay.csv", {"count": 1})
    report(db_hub, "file.renamed", "bob", "notes/final.md", {"from": "notes/draft.md"})
    report(db_hub, "file.deleted", "alice", "scratch.py")
    paths = [NOTEBOOK, "data/assay.csv"]
    snapshot = {"commit": SNAPSHOT, "message": HOSTILE, "paths": paths, "auto": False}
    report(db_hub, "snapshot.created", "lena", data=snapshot, key=f"snapshot.created:{SNAPSHOT}")
    restored = {"commit": "b2" * 20, "restored_from": "c3" * 20, "saved_before": None}
    report(db_hub, "version.restored", "bob", NOTEBOOK, restored)
    compounds = {
        "added": [
            {"key": "K1", "name": "erlotinib", "smiles": "C#Cc1cccc(Nc2ncnc3cc(OC)c(OC)cc23)c1"},
            {"key": "K2", "name": "aspirin", "smiles": "CC(=O)Oc1ccccc1C(=O)O"},
        ],
        "removed": [{"key": "K3", "name": "<b>gone</b>", "smiles": "c1ccccc1"}],
        "changed": [],
    }
    report(db_hub, "compounds.changed", "alice", "data/hits.sdf", compounds)
    posts = {
        "two": posted(db_hub, "alice", "Hinge binders look good #sar", ["bob", "lena"]),
        "one": posted(db_hub, "bob", "Plate 3 is in", ["alice"]),
        "none": posted(db_hub, "lena", "Group meeting moved"),
        "hostile": posted(db_hub, "alice", HOSTILE, ["bob", "lena", "admin"]),
    }
    asked = thread(db_hub, "alice", "README.md", "Is this *right*? @bob")
    replied = service_client(db_hub, "bob").post(
        f"threads/{asked['id']}/comments", json={"body": "yes"}
    )
    ok(replied, 201)
    settled = thread(db_hub, "lena", "data/README.md", "units?")
    resolved = service_client(db_hub, "alice").patch(
        f"threads/{settled['id']}", json={"state": "resolved"}
    )
    ok(resolved)
    return {"since": first["created_at"], "posts": posts, "asked": asked, "settled": settled}


def digest(hub, who="lena", **params):
    return service_client(hub, who).get("digest", params={"team": "kinase", **params})


def section(found):
    return next(p for p in found["projects"] if p["slug"] == SLUG)


def test_a_lead_gets_the_teams_week_in_json(db_hub, week):
    found = ok(digest(db_hub, since=week["since"]))
    assert found["team"] == "kinase"
    assert found["since"] == week["since"]
    assert "egfr-sar" in [p["slug"] for p in found["projects"]]
    p = section(found)
    assert (p["title"], p["url"]) == ("Digest <Week>", f"/user/project-{SLUG}/lab")
    # 9 reported, 4 posts, 2 threads opened, 1 reply, 1 resolution
    assert p["events"] == 17
    assert p["people"] == [
        {"name": "alice", "events": 8},
        {"name": "bob", "events": 6},
        {"name": "lena", "events": 3},
    ]
    assert p["activity"][-1]["events"] == 17
    assert sum(day["events"] for day in p["activity"]) == 17
    [snap] = p["snapshots"]["items"]
    assert snap["commit"] == SNAPSHOT
    assert (snap["message"], snap["author"], snap["files"]) == (HOSTILE, "lena", 2)
    assert snap["auto"] is False
    rename = {"from": "notes/draft.md", "to": "notes/final.md", "actor": "bob"}
    assert p["files"] == {
        "created": {"count": 1, "files": 1, "people": ["alice"], "paths": [NOTEBOOK]},
        "saved": {
            "count": 6,
            "files": 2,
            "people": ["alice", "bob"],
            "paths": [NOTEBOOK, "data/assay.csv"],
        },
        "renamed": {"count": 1, "files": 1, "people": ["bob"], "renames": [rename]},
        "deleted": {"count": 1, "files": 1, "people": ["alice"], "paths": ["scratch.py"]},
    }
    [restore] = p["restores"]["items"]
    assert (restore["path"], restore["author"]) == (NOTEBOOK, "bob")
    assert restore["restored_from"] == "c3" * 20
    compounds = p["compounds"]
    assert (compounds["added"], compounds["removed"], compounds["changed"]) == (2, 1, 0)
    assert [c["name"] for c in compounds["added_items"]] == ["erlotinib", "aspirin"]
    gone = {"name": "<b>gone</b>", "smiles": "c1ccccc1", "path": "data/hits.sdf"}
    assert compounds["removed_items"] == [gone]
    hits = {"path": "data/hits.sdf", "added": 2, "removed": 1, "changed": 0, "people": ["alice"]}
    assert compounds["files"] == [hits]
    opened = p["discussions"]["opened"]
    assert opened["count"] == 2
    assert [(t["thread"], t["state"], t["opened_by"], t["path"]) for t in opened["items"]] == [
        (week["asked"]["id"], "open", "alice", "README.md"),
        (week["settled"]["id"], "resolved", "lena", "data/README.md"),
    ]
    unresolved = p["discussions"]["unresolved"]
    assert unresolved["count"] == 1
    [open_one] = unresolved["items"]
    assert (open_one["thread"], open_one["comments"]) == (week["asked"]["id"], 2)
    assert open_one["age_days"] == 0
    assert open_one["excerpt"] == "Is this right? @bob"
    assert p["posts"] == 4
    assert [(t["event"], t["reactions"]) for t in p["top_posts"]] == [
        (week["posts"]["hostile"]["id"], 3),
        (week["posts"]["two"]["id"], 2),
        (week["posts"]["one"]["id"], 1),
    ]
    totals = found["totals"]
    mine = {"snapshots": 1, "restores": 1, "compounds_added": 2, "posts": 4, "threads_opened": 2}
    for name, value in mine.items():
        assert totals[name] >= value
    assert totals["events"] == sum(project["events"] for project in found["projects"])
    assert totals["projects"] == len(found["projects"])


def test_the_same_week_in_markdown_for_a_lead_logged_in(db_hub, week):
    s = db_hub.login("lena")
    db_hub.service_session(s)
    r = s.get(
        f"{db_hub.url}/services/moiety/api/digest",
        params={"team": "kinase", "since": week["since"], "format": "md"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/markdown; charset=UTF-8"
    text = r.text
    lines = text.splitlines()
    assert lines[0].startswith("# Digest of kinase: ")
    assert "## Digest \\<Week\\> (digest\\-week)" in lines
    assert f"[Open digest\\-week](/user/project-{SLUG}/lab) · 17 events" in lines
    assert (
        "- Snapshot `a1a1a1a1` by lena: Ready for \\*\\*review\\*\\* \\[click\\]\\(http\\:"
        "//evil\\.example\\) \\<img src\\=x onerror\\=alert\\(1\\)\\> (2 files)"
    ) in lines
    assert "- Saved 2 files, 6 saves by alice, bob" in lines
    assert (
        f"- Renamed [notes/draft\\.md](/user/project-{SLUG}/lab/tree/notes/draft.md) to "
        f"[notes/final\\.md](/user/project-{SLUG}/lab/tree/notes/final.md) by bob"
    ) in lines
    hits = f"[data/hits\\.sdf](/user/project-{SLUG}/lab/tree/data/hits.sdf)"
    assert f"- +2 \N{MINUS SIGN}1 ~0 in {hits} (alice)" in lines
    assert "  - removed: \\<b\\>gone\\</b\\> `c1ccccc1`" in lines
    assert "- Unresolved: 1" in lines
    assert "- alice (8), bob (6), lena (3)" in lines
    assert f"1. alice: {escape(excerpt(HOSTILE))} (3 reactions)" in lines
    html = mistune.create_markdown(escape=False)(text)
    assert "<img" not in html
    assert "<b>" not in html
    hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert hrefs
    assert all(href.startswith("/user/project-") for href in hrefs)


@pytest.mark.parametrize(
    ("who", "team", "status", "error"),
    [
        ("lena", "kinase", 200, None),
        ("admin", "kinase", 200, None),
        ("admin", "neuro", 200, None),
        ("bob", "kinase", 403, "not-a-lead"),
        ("alice", "kinase", 403, "not-a-lead"),
        ("carol", "kinase", 404, "no-team"),
        ("carol", "neuro", 403, "not-a-lead"),
        ("lena", "nosuchteam", 404, "no-team"),
        ("admin", "nosuchteam", 404, "no-team"),
        (f"project-{SLUG}", "kinase", 404, "no-team"),
        (None, "kinase", 403, "session"),
    ],
)
def test_who_gets_a_digest(db_hub, week, who, team, status, error):
    r = service_client(db_hub, who).get("digest", params={"team": team, "since": "24h"})
    assert r.status_code == status, r.text
    if error:
        assert r.json()["error"] == error


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"since": "yesterday"}, "span back from now such as 24h, 7d or 2w"),
        ({"since": "0d"}, "must be in the past"),
        ({"since": "400d"}, "at most 366 days"),
        ({"since": "2026-13-45"}, "is a date"),
        ({"since": "9999-01-01"}, "must be in the past"),
        ({"format": "pdf"}, "json or md"),
        ({"team": ""}, "Name the team"),
        ({"days": "7"}, "Unknown query argument 'days'"),
    ],
)
def test_bad_arguments_are_explained(db_hub, week, params, words):
    r = service_client(db_hub, "lena").get("digest", params={"team": "kinase", **params})
    assert r.status_code == 400, r.text
    assert words in r.json()["message"]


def test_the_default_period_is_seven_days(db_hub, week):
    found = ok(digest(db_hub))
    assert len(found["activity"]) == 8
    assert section(found)["events"] >= 17


def test_the_cli_prints_the_digest(db_hub, week):
    hub = db_hub
    token = hub.token("lena")
    for fmt in ("md", "json"):
        done = subprocess.run(
            [sys.executable, "-m", "moiety.cli", "digest", "--team", "kinase",
             "--since", "2d", "--format", fmt, "--hub-url", hub.url, "--token", token],
            capture_output=True, text=True, timeout=120, env=hub.env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        if fmt == "md":
            assert done.stdout.startswith("# Digest of kinase: ")
            assert "## Digest \\<Week\\> (digest\\-week)" in done.stdout
        else:
            assert section(json.loads(done.stdout))["events"] >= 17
    refused = subprocess.run(
        [sys.executable, "-m", "moiety.cli", "digest", "--team", "kinase",
         "--hub-url", hub.url, "--token", hub.token("bob")],
        capture_output=True, text=True, timeout=120, env=hub.env,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "Only leads of kinase and admins" in refused.stderr
