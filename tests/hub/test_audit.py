"""The audit trail through the real hub (SQLite and PostgreSQL): each audited action makes
exactly one entry with the right actor and details (an edited comment keeps its old body);
membership changed in the hub shows up within the directory cache period; JSON and CSV
exports, paging; who may read what; the trail cannot be changed through the API."""

import csv
import io

import pytest

from moiety_testing.hub import _wait_for, service_client

SLUG = "audit-trail"


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def entries(hub, who="admin", **params):
    return ok(service_client(hub, who).get("audit", params={"limit": 1000, **params}))["items"]


def newest_id(hub):
    items = entries(hub, limit=1)
    return items[0]["id"] if items else 0


def after(hub, start, **params):
    """Entries newer than ``start``, oldest first."""
    return [e for e in reversed(entries(hub, **params)) if e["id"] > start]


@pytest.fixture(scope="module")
def project(db_hub):
    start = newest_id(db_hub)
    body = {"slug": SLUG, "title": "Audit =trail", "teams": ["kinase"]}
    created = service_client(db_hub, "lena").post("projects", json=body)
    assert created.status_code == 201, created.text
    return start


def test_creating_a_project_is_one_entry(db_hub, project):
    [entry] = after(db_hub, project, project=SLUG)
    assert entry["action"] == "project.created"
    assert (entry["actor"], entry["project"], entry["team"]) == ("lena", SLUG, None)
    assert (entry["target_type"], entry["target_id"]) == ("project", SLUG)
    assert entry["details"] == {
        "title": "Audit =trail",
        "description": "",
        "teams": ["kinase"],
        "template": "default",
    }


def test_a_discussion_is_recorded_change_by_change(db_hub, project):
    start = newest_id(db_hub)
    alice, bob, lena = (service_client(db_hub, name) for name in ("alice", "bob", "lena"))
    opened = ok(
        alice.post("threads", json={"project": SLUG, "path": "README.md", "body": "first"}), 201
    )
    reply = ok(bob.post(f"threads/{opened['id']}/comments", json={"body": "=1+1 draft"}), 201)
    ok(bob.patch(f"comments/{reply['id']}", json={"body": "final words"}))
    ok(lena.patch(f"threads/{opened['id']}", json={"state": "resolved"}))
    ok(lena.patch(f"threads/{opened['id']}", json={"state": "resolved"}))  # no change
    ok(alice.patch(f"threads/{opened['id']}", json={"state": "open"}))
    ok(lena.delete(f"comments/{reply['id']}"))
    ok(lena.delete(f"comments/{reply['id']}"))  # deleted already: no change
    found = after(db_hub, start, project=SLUG)
    assert [(e["action"], e["actor"]) for e in found] == [
        ("thread.opened", "alice"),
        ("comment.added", "bob"),
        ("comment.edited", "bob"),
        ("thread.resolved", "lena"),
        ("thread.reopened", "alice"),
        ("comment.deleted", "lena"),
    ]
    thread_id, comment_id = str(opened["id"]), str(reply["id"])
    targets = [thread_id, comment_id, comment_id, thread_id, thread_id, comment_id]
    assert [e["target_id"] for e in found] == targets
    assert found[0]["details"]["body"] == "first"
    assert found[0]["details"]["commit"] == opened["commit"]
    assert found[1]["details"] == {
        "thread": opened["id"],
        "path": "README.md",
        "body": "=1+1 draft",
    }
    assert found[2]["details"] == {
        "thread": opened["id"],
        "path": "README.md",
        "previous_body": "=1+1 draft",
        "body": "final words",
    }
    assert found[5]["details"] == {
        "thread": opened["id"],
        "path": "README.md",
        "author": "bob",
        "body": "final words",
        "moderated": True,
    }
    assert all(e["project"] == SLUG and e["team"] is None for e in found)


def test_a_rename_moving_a_thread_is_recorded_with_who_renamed(db_hub, project):
    alice = service_client(db_hub, "alice")
    opened = ok(
        alice.post("threads", json={"project": SLUG, "path": "data/README.md", "body": "hm"}), 201
    )
    start = newest_id(db_hub)
    server = service_client(db_hub, f"project-{SLUG}")
    event = {
        "key": f"rename-{opened['id']}",
        "kind": "file.renamed",
        "actor": "bob",
        "summary": "renamed",
        "path": "data/ABOUT.md",
        "data": {"from": "data/README.md"},
    }
    reported = ok(server.post("events", json=event), 201)
    [moved] = after(db_hub, start, action="thread.moved")
    assert (moved["actor"], moved["project"], moved["target_id"]) == (
        "bob",
        SLUG,
        str(opened["id"]),
    )
    assert moved["details"] == {
        "from": "data/README.md",
        "to": "data/ABOUT.md",
        "event": reported["id"],
    }


