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
