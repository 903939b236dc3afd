"""Minimal HTTP for ``moiety doctor`` (standard library): no redirects followed, the token
sent only in the Authorization header and never shown."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    status: int
    """The HTTP status, or 0 when nothing answered."""
    body: bytes = b""
    reason: str = ""
    headers: dict | None = None

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def describe(self) -> str:
        return f"no answer ({self.reason})" if self.status == 0 else f"HTTP {self.status}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Fetcher:
    def __init__(self, token: str | None, timeout: float):
        self._token = token
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect)

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    def get(self, url: str, *, auth: bool = False, accept: str = "application/json") -> Answer:
        headers = {"Accept": accept}
        if auth and self._token:
            headers["Authorization"] = f"token {self._token}"
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 -- http(s) URLs
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read(), headers=dict(response.headers))
        except urllib.error.HTTPError as e:
            return Answer(e.code, e.read() or b"", str(e.reason), dict(e.headers or {}))
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", None) or e
            return Answer(0, reason=str(reason))
