"""Who is in a collaborative document's room, and who changed it since it was last saved.

A collaborative room saves the shared document itself, a second after each change, without any
request from a person; jupyter-collaboration only says that the room saved. Every change of the
document reaches the server over one person's websocket, so the server notes who sent it
(:meth:`RoomPresence.edited`). The rule: **a save of a room is credited to the people who
changed the document since the room's previous save**; someone who only watched is never
credited. When nobody did (a save the server made by itself), the caller credits the project
account.

Presence (who has a room open) is kept apart from that: the service shows it beside the
project. A person with several connections (tabs) to a room counts once and is present until
the last one closes.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from pycrdt import YMessageType, YSyncMessageType, read_message

_EMPTY_UPDATE = b"\x00\x00"
_CARRIES_UPDATES = (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE)


def is_document_change(message: bytes) -> bool:
    """Whether a message a client sent to a room changes the document (a non-empty update),
    as opposed to awareness (cursors, who is there) or a request for the document's state."""
    if len(message) < 3 or message[0] != YMessageType.SYNC or message[1] not in _CARRIES_UPDATES:
        return False
    try:
        return read_message(message[2:]) != _EMPTY_UPDATE
    except Exception:  # a malformed message; the room refuses it on its own
        return False


class RoomPresence:
    def __init__(self) -> None:
        self._present: dict[str, Counter] = defaultdict(Counter)
        self._editors: dict[str, set[str]] = defaultdict(set)

    def join(self, room: str, person: str) -> None:
        self._present[room][person] += 1

    def leave(self, room: str, person: str) -> None:
        present = self._present.get(room)
        if not present or present[person] <= 0:
            return
        present[person] -= 1
        if present[person] == 0:
            del present[person]
        if not present:
            del self._present[room]

    def edited(self, room: str, person: str) -> None:
        """``person`` sent a change of the room's document."""
        self._editors[room].add(person)

    def present(self, room: str) -> list[str]:
        return sorted(self._present.get(room, ()))

    def everyone(self) -> list[str]:
        """Everyone in at least one room, sorted (the service shows them with the project)."""
        return sorted({person for present in self._present.values() for person in present})

    def saved(self, room: str) -> list[str]:
        """Who a save of ``room`` is credited to, sorted: those who changed it since the
        previous save (forgotten now)."""
        return sorted(self._editors.pop(room, ()))
