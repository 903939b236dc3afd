"""Who is in a collaborative document's room, so that its saves can be credited to people.

A collaborative room saves the shared document itself, a second after each change, without any
request from a person; jupyter-collaboration only says that the room saved. The rule: **a save
of a room is credited to everyone present in the room when it saves, and to everyone who left
it since its previous save** (whose last edits that save may be writing). A person with several
connections (tabs) to a room counts once and is present until the last one closes. When nobody
is or was there (a save after everyone left and was already credited), the caller credits the
project account.

Someone who keeps a notebook open without typing is credited too; the awareness events of
jupyter-collaboration do not say who typed. The debounced ``file.saved`` shows each person at
most once per quiet period, so the cost is a line in the feed, not a flood.
"""

from __future__ import annotations

from collections import Counter, defaultdict


class RoomPresence:
    def __init__(self) -> None:
        self._present: dict[str, Counter] = defaultdict(Counter)
        self._departed: dict[str, list[str]] = defaultdict(list)

    def join(self, room: str, person: str) -> None:
        self._present[room][person] += 1

    def leave(self, room: str, person: str) -> None:
        present = self._present.get(room)
        if not present or present[person] <= 0:
            return
        present[person] -= 1
        if present[person] == 0:
            del present[person]
            if person not in self._departed[room]:
                self._departed[room].append(person)
        if not present:
            del self._present[room]

    def present(self, room: str) -> list[str]:
        return sorted(self._present.get(room, ()))

    def everyone(self) -> list[str]:
        """Everyone in at least one room, sorted (the service shows them with the project)."""
        return sorted({person for present in self._present.values() for person in present})

    def saved(self, room: str) -> list[str]:
        """Who a save of ``room`` is credited to, sorted; forgets those who have left."""
        credited = set(self._present.get(room, ())) | set(self._departed.pop(room, ()))
        return sorted(credited)