def test_membership_changed_in_the_hub_is_recorded_by_hub(db_hub, project):
    admin = db_hub.session("admin")
    start = newest_id(db_hub)

    def hub_call(method, group, name):
        r = db_hub.hub_api(admin, method, f"groups/{group}/users", json={"users": [name]})
        assert r.status_code == 200, r.text

    def recorded(action, team, name):
        found = []

        def seen():
            found[:] = [
                e for e in after(db_hub, start, action=action, team=team) if e["target_id"] == name
            ]
            return bool(found)

        _wait_for(seen, 30, f"{action} {name} in {team} in the audit trail")
        [entry] = found
        assert (entry["actor"], entry["team"], entry["project"]) == ("hub", team, None)
        assert (entry["target_type"], entry["details"]) == ("user", {})
        return entry

    hub_call("POST", "kinase", "carol")
    hub_call("POST", "kinase-leads", "bob")
    try:
        recorded("member.added", "kinase", "carol")
        recorded("lead.added", "kinase", "bob")
        _wait_for(
            lambda: service_client(db_hub, "bob").get("audit").status_code == 200,
            30,
            "bob reading the audit trail as a lead of kinase",
        )
        listed = ok(service_client(db_hub, "admin").get("projects"))["items"]
        kinase = {p["slug"] for p in listed if "kinase" in p["teams"]}
        as_lead = entries(db_hub, "bob")
        assert all(e["team"] == "kinase" or e["project"] in kinase for e in as_lead)
        assert {SLUG, "egfr-sar"} <= {e["project"] for e in as_lead}
        assert "carol" in {e["target_id"] for e in as_lead if e["team"] == "kinase"}
        bob = service_client(db_hub, "bob")
        assert bob.get("audit", params={"team": "neuro"}).status_code == 404
        assert bob.get("audit", params={"project": "sulfonamide-sar"}).status_code == 404
    finally:
        hub_call("DELETE", "kinase", "carol")
        hub_call("DELETE", "kinase-leads", "bob")
    recorded("member.removed", "kinase", "carol")
    recorded("lead.removed", "kinase", "bob")


def test_the_first_refresh_recorded_who_was_there(db_hub, project):
    initial = [e for e in entries(db_hub, action="member.added", team="kinase")]
    first = {e["target_id"]: e for e in initial if e["details"] == {"initial": True}}
    assert {"alice", "bob"} <= set(first)
    assert all(e["actor"] == "hub" for e in first.values())
    leads = entries(db_hub, action="lead.added", team="neuro")
    assert "lena" in {e["target_id"] for e in leads if e["details"] == {"initial": True}}


def test_csv_export_and_paging(db_hub, project):
    r = service_client(db_hub, "lena").get("audit", params={"project": SLUG, "format": "csv"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv; charset=UTF-8"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == [
        "id",
        "created_at",
        "actor",
        "action",
        "project",
        "team",
        "target_type",
        "target_id",
        "details",
    ]
    as_json = entries(db_hub, "lena", project=SLUG)
    assert [int(row[0]) for row in rows[1:]] == [e["id"] for e in as_json]
    assert rows[-1][3] == "project.created"
    assert '"title": "Audit =trail"' in rows[-1][8]

    pages, cursor = [], None
    while True:
        params = {"project": SLUG, "limit": 2, **({"before": cursor} if cursor else {})}
        page = ok(service_client(db_hub, "lena").get("audit", params=params))
        pages += page["items"]
        cursor = page["next"]
        if cursor is None:
            break
    assert [e["id"] for e in pages] == [e["id"] for e in as_json]
    csv_page = service_client(db_hub, "lena").get(
        "audit", params={"project": SLUG, "format": "csv", "limit": 1}
    )
    assert len(list(csv.reader(io.StringIO(csv_page.text)))) == 2
    assert csv_page.headers["X-Moiety-Next"]


@pytest.mark.parametrize(
    ("who", "params", "status"),
    [
        ("admin", {}, 200),
        ("lena", {}, 200),
        ("lena", {"team": "kinase"}, 200),
        ("lena", {"project": "egfr-sar"}, 200),
        ("alice", {}, 403),
        ("carol", {}, 403),
        ("alice", {"project": "egfr-sar"}, 403),
        ("project-egfr-sar", {}, 403),
        (None, {}, 403),
        ("lena", {"project": "no-such-project"}, 404),
        ("admin", {"project": "no-such-project"}, 404),
    ],
)
def test_who_reads_the_audit_trail(db_hub, project, who, params, status):
    assert service_client(db_hub, who).get("audit", params=params).status_code == status


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"action": "project.deleted"}, "not an audited action"),
        ({"since": "last week"}, "'since' is a date"),
        ({"until": "2026-02-30"}, "'until' is a date"),
        ({"limit": "0"}, "'limit' must be a whole number from 1 to 1000"),
        ({"before": "nonsense"}, "cursor"),
        ({"format": "xlsx"}, "json or csv"),
        ({"actor": "bob"}, "Unknown query argument 'actor'"),
    ],
)
def test_bad_queries_are_explained(db_hub, project, params, words):
    r = service_client(db_hub, "lena").get("audit", params=params)
    assert r.status_code == 400, r.text
    assert words in r.json()["message"]


def test_time_filters(db_hub, project):
    everything = entries(db_hub, project=SLUG)
    newest = everything[0]["created_at"]
    assert entries(db_hub, project=SLUG, since=newest) == everything[:1]
    assert entries(db_hub, project=SLUG, until=newest) == everything[1:]
    assert entries(db_hub, project=SLUG, since="1h") == everything
    assert entries(db_hub, project=SLUG, until=newest[:10], since=newest[:10]) == everything


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_the_trail_cannot_be_changed_through_the_api(db_hub, project, method):
    r = service_client(db_hub, "admin").request(method, "audit", json={})
    assert r.status_code == 405
    assert r.json()["error"] == "method-not-allowed"
