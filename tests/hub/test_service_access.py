"""Every service endpoint tried as each kind of caller, through the real hub.

Callers: a member of the project's team (alice), a member of another team (carol), a lead
(lena), a hub admin, the token of another project's server, and nobody. A lead who is not a
member of the team they lead is made at run time (the demo's lena is both).
"""

import json

import pytest

from moiety_testing.hub import _wait_for, service_client

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


EGFR_MEMBERS = [
    {"name": "alice", "teams": ["kinase"], "lead": False},
    {"name": "bob", "teams": ["kinase"], "lead": False},
    {"name": "lena", "teams": ["kinase"], "lead": True},
]


@pytest.mark.parametrize("caller", ["alice", "lena", "admin"])
def test_a_project_lists_its_members(db_hub, caller):
    client = service_client(db_hub, caller)
    project = client.get("projects/egfr-sar").json()
    assert (project["slug"], project["teams"]) == ("egfr-sar", ["kinase"])
    assert project["members"] == EGFR_MEMBERS
    mentionable = client.get("projects/egfr-sar/members").json()["items"]
    assert mentionable == [{"name": m["name"]} for m in EGFR_MEMBERS]
    prefixed = client.get("projects/egfr-sar/members", params={"q": "B"}).json()["items"]
    assert prefixed == [{"name": "bob"}]


def test_a_project_server_reads_its_own_project_with_members(db_hub):
    project = service_client(db_hub, "project-sulfonamide-sar").get("projects/sulfonamide-sar")
    assert project.status_code == 200, project.text
    assert project.json()["members"] == [
        {"name": "carol", "teams": ["neuro"], "lead": False},
        {"name": "lena", "teams": ["neuro"], "lead": True},
    ]


def open_stream(hub, caller, **params):
    client = service_client(hub, caller)
    return client.http.get(client.base + "feed/stream", params=params, stream=True, timeout=30)


@pytest.mark.parametrize("caller", CALLERS)
def test_opening_the_live_stream(db_hub, caller):
    """A refused stream answers at once with a JSON error; an allowed one starts an event
    stream (closed here right away)."""
    with open_stream(db_hub, caller, project="egfr-sar") as r:
        if caller is None:
            assert r.status_code == 403
            assert r.headers["Content-Type"].startswith("application/json")
            assert r.json()["error"] == "session"
            return
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("text/event-stream")


def events_until(response, last_id: int) -> list[dict]:
    """The feed events of an open stream up to the one with ``last_id`` (comments and
    notifications passed over); the stream's read timeout fails the test if it never comes."""
    events, fields = [], {}
    for line in response.iter_lines(decode_unicode=True):
        if line == "":
            if "data" in fields and fields.get("event") != "notification":
                events.append(json.loads(fields["data"]))
                if events[-1]["id"] == last_id:
                    return events
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.lstrip()
    raise AssertionError("the stream ended")


