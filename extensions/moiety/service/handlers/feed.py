"""The feed: ``GET /feed``, ``GET /feed/stream`` (Server-Sent Events), posts and reactions."""

from __future__ import annotations

import asyncio

from tornado.iostream import StreamClosedError

from ...core import feed, posts, reactions
from ...core.events import serialize_event
from ...core.notifications import notify_event
from ..base import APIHandler
from ..stream import Subscriber, sse_message
from .notifications import deliveries

POST_SCHEMA = {
    "type": "object",
    "properties": {"project": {"type": "string"}, "body": {"type": "string"}},
    "required": ["project", "body"],
    "additionalProperties": False,
}
REACTION_SCHEMA = {
    "type": "object",
    "properties": {"emoji": {"type": "string"}},
    "required": ["emoji"],
    "additionalProperties": False,
}


FILTERS = {"project", "actor", "kind", "tag", "path"}


class FeedHandler(APIHandler):
    async def get(self):
        filters = feed.FeedFilter.from_arguments(self.query_lists(FILTERS | {"before", "limit"}))
        visible = await self.visible_projects()
        page = await self.moiety.storage.read(
            feed.read_feed,
            visible,
            filters,
            before=self.get_query_argument("before", None),
            limit=self.get_query_argument("limit", None),
            viewer=self.caller.name,
            secret=self.moiety.cursor_secret,
        )
        self.write_json(page)


class FeedStreamHandler(APIHandler):
    """Live events with the feed's filters; resumes after ``Last-Event-ID`` without gaps."""

    async def get(self):
        filters = feed.FeedFilter.from_arguments(self.query_lists(FILTERS | {"_xsrf", "after"}))
        last_id = feed.parse_last_event_id(
            self.request.headers.get("Last-Event-ID") or self.get_query_argument("after", None)
        )
        await self.visible_projects()
        subscriber = self._subscriber = Subscriber(
            filters=filters, visible=self.visible_now, user=self.caller.name
        )
        broadcaster = self.moiety.broadcaster
        broadcaster.subscribe(subscriber)
        self.set_header("Content-Type", "text/event-stream; charset=UTF-8")
        self.set_header("X-Accel-Buffering", "no")
        try:
            await self.send(b"retry: 3000\n: moiety feed stream\n\n")
            sent = await self.catch_up(filters, last_id) if last_id else 0
            await self.relay(subscriber, sent)
        except StreamClosedError:
            pass
        finally:
            broadcaster.unsubscribe(subscriber)

    async def catch_up(self, filters: feed.FeedFilter, last_id: int) -> int:
        while True:
            events = await self.moiety.storage.read(
                feed.events_after, self.visible_now(), last_id, filters, viewer=self.caller.name
            )
            for event in events:
                await self.send(sse_message(event), flush=False)
                last_id = event["id"]
            await self.flush()
            if len(events) < feed.MAX_LIMIT:
                return last_id

    async def relay(self, subscriber: Subscriber, sent: int) -> None:
        keepalive = self.moiety.keepalive_seconds
        while True:
            try:
                event_id, message = await asyncio.wait_for(subscriber.queue.get(), keepalive)
            except TimeoutError:
                await self.send(b": keep-alive\n\n")
                continue
            if event_id is None:
                return  # the client fell too far behind; it reconnects with Last-Event-ID
            if event_id > sent:
                await self.send(message)
                sent = event_id

    async def send(self, chunk: bytes, flush: bool = True) -> None:
        self.write(chunk)
        if flush:
            await self.flush()

    def on_connection_close(self):
        subscriber = getattr(self, "_subscriber", None)
        if subscriber is not None:
            subscriber.close()


class PostsHandler(APIHandler):
    async def post(self):
        body = self.json_body(POST_SCHEMA)
        project = await self.visible_project(body["project"])
        members = self.directory_now().people_of(project["teams"])
        event = await self.moiety.storage.write(
            _create_post,
            project=project["slug"],
            body=body["body"],
            actor=self.caller.name,
            members=members,
        )
        self.write_json(event, status=201)


def _create_post(session, *, published, **kwargs):
    created = posts.create_post(session, **kwargs)
    event = serialize_event(created)
    notified = notify_event(session, created, mentions=event["mentions"])
    published.extend(deliveries(notified, created, event))
    published.append(event)
    return event


class ReactionsHandler(APIHandler):
    async def post(self, event_id):
        await self._react(reactions.add_reaction, event_id, self.json_body(REACTION_SCHEMA))

    async def delete(self, event_id):
        emoji = self.get_query_argument("emoji", None)
        body = {"emoji": emoji} if emoji is not None else self.json_body(REACTION_SCHEMA)
        await self._react(reactions.remove_reaction, event_id, body)

    async def _react(self, change, event_id, body):
        visible = await self.visible_projects()
        result = await self.moiety.storage.write(
            lambda session, published: change(
                session,
                event_id=int(event_id),
                user=self.caller.name,
                emoji=body["emoji"],
                visible=visible,
            )
        )
        self.write_json({"event": int(event_id), "reactions": result})


default_handlers = [
    (r"api/feed", FeedHandler),
    (r"api/feed/stream", FeedStreamHandler),
    (r"api/posts", PostsHandler),
    (r"api/events/(\d{1,18})/reactions", ReactionsHandler),
]
