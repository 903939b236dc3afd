"""Opening a project server: members go straight in, other teams are refused by the hub."""

from moiety_testing.hub import service_client


def open_project(hub, name):
    r = service_client(hub, name).post("projects/egfr-sar/start")
    assert r.status_code == 200, r.text
    assert r.json()["ready"] is True
    return f"{hub.url}{r.json()['server_url']}"


def test_a_member_opens_the_project_without_a_consent_page(hub):
    url = open_project(hub, "alice")
    s = hub.session("bob")
    r = s.get(f"{url}lab")
    assert r.status_code == 200
    assert "Authorize access" not in r.text
    assert r.url.startswith(url)
    health = s.get(f"{url}moiety/api/health")
    assert health.json()["server_kind"] == "project"
    assert health.json()["project"] == "egfr-sar"
    assert health.json()["user"] == "bob"


def test_another_team_is_refused_by_the_project_server(hub):
    url = open_project(hub, "lena")
    r = hub.session("carol").get(f"{url}lab")
    assert r.status_code == 403


def test_a_lead_goes_in_too(hub):
    url = open_project(hub, "lena")
    s = hub.session("lena")
    assert s.get(f"{url}lab").status_code == 200
    r = s.get(f"{url}api/contents/notebooks")
    assert r.status_code == 200
    names = {item["name"] for item in r.json()["content"]}
    assert "explore.ipynb" in names


def test_a_project_created_at_run_time_opens_for_its_team_only(hub):
    body = {"slug": "made-today", "title": "Made today", "teams": ["neuro"]}
    created = service_client(hub, "lena").post("projects", json=body)
    assert created.status_code == 201, created.text

    r = service_client(hub, "carol").post("projects/made-today/start")
    assert r.status_code == 200, r.text
    assert r.json()["ready"] is True
    url = f"{hub.url}{r.json()['server_url']}"
    carol = hub.session("carol")
    assert carol.get(f"{url}lab").status_code == 200
    root = carol.get(f"{url}api/contents/")
    assert root.status_code == 200, root.text
    assert {"README.md", "notebooks", "data"} <= {item["name"] for item in root.json()["content"]}
    notebooks = carol.get(f"{url}api/contents/notebooks").json()["content"]
    assert [item["name"] for item in notebooks] == ["welcome.ipynb"]
    welcome = carol.get(f"{url}api/contents/notebooks/welcome.ipynb").json()
    assert welcome["type"] == "notebook"
    assert welcome["content"]["cells"]
    health = carol.get(f"{url}moiety/api/health").json()
    assert (health["project"], health["user"]) == ("made-today", "carol")

    assert hub.session("alice").get(f"{url}lab").status_code == 403  # kinase, not neuro
    assert hub.session("alice").get(f"{url}api/contents/").status_code == 403
    assert service_client(hub, "alice").post("projects/made-today/start").status_code == 404
    admin = hub.session("admin")
    stopped = hub.hub_api(admin, "DELETE", "users/project-made-today/server")
    assert stopped.status_code in (202, 204), stopped.text
