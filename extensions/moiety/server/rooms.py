"""Who sends each change of a collaborative document: the room's websocket, as its person.

jupyter-collaboration applies the Y updates that arrive on a room's websocket
(``YDocWebSocketHandler``); each connection is authenticated as one hub user, but the room
itself never says whose update it applied. :func:`attribute_room_edits` puts a subclass in
place of that handler in the server's routes: it notes ``(room, user)`` for every message
that changes the document, then handles the message exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable

from jupyter_server_ydoc.handlers import YDocWebSocketHandler

from ..core.activity.presence import is_document_change

ON_EDIT = "moiety_room_edit"
"""The tornado setting holding ``on_edit(room, user)``."""


class AttributedRoomHandler(YDocWebSocketHandler):
    """A room's websocket that tells ``settings[ON_EDIT]`` who changed the document."""

    async def on_message(self, message):
        if isinstance(message, bytes) and is_document_change(message):
            on_edit = self.settings.get(ON_EDIT)
            user = getattr(self.current_user, "username", None)
            if on_edit is not None and user:
                on_edit(self._room_id, user)
        return await super().on_message(message)


def attribute_room_edits(web_app, on_edit: Callable[[str, str], None]) -> bool:
    """Route the collaboration rooms through :class:`AttributedRoomHandler`; ``False`` if
    this server has no collaboration rooms."""
    web_app.settings[ON_EDIT] = on_edit
    found = False
    for rule in _rules(web_app.default_router):
        if rule.target is YDocWebSocketHandler:
            rule.target = AttributedRoomHandler
            found = True
    return found


def _rules(router):
    for rule in getattr(router, "rules", ()):
        yield rule
        yield from _rules(rule.target)
