"""Fan-out of new events to open live streams (Server-Sent Events).

Besides feed events (``event: feed``, with an ``id:``), a stream carries its caller's new
notifications (``event: notification``, without an ``id:``, so ``Last-Event-ID`` still names
the last feed event). Writers put a :class:`Delivery` in their ``published`` list, before the
event it is about; :meth:`Broadcaster.publish` offers it to the recipient's streams only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.feed import FeedFilter
from ..core.markup import normalize_tag

QUEUE_LIMIT = 1000


def sse_message(event: dict) -> bytes:
    """One SSE message; ``id`` lets a reconnecting client resume with ``Last-Event-ID``."""
    return f"id: {event['id']}\nevent: feed\ndata: {json.dumps(event, default=str)}\n\n".encode()


def notification_message(notification: dict) -> bytes:
    return f"event: notification\ndata: {json.dumps(notification, default=str)}\n\n".encode()


@dataclass(frozen=True)
class Delivery:
    """A new notification for ``user`` about an event of ``project``."""

    user: str
    project: str
    event_id: int
    notification: dict


def matches(filters: FeedFilter, event: dict) -> bool:
    """Whether a new event passes the filters, as ``read_feed`` would have selected it."""
    if filters.projects and event["project"] not in filters.projects:
        return False
    if filters.actor is not None and event["actor"] != filters.actor:
        return False
    if filters.kinds and event["kind"] not in filters.kinds:
        return False
    if filters.tag is not None and normalize_tag(filters.tag) not in event.get("tags", ()):
        return False
    if filters.path is not None:
        path = event.get("path") or ""
        if filters.path.endswith("/"):
            return path.startswith(filters.path)
        return path == filters.path
    return True


@dataclass(eq=False)
class Subscriber:
    """One open stream: what it asked for and what its caller may see."""

    filters: FeedFilter
    visible: Callable[[], frozenset[str]]
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    overflowed: bool = False
    user: str | None = None
    """Whose notifications this stream carries."""

    def wants(self, event: dict) -> bool:
        return event["project"] in self.visible() and matches(self.filters, event)

    def close(self) -> None:
        """Wake the stream's handler so it ends (the client went away, or fell behind)."""
        self.overflowed = True
        while True:
            try:
                self.queue.put_nowait((None, b""))
                return
            except asyncio.QueueFull:
                self.queue.get_nowait()

    def offer(self, event: dict, message: bytes) -> None:
        self._put(event["id"], message)

    def offer_notification(self, key: float, message: bytes) -> None:
        self._put(key, message)

    def _put(self, key: float, message: bytes) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait((key, message))
        except asyncio.QueueFull:
            self.close()


class Broadcaster:
    def __init__(self):
        self.subscribers: set[Subscriber] = set()
        self.newest = 0
        """The newest event id published: notifications are queued after it."""

    def subscribe(self, subscriber: Subscriber) -> Subscriber:
        self.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    def publish(self, events: list[dict | Delivery]) -> None:
        for event in events:
            if isinstance(event, Delivery):
                self.deliver(event)
                continue
            self.newest = max(self.newest, event["id"])
            message = sse_message(event)
            for subscriber in list(self.subscribers):
                if subscriber.wants(event):
                    subscriber.offer(event, message)

    def deliver(self, delivery: Delivery) -> None:
        """Offer a notification to its recipient's streams. A stream relays only what is
        newer than what it sent, so the notification is keyed just below the event it is
        about when that event is still to come (it follows in the same ``publish``), or just
        above the newest event published (an edit that mentions someone)."""
        key = max(delivery.event_id, self.newest + 1) - 0.5
        message = notification_message(delivery.notification)
        for subscriber in list(self.subscribers):
            if subscriber.user == delivery.user and delivery.project in subscriber.visible():
                subscriber.offer_notification(key, message)
