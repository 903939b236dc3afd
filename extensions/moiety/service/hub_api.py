"""The few JupyterHub REST calls the service makes with its own token."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote, urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest


class HubAPIError(Exception):
    """The hub refused or failed a call; the message never contains the token."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class HubAPI:
    def __init__(self, api_url: str, token: str, *, timeout: float = 20):
        self.api_url = api_url.rstrip("/") + "/"
        self._token = token
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"HubAPI({self.api_url!r})"

    async def request(self, method: str, path: str, body=None, *, allow: tuple[int, ...] = ()):
        request = HTTPRequest(
            self.api_url + path,
            method=method,
            headers={"Authorization": f"token {self._token}", "Content-Type": "application/json"},
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
            request_timeout=self.timeout,
        )
        try:
            response = await AsyncHTTPClient().fetch(request)
        except HTTPClientError as e:
            if e.code in allow:
                return None
            detail = ""
            if e.response is not None and e.response.body:
                try:
                    detail = json.loads(e.response.body).get("message", "")
                except ValueError:
                    detail = ""
            raise HubAPIError(e.code, f"hub {method} {path} answered {e.code} {detail}") from None
        if not response.body:
            return None
        return json.loads(response.body)

    async def groups(self) -> list[dict]:
        groups: list[dict] = []
        offset = 0
        while True:
            page = await self.request("GET", f"groups?offset={offset}&limit=200")
            items = page["items"] if isinstance(page, dict) else page
            groups.extend(items)
            if not isinstance(page, dict) or not page.get("_pagination", {}).get("next"):
                return groups
            offset += len(items)

    async def user(self, name: str) -> dict | None:
        return await self.request("GET", f"users/{quote(name)}", allow=(404,))

    async def create_user(self, name: str) -> dict | None:
        return await self.request("POST", f"users/{quote(name)}", allow=(409,))

    async def add_to_group(self, group: str, users: list[str]) -> None:
        await self.request("POST", f"groups/{quote(group)}/users", {"users": users})

    async def start_server(self, name: str) -> None:
        await self.request("POST", f"users/{quote(name)}/server", allow=(400,))

    async def server_get(self, url: str, *, timeout: float | None = None) -> tuple[int, Any]:
        """GET ``url``, a user server's API reached through the hub's proxy, with the
        service's own token (it holds ``access:servers!group=moiety-projects``).

        Returns ``(status, JSON answer or None)``; 599 when nothing answered in time.
        Redirects are not followed: the hub answers them when the server is not running.
        """
        request = HTTPRequest(
            url,
            headers={"Authorization": f"token {self._token}", "Accept": "application/json"},
            follow_redirects=False,
            request_timeout=timeout or self.timeout,
        )
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except (HTTPClientError, OSError):
            return 599, None
        try:
            return response.code, json.loads(response.body) if response.body else None
        except ValueError:
            return response.code, None


def public_origin() -> str:
    """The hub's public address (``http://host:port``) as JupyterHub tells its services when
    ``JupyterHub.public_url`` is set (``JUPYTERHUB_PUBLIC_HUB_URL``), else ``""``."""
    url = os.environ.get("JUPYTERHUB_PUBLIC_HUB_URL") or os.environ.get("JUPYTERHUB_PUBLIC_URL")
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
