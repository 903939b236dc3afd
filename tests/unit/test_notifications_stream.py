"""Live notifications on feed streams: to their recipient only, in an order the stream relays."""

import asyncio
import json

from moiety.core.feed import FeedFilter
from moiety.service.stream import Broadcaster, Delivery, Subscriber

EGFR = frozenset({"egfr"})


def relayed(subscriber: Subscriber, sent: float = 0) -> list[bytes]:
    """What the feed stream handler sends: queued messages newer than what it sent."""
    out = []
    while not subscriber.queue.empty():
        key, message = subscriber.queue.get_nowait()
        if key is not None and key > sent:
            out.append(message)
            sent = key
    return out


def event(event_id: int, project: str = "egfr") -> dict:
    return {"id": event_id, "project": project, "kind": "thread.opened", "actor": "alice"}


def note(event_id: int) -> Delivery:
    return Delivery("bob", "egfr", event_id, {"id": event_id * 10, "reason": "mention"})


def test_a_notification_reaches_its_recipient_just_before_its_event():
    async def run():
        broadcaster = Broadcaster()
        bob = broadcaster.subscribe(Subscriber(FeedFilter(), lambda: EGFR, user="bob"))
        alice = broadcaster.subscribe(Subscriber(FeedFilter(), lambda: EGFR, user="alice"))
        filtered = broadcaster.subscribe(
            Subscriber(FeedFilter(projects=frozenset({"other"})), lambda: EGFR, user="bob")
        )
        blind = broadcaster.subscribe(Subscriber(FeedFilter(), frozenset, user="bob"))
        broadcaster.publish([event(4)])
        broadcaster.publish([note(5), event(5)])
        broadcaster.publish([event(6)])
        return [relayed(s) for s in (bob, alice, filtered, blind)]

    bob, alice, filtered, blind = asyncio.run(run())
    assert [m.split(b"\n")[0] for m in bob] == [
        b"id: 4",
        b"event: notification",
        b"id: 5",
        b"id: 6",
    ]
    data = json.loads(bob[1].split(b"data: ", 1)[1])
    assert data == {"id": 50, "reason": "mention"}
    assert b"id:" not in bob[1]
    assert [m.split(b"\n")[0] for m in alice] == [b"id: 4", b"id: 5", b"id: 6"]
    assert [m.split(b"\n")[0] for m in filtered] == [b"event: notification"]
    assert blind == []


def test_a_notification_about_an_older_event_is_not_dropped():
    """An edit that adds a mention notifies about the comment's (older) event."""

    async def run():
        broadcaster = Broadcaster()
        bob = broadcaster.subscribe(Subscriber(FeedFilter(), lambda: EGFR, user="bob"))
        broadcaster.publish([event(7), event(8)])
        broadcaster.publish([note(3)])
        broadcaster.publish([event(9)])
        return relayed(bob)

    assert [m.split(b"\n")[0] for m in asyncio.run(run())] == [
        b"id: 7",
        b"id: 8",
        b"event: notification",
        b"id: 9",
    ]
