"""Checks through the hub's public URL: the hub, the service, the proxy, project servers."""

from __future__ import annotations

from urllib.parse import urlencode

from .. import __version__
from ..core.accounts import PROJECT_ACCOUNT_PREFIX
from .doctor import FAIL, OK, WARN, Check
from .http import Fetcher

SERVICE_PREFIX = "/services/moiety/"
PAGINATION = "application/jupyterhub-pagination+json"
ADMIN_REMEDY = "pass --token or set MOIETY_TOKEN to an admin's token (from <hub>/hub/token)"
START_REMEDY = (
    "start the hub (moiety demo, or your service manager), or give its URL with --hub-url"
)


class HubChecks:
    def __init__(self, hub_url: str, fetch: Fetcher):
        self.hub_url = hub_url
        self.fetch = fetch
        self.up = False

    def reachable(self) -> list[Check]:
        api = self.fetch.get(f"{self.hub_url}/hub/api/")
        version = (api.json() or {}).get("version") if api.status == 200 else None
        if version:
            self.up = True
            first = Check(OK, "hub API", f"JupyterHub {version} answers at {self.hub_url}")
        else:
            first = Check(
                FAIL, "hub API", f"{self.hub_url}/hub/api/: {api.describe()}", START_REMEDY
            )
        health = self.fetch.get(f"{self.hub_url}/hub/health")
        if health.status == 200:
            second = Check(OK, "hub health", "/hub/health answers 200")
        else:
            second = Check(
                FAIL,
                "hub health",
                f"/hub/health: {health.describe()}",
                START_REMEDY if health.status == 0 else "read the hub's log",
            )
        return [first, second]

    def service(self) -> Check:
        name = "service"
        answer = self.fetch.get(f"{self.hub_url}{SERVICE_PREFIX}api/health")
        body = answer.json() if answer.status == 200 else None
        if isinstance(body, dict) and body.get("ok"):
            version = body.get("version")
            if version != __version__:
                return Check(
                    WARN,
                    name,
                    f"the service runs moiety {version}, this command is {__version__}",
                    "restart the hub after an upgrade so the service runs the installed version",
                )
            return Check(OK, name, f"moiety {version} answers at {SERVICE_PREFIX}api/health")
        if answer.status == 0:
            return Check(FAIL, name, f"not reachable: {answer.describe()}", START_REMEDY)
        if answer.status == 404:
            remedy = "the hub config must list the moiety service (c.JupyterHub.services)"
        else:
            remedy = (
                "the service is down or still starting: read the hub log for 'moiety' (the hub "
                "starts it; on Kubernetes: kubectl logs deploy/moiety-service)"
            )
        return Check(FAIL, name, f"{SERVICE_PREFIX}api/health: {answer.describe()}", remedy)

    def proxy_routes(self) -> Check:
        name = "proxy routes"
        skipped = self._skipped(name)
        if skipped:
            return skipped
        answer = self.fetch.get(f"{self.hub_url}/hub/api/proxy", auth=True)
        if answer.status in (401, 403):
            return Check(
                WARN,
                name,
                "the token may not read the proxy's routes (it lacks the proxy scope)",
                ADMIN_REMEDY,
            )
        routes = answer.json() if answer.status == 200 else None
        if not isinstance(routes, dict):
            return Check(FAIL, name, f"/hub/api/proxy: {answer.describe()}", "read the hub's log")
        servers, problem = self._running_servers()
        expected = {SERVICE_PREFIX} | {server["url"] for server in servers}
        paths = {_path_of(spec) for spec in routes}
        missing = sorted(expected - paths)
        if missing:
            return Check(
                FAIL,
                name,
                f"no route for {', '.join(missing)}",
                "restart the hub, which adds every missing route at start (it also re-checks "
                "them every few minutes)",
            )
        detail = f"{len(routes)} routes, the service's and every running server's among them"
        if problem:
            detail = f"{len(routes)} routes, the service's among them ({problem})"
        return Check(OK, name, detail)

    def project_servers(self) -> Check:
        name = "project servers"
        skipped = self._skipped(name)
        if skipped:
            return skipped
        servers, problem = self._running_servers()
        if problem:
            return Check(WARN, name, problem, ADMIN_REMEDY)
        projects = [s for s in servers if s["user"].startswith(PROJECT_ACCOUNT_PREFIX)]
        if not projects:
            return Check(OK, name, "no project server is running")
        stale, broken = [], []
        for server in projects:
            answer = self.fetch.get(f"{self.hub_url}{server['url']}moiety/api/health", auth=True)
            body = answer.json() if answer.status == 200 else None
            if not isinstance(body, dict):
                broken.append(f"{server['user']} ({answer.describe()})")
            elif body.get("version") != __version__:
                stale.append(f"{server['user']} ({body.get('version')})")
        if broken:
            return Check(
                FAIL,
                name,
                f"no Moiety health answer from {', '.join(broken)}",
                "stop and start those servers (hub admin page); check that the single-user "
                "image has moiety installed and its server extension enabled",
            )
        if stale:
            return Check(
                WARN,
                name,
                f"running another moiety than {__version__}: {', '.join(stale)}",
                "stop those servers (hub admin page) so they start again with the installed "
                "version",
            )
        return Check(OK, name, f"{len(projects)} running, all with moiety {__version__}")

    def _skipped(self, name: str) -> Check | None:
        if not self.up:
            return Check(WARN, name, "skipped: the hub is not reachable", "fix the hub first")
        if not self.fetch.has_token:
            return Check(WARN, name, "skipped: it needs an admin's token", ADMIN_REMEDY)
        return None

    def _running_servers(self) -> tuple[list[dict], str]:
        """``[{user, url}]`` of every ready server, and a problem if the hub would not say."""
        if hasattr(self, "_servers"):
            return self._servers
        servers, offset = [], 0
        while True:
            query = urlencode({"state": "ready", "offset": offset, "limit": 200})
            answer = self.fetch.get(
                f"{self.hub_url}/hub/api/users?{query}", auth=True, accept=PAGINATION
            )
            page = answer.json() if answer.status == 200 else None
            if not isinstance(page, dict):
                self._servers = (
                    [],
                    f"the token may not list users and servers ({answer.describe()})",
                )
                return self._servers
            for user in page.get("items", []):
                for server in (user.get("servers") or {}).values():
                    if server.get("ready") and server.get("url"):
                        servers.append({"user": user["name"], "url": server["url"]})
            following = (page.get("_pagination") or {}).get("next")
            if not following:
                break
            offset = following["offset"]
        self._servers = (servers, "")
        return self._servers


def _path_of(routespec: str) -> str:
    """A route spec is ``/path/`` or, with subdomains, ``host/path/``."""
    return routespec if routespec.startswith("/") else routespec[routespec.find("/") :]
