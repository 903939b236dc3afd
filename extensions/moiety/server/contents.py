"""What a finished request to the contents API changed, and who changed it.

Read from the handler once it has answered (the tornado application's ``log_function`` sees
every finished handler): a PUT that answers 200 is a save; a PUT or POST that answers 201 a
creation, at the path in its ``Location`` header (POST picks the name itself); a PATCH a rename
from the path in the URL to the one in ``Location``; a DELETE that answers 204 a deletion;
restoring a checkpoint (POST ``.../checkpoints/<id>``) a save. Failed requests changed nothing.
"""

from __future__ import annotations

from jupyter_server.services.contents.handlers import ContentsHandler, ModifyCheckpointsHandler
from tornado.escape import url_unescape

WRITES = ("PUT", "PATCH", "POST", "DELETE")


def contents_change(handler, contents_prefix: str) -> tuple | None:
    """``(what, user, path[, new path])`` for a request that changed a file, else ``None``.

    ``what`` is ``"saved"``, ``"created"``, ``"renamed"`` or ``"deleted"``; ``contents_prefix``
    is ``<base_url>api/contents/``.
    """
    status = handler.get_status()
    if status >= 300 or not isinstance(handler, ContentsHandler | ModifyCheckpointsHandler):
        return None
    method = handler.request.method
    user = getattr(handler.current_user, "username", None)
    if method not in WRITES or not user:
        return None
    path = handler.path_kwargs.get("path", "").strip("/")
    if isinstance(handler, ModifyCheckpointsHandler):
        return ("saved", user, path) if method == "POST" else None
    if status == 201:
        return ("created", user, _location(handler, contents_prefix) or path)
    if method == "PUT":
        return ("saved", user, path)
    if method == "PATCH":
        new = _location(handler, contents_prefix)
        return ("renamed", user, path, new) if new else None
    if method == "DELETE":
        return ("deleted", user, path)
    return None


def _location(handler, contents_prefix: str) -> str | None:
    # tornado has no public getter for a response header; _headers holds what was sent
    location = handler._headers.get("Location", "")
    if not location.startswith(contents_prefix):
        return None
    return url_unescape(location[len(contents_prefix) :]).strip("/")
