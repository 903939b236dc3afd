"""A small client of the Moiety service API, for the CLI and for kernel code.

Standard library only, so it loads fast in a kernel and needs nothing beyond Moiety itself.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request


class MoietyAPIError(Exception):
    """The service refused a request; ``message`` is its explanation."""

    def __init__(self, status: int, error: str, message: str):
        super().__init__(f"{message} ({status} {error})")
        self.status = status
        self.error = error
        self.message = message


class ServiceClient:
    def __init__(self, api_url: str, token: str, timeout: float = 60):
        self.api_url = api_url.rstrip("/") + "/"
        self._token = token
        self.timeout = timeout

    @classmethod
    def from_environment(cls) -> ServiceClient:
        """In a single-user server or its kernels: the server's own token and service URL."""
        url = os.environ.get("MOIETY_SERVICE_API_URL")
        token = os.environ.get("JUPYTERHUB_API_TOKEN")
        if not url or not token:
            raise RuntimeError(
                "Not running in a Moiety hub: MOIETY_SERVICE_API_URL and JUPYTERHUB_API_TOKEN "
                "are not set."
            )
        return cls(url, token)

    def __repr__(self) -> str:
        return f"ServiceClient({self.api_url!r})"

    def request(self, method: str, path: str, body=None, params: dict | None = None):
        url = self.api_url + path.lstrip("/")
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 -- the configured service URL
            url,
            data=data,
            method=method,
            headers={"Authorization": f"token {self._token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as e:
            raise _api_error(e) from None
        except urllib.error.URLError as e:
            raise MoietyAPIError(
                0, "unreachable", f"Cannot reach {self.api_url}: {e.reason}"
            ) from None
        return json.loads(payload) if payload else None

    def get(self, path: str, **params):
        return self.request("GET", path, params=params)

    def post(self, path: str, body=None):
        return self.request("POST", path, body)


def _api_error(e: urllib.error.HTTPError) -> MoietyAPIError:
    try:
        payload = json.loads(e.read() or b"{}")
    except ValueError:
        payload = {}
    return MoietyAPIError(
        e.code, payload.get("error", "http-error"), payload.get("message", str(e.reason))
    )
