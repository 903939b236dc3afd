"""What a project server tells the service about its files, kept until the service has it.

Plain Python, no tornado: the project server extension feeds these objects with what it sees
(contents API requests, collaborative saves, snapshots) and delivers what :class:`Outbox` holds.

- :mod:`.cells`: cell ids and source hashes of notebooks (comment anchors, ``data.cells``);
- :mod:`.debounce`: folding many saves into one event per person and file per quiet period;
- :mod:`.presence`: who is in a collaborative document's room, to credit its saves;
- :mod:`.events`: the bodies of ``POST /events``, each with a stable idempotency key;
- :mod:`.outbox`: a durable queue of those bodies, retried with backoff until delivered;
- :mod:`.pending_commits`: commits marked before they land until their events are in the outbox.
"""

from .cells import Anchors, anchors, cell_hash, notebook_cells
from .debounce import Debouncer, Fold
from .outbox import Outbox, Pending, backoff_seconds, outcome
from .presence import RoomPresence

__all__ = [
    "Anchors",
    "Debouncer",
    "Fold",
    "Outbox",
    "Pending",
    "RoomPresence",
    "anchors",
    "backoff_seconds",
    "cell_hash",
    "notebook_cells",
    "outcome",
]
