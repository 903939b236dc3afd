"""Fixtures that start a real JupyterHub with the real proxy and the Moiety service.

The hub runs exactly as ``make demo`` runs it: ``moiety demo`` with ``hub_config/`` and the
configurable-http-proxy installed into the repository, on free ports, in a temporary data
directory. Browsers and API clients talk to it through the proxy, as people do.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str, proc=None):
    """Poll ``predicate`` until it is true: for start-up of processes we do not control."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {proc.returncode}")
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not happen within {timeout}s")


def processes_of(data_dir: Path) -> list[int]:
    """Live processes of a hub: they mention its data directory or work inside it."""
    marker = str(data_dir)
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "environ").read_bytes() + (entry / "cmdline").read_bytes()
            cwd = os.readlink(entry / "cwd")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if state != "Z" and (marker.encode() in text or cwd.startswith(marker)):
            pids.append(int(entry.name))
    return pids


@dataclass
class Hub:
    url: str
    data_dir: Path
    proc: subprocess.Popen
    env: dict
    ports: dict
    log_path: Path
    _sessions: dict = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def login(self, name: str, password: str = PASSWORD) -> requests.Session:
        """A browser-like session logged in through the hub's real login form."""
        s = requests.Session()
        r = s.get(f"{self.url}/hub/login")
        r.raise_for_status()
        r = s.post(
            f"{self.url}/hub/login",
            data={"username": name, "password": password, "_xsrf": s.cookies.get("_xsrf")},
            allow_redirects=False,
        )
        if r.status_code != 302:
            raise AssertionError(f"login of {name} answered {r.status_code}")
        return s

    def session(self, name: str) -> requests.Session:
        """A cached logged-in session per user, for tests that only need to be someone."""
        if name not in self._sessions:
            self._sessions[name] = self.login(name)
        return self._sessions[name]

    def hub_api(self, s: requests.Session, method: str, path: str, **kwargs):
        headers = {"X-XSRFToken": s.cookies.get("_xsrf", path="/hub/") or ""}
        headers.update(kwargs.pop("headers", {}))
        return s.request(method, f"{self.url}/hub/api/{path}", headers=headers, **kwargs)

    def token(self, name: str, scopes: list[str] | None = None, as_user: str | None = None) -> str:
        """A hub API token of ``name`` (made by ``as_user``, e.g. ``admin``, if given)."""
        s = self.session(as_user or name)
        body = {"note": "moiety tests", "expires_in": 3600}
        if scopes is not None:
            body["scopes"] = scopes
        r = self.hub_api(s, "POST", f"users/{name}/tokens", json=body)
        r.raise_for_status()
        return r.json()["token"]

    def start_server(self, name: str, as_user: str | None = None, timeout: float = 90) -> str:
        """Start ``name``'s server and wait for the hub's progress stream to say it is ready."""
        s = self.session(as_user or name)
        r = self.hub_api(s, "POST", f"users/{name}/server")
        if r.status_code not in (201, 202, 400):
            raise AssertionError(f"start of {name}'s server answered {r.status_code}: {r.text}")
        with self.hub_api(
            s, "GET", f"users/{name}/server/progress", stream=True, timeout=timeout
        ) as progress:
            for line in progress.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    if event.get("failed"):
                        raise AssertionError(f"{name}'s server failed: {event.get('message')}")
                    if event.get("ready"):
                        return f"{self.url}{event['url']}"
        info = self.hub_api(s, "GET", f"users/{name}").json()
        server = info.get("servers", {}).get("", {})
        if server.get("ready"):
            return f"{self.url}{server['url']}"
        raise AssertionError(f"{name}'s server did not become ready")

    def service_session(self, s: requests.Session) -> str:
        """Open the Moiety service session as the browser does; returns the XSRF token."""
        r = s.get(f"{self.url}/services/moiety/session")
        r.raise_for_status()
        return s.cookies.get("_xsrf", path="/services/moiety/")

    def stop(self, sig=signal.SIGINT, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


class ServiceClient:
    """Calls the Moiety service through the hub's proxy with a hub API token (or none)."""

    def __init__(self, hub: Hub, token: str | None):
        self.base = f"{hub.url}/services/moiety/api/"
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"token {token}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 90)
        return self.http.request(method, self.base + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def service_client(hub: Hub, name: str | None) -> ServiceClient:
    """A client acting as ``name`` (a person, or ``project-<slug>`` for a project server's
    token with the scopes the hub gives project servers), or anonymous for ``None``."""
    if name is None:
        return ServiceClient(hub, None)
    key = ("client", name)
    if key not in hub._sessions:
        if name.startswith("project-"):
            scopes = ["access:services!service=moiety", "custom:moiety:report!user"]
            token = hub.token(name, scopes=scopes, as_user="admin")
        else:
            token = hub.token(name)
        hub._sessions[key] = ServiceClient(hub, token)
    return hub._sessions[key]


def start_hub(tmp: Path, extra_env: dict | None = None, *, default_data_dir: bool = False) -> Hub:
    """Start ``moiety demo`` with its data in ``tmp/data``; with ``default_data_dir``, as a person
    runs ``make demo``: no data directory given, from ``tmp``, so the data lands in
    ``tmp/var/demo``."""
    ports = {
        "public": free_port(),
        "hub": free_port(),
        "proxy_api": free_port(),
        "service": free_port(),
    }
    data_dir = tmp / "var" / "demo" if default_data_dir else tmp / "data"
    env = {
        **{k: v for k, v in os.environ.items() if k != "MOIETY_DATA_DIR"},
        **({} if default_data_dir else {"MOIETY_DATA_DIR": str(data_dir)}),
        "MOIETY_PORT": str(ports["public"]),
        "MOIETY_HUB_PORT": str(ports["hub"]),
        "MOIETY_PROXY_API_PORT": str(ports["proxy_api"]),
        "MOIETY_SERVICE_PORT": str(ports["service"]),
        "MOIETY_DEMO_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    config = data_dir / "moiety_service_config.py"
    if not config.exists():
        # Idle streams get a comment each second, so tests that close a stream do not wait.
        config.write_text("c.MoietyService.keepalive_seconds = 1.0\n")
    log_path = tmp / "hub.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moiety.cli", "demo"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=tmp if default_data_dir else REPO,
        )
    hub = Hub(
        url=f"http://127.0.0.1:{ports['public']}",
        data_dir=data_dir,
        proc=proc,
        env=env,
        ports=ports,
        log_path=log_path,
    )

    def ready():
        try:
            r = requests.get(f"{hub.url}/services/moiety/api/health", timeout=2)
        except requests.ConnectionError:
            return False
        return r.status_code == 200

    try:
        _wait_for(ready, 90, "the hub and the Moiety service answering", proc)
    except Exception:
        hub.stop()
        raise RuntimeError(f"hub did not start; its log:\n{hub.log()[-5000:]}") from None
    return hub


def stop_hub(hub: Hub) -> None:
    hub.stop()
    _wait_for(lambda: not processes_of(hub.data_dir), 90, "every hub process exiting")


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """The demo hub, shared by the tests of a session (starting one takes seconds)."""
    hub = start_hub(tmp_path_factory.mktemp("hub"))
    yield hub
    stop_hub(hub)


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def db_hub(request, tmp_path_factory):
    """A demo hub whose service stores its data in SQLite, then in PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("hub")
        return
    databases = request.getfixturevalue("postgres_databases")
    url = databases.url(databases.create("hub"))
    hub = start_hub(tmp_path_factory.mktemp("pghub"), {"MOIETY_DB_URL": url})
    yield hub
    stop_hub(hub)
