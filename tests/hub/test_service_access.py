"""Every service endpoint tried as each kind of caller, through the real hub.

Callers: a member of the project's team (alice), a member of another team (carol), a lead
(lena), a hub admin, the token of another project's server, and nobody.
"""

import pytest

from moiety_testing.hub import service_client

CALLERS = ["alice", "carol", "lena", "admin", "project-sulfonamide-sar", None]


def status_of(hub, caller, method, path, **kwargs):
    return service_client(hub, caller).request(method, path, **kwargs).status_code


@pytest.fixture(scope="module")
def an_egfr_event(db_hub):
    r = service_client(db_hub, "bob").post(
        "posts", json={"project": "egfr-sar", "body": "access matrix #matrix"}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


EXPECTED_READ = {
    "alice": 200,
    "carol": 404,
    "lena": 200,
    "admin": 200,
    "project-sulfonamide-sar": 404,
    None: 403,
}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("path", ["projects/egfr-sar", "projects/egfr-sar/members"])
def test_reading_a_project(db_hub, caller, path):
    assert status_of(db_hub, caller, "GET", path) == EXPECTED_READ[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_listing_projects_shows_only_visible_ones(db_hub, caller):
    r = service_client(db_hub, caller).get("projects")
    if caller is None:
        assert r.status_code == 403
        return
    assert r.status_code == 200
    slugs = {p["slug"] for p in r.json()["items"]}
    assert ("egfr-sar" in slugs) == (EXPECTED_READ[caller] == 200)
    if caller == "project-sulfonamide-sar":
        assert slugs == {"sulfonamide-sar"}


@pytest.mark.parametrize("caller", CALLERS)
def test_reading_the_feed_of_a_project(db_hub, caller, an_egfr_event):
    r = service_client(db_hub, caller).get("feed", params={"project": "egfr-sar"})
    if caller is None:
        assert r.status_code == 403
        return
    assert r.status_code == 200
    ids = [e["id"] for e in r.json()["items"]]
    assert (an_egfr_event in ids) == (EXPECTED_READ[caller] == 200)
    assert all(e["project"] == "egfr-sar" for e in r.json()["items"])


@pytest.mark.parametrize("caller", CALLERS)
def test_posting(db_hub, caller):
    expected = {**EXPECTED_READ, "alice": 201, "lena": 201, "admin": 201}
    status = status_of(
        db_hub, caller, "POST", "posts", json={"project": "egfr-sar", "body": f"from {caller}"}
    )
    assert status == expected[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_reacting(db_hub, caller, an_egfr_event):
    path = f"events/{an_egfr_event}/reactions"
    assert status_of(db_hub, caller, "POST", path, json={"emoji": "👍"}) == EXPECTED_READ[caller]
    assert (
        status_of(db_hub, caller, "DELETE", path, params={"emoji": "👍"}) == EXPECTED_READ[caller]
    )


@pytest.mark.parametrize("caller", CALLERS)
def test_opening_a_project(db_hub, caller):
    assert status_of(db_hub, caller, "POST", "projects/egfr-sar/start") == EXPECTED_READ[caller]


@pytest.mark.parametrize(
    ("caller", "teams", "expected"),
    [
        ("alice", ["kinase"], 403),
        ("carol", ["neuro"], 403),
        ("lena", ["kinase", "neuro"], 201),
        ("admin", ["kinase"], 201),
        ("project-sulfonamide-sar", ["neuro"], 403),
        (None, ["kinase"], 403),
    ],
)
def test_creating_a_project(db_hub, caller, teams, expected):
    slug = f"matrix-{(caller or 'anon').replace('project-', 'p')}"
    body = {"slug": slug, "title": "Matrix", "teams": teams}
    assert status_of(db_hub, caller, "POST", "projects", json=body) == expected


@pytest.mark.parametrize("caller", ["alice", "lena", "admin", None])
def test_people_cannot_report_server_events(db_hub, caller):
    body = {"key": "k" * 16, "kind": "file.saved", "actor": "alice", "summary": "saved"}
    assert status_of(db_hub, caller, "POST", "events", json=body) == 403


def test_a_project_server_reports_only_for_its_own_project(db_hub):
    client = service_client(db_hub, "project-sulfonamide-sar")
    body = {
        "key": "own-project-1",
        "kind": "file.saved",
        "actor": "carol",
        "summary": "saved",
        "path": "notebooks/explore.ipynb",
    }
    r = client.post("events", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["project"] == "sulfonamide-sar"
    assert client.post("events", json={**body, "project": "egfr-sar"}).status_code == 400
    stranger = client.post("events", json={**body, "key": "own-project-2", "actor": "alice"})
    assert stranger.status_code == 400
    assert stranger.json()["error"] == "unknown-actor"


def test_a_membership_change_in_the_hub_shows_within_30_seconds(hub):
    """Carol joins kinase in the hub: without a restart she soon sees egfr-sar; then leaves."""
    from moiety_testing.hub import _wait_for

    admin = hub.session("admin")
    carol = service_client(hub, "carol")
    r = hub.hub_api(admin, "POST", "groups/kinase/users", json={"users": ["carol"]})
    assert r.status_code == 200, r.text
    try:
        _wait_for(
            lambda: carol.get("projects/egfr-sar").status_code == 200,
            30,
            "carol seeing egfr-sar after joining kinase",
        )
    finally:
        r = hub.hub_api(admin, "DELETE", "groups/kinase/users", json={"users": ["carol"]})
        assert r.status_code == 200, r.text
    _wait_for(
        lambda: carol.get("projects/egfr-sar").status_code == 404,
        30,
        "carol losing egfr-sar after leaving kinase",
    )


def test_project_servers_report_who_is_in_them(hub):
    server = service_client(hub, "project-egfr-sar")
    r = server.request("PUT", "presence", json={"people": ["alice", "carol"]})
    assert r.status_code == 200, r.text
    assert r.json()["active"] == ["alice"]
    listed = service_client(hub, "bob").get("projects").json()["items"]
    assert next(p for p in listed if p["slug"] == "egfr-sar")["active"] == ["alice"]
    assert service_client(hub, "bob").get("projects/egfr-sar").json()["active"] == ["alice"]
    assert (
        service_client(hub, "alice").request("PUT", "presence", json={"people": []}).status_code
        == 403
    )
