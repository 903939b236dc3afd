"""``moiety doctor``'s checks, one by one: the local ones on real SQLite, PostgreSQL and git;
the hub ones against a small stand-in HTTP server for answers a real hub rarely gives (a
missing route, a project server of another version, a token without the scopes). The real
hub is checked in ``tests/hub/test_ops.py``."""

import json
import sqlite3
import threading
from collections import namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from moiety import __version__
from moiety.core.repo import create_demo_project
from moiety.ops import doctor_local
from moiety.ops.doctor import FAIL, OK, WARN, Check, Doctor, exit_code
from moiety.ops.doctor_hub import HubChecks
from moiety.ops.http import Fetcher
from moiety.ops.layout import DataLayout
from moiety.store import migrate

from moiety_testing.hub import free_port


def layout(data_dir, db_url=None) -> DataLayout:
    return DataLayout(
        data_dir=data_dir,
        service_db_url=db_url or f"sqlite:///{data_dir / 'moiety.sqlite'}",
        hub_db_url=f"sqlite:///{data_dir / 'jupyterhub.sqlite'}",
    )


def test_exit_codes_and_lines():
    ok, warn, fail = (
        Check(OK, "a", "fine", "unused"),
        Check(WARN, "b", "meh", "do x"),
        Check(FAIL, "c", "broken", "do y"),
    )
    assert exit_code([ok]) == 0
    assert exit_code([ok, warn]) == 1
    assert exit_code([warn, fail, ok]) == 2
    assert ok.line() == "OK    a: fine"
    assert fail.line() == "FAIL  c: broken -> do y"


def test_database_states(tmp_path):
    data = layout(tmp_path)
    missing = doctor_local.database(data)
    assert (missing.status, missing.detail) == (FAIL, f"no database at {tmp_path}/moiety.sqlite")
    assert not (tmp_path / "moiety.sqlite").exists(), "the check must not create the file"

    sqlite3.connect(tmp_path / "moiety.sqlite").close()
    assert "has no Moiety schema" in doctor_local.database(data).detail

    migrate.upgrade(data.service_db_url)
    assert doctor_local.database(data).status == OK
    migrate.downgrade(data.service_db_url, "-1")
    behind = doctor_local.database(data)
    assert behind.status == FAIL
    assert f"this Moiety needs {migrate.head_revision()}" in behind.detail
    assert "moiety backup" in behind.remedy

    connection = sqlite3.connect(tmp_path / "moiety.sqlite")
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from-the-future'")
    connection.close()
    future = doctor_local.database(data)
    assert "which this Moiety (" in future.detail
    assert "a newer Moiety migrated it" in future.detail


def test_an_unreachable_postgresql_is_reported_without_its_password(tmp_path):
    url = f"postgresql+psycopg://moiety:s3cret@127.0.0.1:{free_port()}/moiety"
    check = doctor_local.database(layout(tmp_path, url))
    assert check.status == FAIL
    assert check.detail.startswith("cannot open postgresql+psycopg://moiety:***@127.0.0.1")
    assert "s3cret" not in check.line()


def test_repositories(tmp_path):
    data = layout(tmp_path)
    assert doctor_local.repositories(data)[0].status == WARN
    migrate.upgrade(data.service_db_url)
    from moiety.core.projects import create_project
    from moiety.store import Database

    with Database(data.service_db_url) as db, db.session.begin() as session:
        for slug in ("egfr-sar", "gone"):
            create_project(session, slug=slug, title=slug, teams=["kinase"], created_by="lee")
    create_demo_project(data.projects_root, "egfr-sar")
    (data.projects_root / "plain-folder").mkdir()
    (data.projects_root / ".x.creating-1").mkdir()
    checks = {c.name: c for c in doctor_local.repositories(data)}
    assert checks["project repositories"].status == OK
    assert checks["project repositories"].detail == "1 of 2 pass git fsck"
    assert checks["project plain-folder"].status == WARN
    assert checks["project folders"].status == WARN
    assert checks["project folders"].detail.startswith("the service lists gone but")