@pytest.mark.parametrize("caller", ["admin", "project-sulfonamide-sar"])
def test_the_live_stream_carries_only_visible_projects(db_hub, caller):
    """The admin's stream gets egfr-sar's news; another project's server gets only its own."""
    with open_stream(db_hub, caller) as r:
        assert r.status_code == 200
        egfr = service_client(db_hub, "bob").post(
            "posts", json={"project": "egfr-sar", "body": f"for the stream of {caller}"}
        )
        neuro = service_client(db_hub, "carol").post(
            "posts", json={"project": "sulfonamide-sar", "body": f"for {caller} too"}
        )
        received = events_until(r, neuro.json()["id"])
    ids = [e["id"] for e in received]
    if caller == "admin":
        assert egfr.json()["id"] in ids
    else:
        assert egfr.json()["id"] not in ids
        assert {e["project"] for e in received} == {"sulfonamide-sar"}


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
    """A server's events go to its own project: it cannot name another, its keys cannot reach
    another project's events, and its actors are members of its own project's teams."""
    neuro_server = service_client(db_hub, "project-sulfonamide-sar")
    body = {
        "key": "own-project-1",
        "kind": "file.saved",
        "actor": "carol",
        "summary": "saved",
        "path": "notebooks/explore.ipynb",
    }
    r = neuro_server.post("events", json=body)
    assert r.status_code == 201, r.text
    neuro_event = r.json()
    assert (neuro_event["project"], neuro_event["actor"]) == ("sulfonamide-sar", "carol")
    alice, carol = service_client(db_hub, "alice"), service_client(db_hub, "carol")
    path_filter = {"path": "notebooks/explore.ipynb", "kind": "file.saved", "limit": 200}
    assert neuro_event["id"] in [
        e["id"] for e in carol.get("feed", params=path_filter).json()["items"]
    ]
    assert neuro_event["id"] not in [
        e["id"] for e in alice.get("feed", params=path_filter).json()["items"]
    ]

    named = neuro_server.post(
        "events", json={**body, "key": "own-project-3", "project": "egfr-sar"}
    )
    assert named.status_code == 400
    assert named.json() == {
        "error": "invalid",
        "message": "Additional properties are not allowed ('project' was unexpected)",
    }

    egfr_server = service_client(db_hub, "project-egfr-sar")
    same_key = egfr_server.post("events", json={**body, "actor": "alice"})
    assert same_key.status_code == 201, same_key.text
    assert same_key.json()["project"] == "egfr-sar"
    assert same_key.json()["id"] != neuro_event["id"]

    stranger = neuro_server.post("events", json={**body, "key": "own-project-2", "actor": "alice"})
    assert stranger.status_code == 400
    assert stranger.json() == {
        "error": "unknown-actor",
        "message": "'alice' is not a member of the project's teams; report events of members.",
    }


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


@pytest.fixture
def lead_only(hub):
    """lou, a lead of kinase who is not a member of it: in kinase-leads only."""
    admin = hub.session("admin")
    r = hub.hub_api(admin, "POST", "users/lou")
    assert r.status_code in (201, 409), r.text
    r = hub.hub_api(admin, "POST", "groups/kinase-leads/users", json={"users": ["lou"]})
    assert r.status_code == 200, r.text
    groups = {g["name"]: g["users"] for g in hub.hub_api(admin, "GET", "groups").json()}
    assert "lou" in groups["kinase-leads"]
    assert "lou" not in groups["kinase"]
    lou = service_client(hub, "lou")
    try:
        _wait_for(
            lambda: lou.get("projects/egfr-sar").status_code == 200,
            30,
            "lou seeing egfr-sar after becoming a lead of kinase",
        )
        yield lou
    finally:
        r = hub.hub_api(admin, "DELETE", "groups/kinase-leads/users", json={"users": ["lou"]})
        assert r.status_code == 200, r.text
        _wait_for(
            lambda: lou.get("projects/egfr-sar").status_code == 404,
            30,
            "lou losing egfr-sar after leaving kinase-leads",
        )


def test_a_lead_who_is_not_a_member_sees_the_teams_projects_and_feed(hub, lead_only):
    lou = lead_only
    assert lou.get("me").json() == {
        "name": "lou",
        "teams": ["kinase"],
        "lead_of": ["kinase"],
        "admin": False,
    }
    slugs = {p["slug"] for p in lou.get("projects").json()["items"]}
    assert "egfr-sar" in slugs
    assert "sulfonamide-sar" not in slugs
    members = lou.get("projects/egfr-sar").json()["members"]
    assert {"name": "lou", "teams": [], "lead": True} in members
    assert lou.get("projects/sulfonamide-sar").status_code == 404

    with open_stream(hub, "lou") as stream:
        assert stream.status_code == 200
        sent = service_client(hub, "alice").post(
            "posts", json={"project": "egfr-sar", "body": "for kinase's leads #lead"}
        )
        assert sent.status_code == 201, sent.text
        received = events_until(stream, sent.json()["id"])
    assert {e["project"] for e in received} == {"egfr-sar"}
    feed = lou.get("feed", params={"project": "egfr-sar"}).json()["items"]
    assert sent.json()["id"] in [e["id"] for e in feed]
    neuro = lou.get("feed", params={"project": "sulfonamide-sar"}).json()["items"]
    assert neuro == []
    posted = lou.post("posts", json={"project": "egfr-sar", "body": "a lead's note"})
    assert posted.status_code == 201, posted.text
    assert lou.get("digest", params={"team": "kinase", "since": "7d"}).status_code == 200
