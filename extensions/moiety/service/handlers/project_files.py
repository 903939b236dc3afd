"""A project's files as its project server sees them: what threads can anchor to.

The project server answers ``GET <server>moiety/api/anchors?path=`` (cells with their source
hashes, a text's line count, HEAD's commit) and, for the lines of a text file, its contents
API. The service calls them through the hub's proxy with its own token, starting the server
first if it is not running, and answers 503 if it cannot get an answer in time.

When the project repositories are on the service's own disk (the embedded deployment, where
the service also creates them), the same core function reads the same working copy there:
no server needs to start just to learn a notebook's cell ids.
"""

from __future__ import annotations

import asyncio
import errno
from pathlib import Path
from urllib.parse import quote, urlencode

from ...core.accounts import project_account
from ...core.activity.cells import anchors
from ...core.errors import InvalidInput, MoietyError
from ...core.event_fields import storable
from ...core.thread_anchors import FileAnchors
from ..hub_api import public_origin

NOT_RUNNING = frozenset({302, 303, 424, 502, 503, 599})
MAX_TEXT_BYTES = 20 * 1024 * 1024


class ProjectUnavailable(MoietyError):
    status = 503
    code = "project-unavailable"


class ProjectFileError(MoietyError):
    """The project server refused the path (unsafe, a folder...): its own status and words."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message, code=code)
        self.status = status


class ProjectFiles:
    def __init__(self, app, *, start_timeout: float = 45.0):
        self.app = app
        self.start_timeout = start_timeout

    def local_root(self, slug: str) -> Path | None:
        root = getattr(self.app, "projects_root", "")
        if not root:
            return None
        repository = Path(root) / slug
        return repository if (repository / ".git").is_dir() else None

    def server_url(self, slug: str) -> str:
        origin = getattr(self.app, "proxy_url", "") or public_origin()
        if not origin:
            raise ProjectUnavailable(
                "The Moiety service does not know the hub's public address, so it cannot ask "
                f"the server of {slug} about its files; an admin sets JupyterHub.public_url."
            )
        return f"{origin.rstrip('/')}/user/{project_account(slug)}/"

    async def read(
        self, slug: str, path: str, *, lines: bool = False, start: bool = True
    ) -> FileAnchors:
        """The file ``path`` of project ``slug`` now, with its lines if ``lines`` and it is
        text. ``start``: start the project server if it is not running."""
        if not storable(path):
            raise InvalidInput(
                "The path has a NUL or an unpaired surrogate character; give a file's path.",
                code="unsafe-path",
            )
        root = self.local_root(slug)
        if root is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, read_local, root, path, lines)
        return await self.read_remote(slug, path, lines=lines, start=start)

    async def read_remote(
        self, slug: str, path: str, *, lines: bool = False, start: bool = True
    ) -> FileAnchors:
        base = self.server_url(slug)
        url = f"{base}moiety/api/anchors?{urlencode({'path': path})}"
        hub = self.app.hub
        status, answer = await hub.server_get(url)
        if status in NOT_RUNNING and start:
            if not await self.app.projects.start(slug, timeout=self.start_timeout):
                raise _unavailable(slug)
            status, answer = await hub.server_get(url)
        if status != 200 or not isinstance(answer, dict) or "path" not in answer:
            if 400 <= status < 500 and status != 403 and isinstance(answer, dict):
                message = answer.get("message") or f"The project server refused {path!r}."
                raise ProjectFileError(status, answer.get("error") or "bad-path", message)
            raise _unavailable(slug)
        text = None
        if lines and answer.get("kind") == "text":
            query = urlencode({"type": "file", "format": "text", "content": "1"})
            code, model = await hub.server_get(
                f"{base}api/contents/{quote(answer['path'])}?{query}"
            )
            if code == 200 and isinstance(model, dict) and isinstance(model.get("content"), str):
                text = model["content"].splitlines()
        return FileAnchors.from_json(answer, text)


def read_local(root: Path, path: str, lines: bool) -> FileAnchors:
    try:
        found = anchors(root, path)
    except OSError as e:
        if e.errno != errno.ENAMETOOLONG:
            raise
        return FileAnchors(path=path, exists=False)
    text = None
    if lines and found.kind == "text":
        full = root / found.path
        try:
            if full.stat().st_size <= MAX_TEXT_BYTES:
                text = full.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            text = None
    return FileAnchors.from_json(found.to_json(), text)


def _unavailable(slug: str) -> ProjectUnavailable:
    return ProjectUnavailable(
        f"The server of project {slug} did not answer in time; try again in a minute."
    )