@pytest.mark.parametrize(
    ("free", "total", "status"),
    [
        (50 << 30, 100 << 30, OK),
        (5 << 30, 100 << 30, WARN),
        (900 << 20, 2 << 30, WARN),
        (50 << 20, 100 << 30, FAIL),
        (2 << 30, 1000 << 30, WARN),
    ],
)
def test_disk_thresholds(tmp_path, monkeypatch, free, total, status):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(doctor_local.shutil, "disk_usage", lambda path: usage(total, 0, free))
    assert doctor_local.disk(layout(tmp_path)).status == status


class StandInHub(BaseHTTPRequestHandler):
    """Answers what a hub (and a project server behind its proxy) would answer."""

    routes: dict = {}
    users: list = []
    versions: dict = {}
    scoped = True

    def do_GET(self):
        url = urlparse(self.path)
        authorized = self.headers.get("Authorization") == "token admin-token"
        if url.path == "/hub/api/":
            return self.answer(200, {"version": "6.1.1"})
        if url.path == "/hub/health":
            return self.answer(200, {})
        if url.path == "/services/moiety/api/health":
            return self.answer(200, {"ok": True, "version": __version__})
        if not (authorized and self.scoped):
            return self.answer(403, {"message": "missing scopes"})
        if url.path == "/hub/api/proxy":
            return self.answer(200, self.routes)
        if url.path == "/hub/api/users":
            offset = int(parse_qs(url.query)["offset"][0])
            following = {"offset": offset + 1} if offset + 1 < len(self.users) else None
            page = {"items": self.users[offset : offset + 1], "_pagination": {"next": following}}
            return self.answer(200, page)
        for user, version in self.versions.items():
            if url.path == f"/user/{user}/moiety/api/health":
                return self.answer(200, {"name": "moiety", "version": version})
        return self.answer(404, {})

    def answer(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandInHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StandInHub.scoped = True
    StandInHub.users = [
        {"name": "alice", "servers": {"": {"ready": True, "url": "/user/alice/"}}},
        {"name": "project-a", "servers": {"": {"ready": True, "url": "/user/project-a/"}}},
        {"name": "project-b", "servers": {"": {"ready": True, "url": "/user/project-b/"}}},
    ]
    StandInHub.routes = {
        p: {}
        for p in ("/", "/services/moiety/", "/user/alice/", "/user/project-a/", "/user/project-b/")
    }
    StandInHub.versions = {"project-a": __version__, "project-b": __version__}
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def hub_checks(url, token="admin-token"):  # noqa: S107
    checks = HubChecks(url, Fetcher(token, 10))
    checks.reachable()
    return checks


def test_healthy_stand_in(stand_in):
    checks = hub_checks(stand_in)
    assert checks.proxy_routes().status == OK
    servers = checks.project_servers()
    assert (servers.status, servers.detail) == (OK, f"2 running, all with moiety {__version__}")


def test_missing_route_and_other_versions(stand_in):
    del StandInHub.routes["/user/project-b/"]
    StandInHub.versions["project-a"] = "0.0.1"
    del StandInHub.versions["project-b"]
    checks = hub_checks(stand_in)
    routes = checks.proxy_routes()
    assert (routes.status, routes.detail) == (FAIL, "no route for /user/project-b/")
    servers = checks.project_servers()
    assert servers.status == FAIL
    assert "project-b (HTTP 404)" in servers.detail
    del StandInHub.users[2]
    stale = hub_checks(stand_in).project_servers()
    assert (stale.status, stale.detail) == (
        WARN,
        f"running another moiety than {__version__}: project-a (0.0.1)",
    )


def test_a_token_without_the_scopes(stand_in):
    StandInHub.scoped = False
    checks = hub_checks(stand_in)
    assert "lacks the proxy scope" in checks.proxy_routes().detail
    assert checks.project_servers().status == WARN
    unknown = hub_checks(stand_in, token="not-it").proxy_routes()
    assert unknown.status == WARN
    assert "admin-token" not in unknown.line()


def test_the_runner_puts_every_check_in_order(stand_in, tmp_path):
    names = [c.name for c in Doctor(stand_in, layout(tmp_path), token="admin-token").run()]
    assert names == [
        "hub API",
        "hub health",
        "service",
        "service DB",
        "proxy routes",
        "project servers",
        "project repositories",
        "disk space",
    ]
