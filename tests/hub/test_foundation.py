"""The foundation through the real hub: login, servers, the extension, the service's /api/me."""

import json
import re

import requests


def test_anonymous_requests_are_refused(hub):
    r = requests.get(f"{hub.url}/services/moiety/api/me")
    assert r.status_code == 403
    assert r.json()["error"] == "session"
    assert "log in" in r.json()["message"]


def test_me_with_cookie_and_xsrf(hub):
    s = hub.login("alice")
    xsrf = hub.service_session(s)
    assert xsrf
    r = s.get(
        f"{hub.url}/services/moiety/api/me",
        headers={"X-XSRFToken": xsrf, "Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin"},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"name": "alice", "teams": ["kinase"], "lead_of": [], "admin": False}


def test_cookie_without_xsrf_is_not_accepted_from_scripts(hub):
    s = hub.login("alice")
    hub.service_session(s)
    r = s.get(
        f"{hub.url}/services/moiety/api/me",
        headers={"Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin"},
    )
    assert r.status_code == 403
    assert r.json()["error"] == "session"


def test_me_with_token(hub):
    token = hub.token("lena")
    r = requests.get(
        f"{hub.url}/services/moiety/api/me", headers={"Authorization": f"token {token}"}
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "name": "lena",
        "teams": ["kinase", "neuro"],
        "lead_of": ["kinase", "neuro"],
        "admin": False,
    }


def test_admin_is_admin(hub):
    token = hub.token("admin")
    r = requests.get(
        f"{hub.url}/services/moiety/api/me", headers={"Authorization": f"token {token}"}
    )
    assert r.json()["admin"] is True


def test_bad_token_is_refused_without_echoing_it(hub):
    secret = "not-a-real-token-0123456789"
    r = requests.get(
        f"{hub.url}/services/moiety/api/me", headers={"Authorization": f"token {secret}"}
    )
    assert r.status_code == 403
    assert secret not in r.text
    assert secret not in hub.log()


def test_session_page_hands_the_token_to_its_own_origin_only(hub):
    s = hub.login("bob")
    r = s.get(f"{hub.url}/services/moiety/session")
    assert r.status_code == 200
    assert "window.location.origin" in r.text
    assert "frame-ancestors 'self'" in r.headers["Content-Security-Policy"]


def test_project_accounts_cannot_log_in(hub):
    s = requests.Session()
    s.get(f"{hub.url}/hub/login")
    r = s.post(
        f"{hub.url}/hub/login",
        data={
            "username": "project-egfr-sar",
            "password": "test-password",
            "_xsrf": s.cookies.get("_xsrf"),
        },
        allow_redirects=False,
    )
    assert r.status_code != 302


def test_alice_gets_jupyterlab_with_the_moiety_extension(hub):
    server_url = hub.start_server("alice")
    s = hub.session("alice")
    r = s.get(f"{server_url}lab")
    assert r.status_code == 200, r.status_code
    config = json.loads(
        re.search(
            r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', r.text, re.S
        ).group(1)
    )
    names = [e["name"] for e in config["federated_extensions"]]
    assert "moiety" in names
    health = s.get(
        f"{server_url}moiety/api/health",
        headers={"X-XSRFToken": s.cookies.get("_xsrf", path="/user/alice/") or ""},
    )
    assert health.status_code == 200, health.text
    assert health.json()["user"] == "alice"
    assert health.json()["server_kind"] == "personal"
    assert health.json()["version"] == config_version()


def config_version():
    import moiety

    return moiety.__version__
