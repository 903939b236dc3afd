"""Comment threads: ``/threads``, ``/threads/{id}``, ``/threads/{id}/comments``.

Anyone who can see a project reads and writes its threads (project servers only read them).
Ids of threads the caller cannot see answer 404. Comments are in :mod:`.comments`.
"""

from __future__ import annotations

from ...core import comments, threads
from ...core.errors import InvalidInput
from ...core.events import serialize_event
from ...core.thread_anchors import Anchor
from ..base import APIHandler
from .notifications import deliveries, people_only, single
from .project_files import ProjectFiles

BODY = {"type": "string"}
THREAD_SCHEMA = {
    "type": "object",
    "properties": {
        "project": {"type": "string", "minLength": 1, "maxLength": 64},
        "path": {"type": "string", "minLength": 1, "maxLength": 1024},
        "anchor": {
            "type": "object",
            "properties": {
                "cell_id": {"type": "string", "minLength": 1, "maxLength": 255},
                "line": {"type": "integer", "minimum": 1, "maximum": 10**9},
                "line_end": {"type": "integer", "minimum": 1, "maximum": 10**9},
            },
            "additionalProperties": False,
        },
        "body": BODY,
    },
    "required": ["project", "path", "body"],
    "additionalProperties": False,
}
COMMENT_SCHEMA = {
    "type": "object",
    "properties": {"body": BODY},
    "required": ["body"],
    "additionalProperties": False,
}
STATE_SCHEMA = {
    "type": "object",
    "properties": {"state": {"enum": ["open", "resolved"]}},
    "required": ["state"],
    "additionalProperties": False,
}
REACTION_SCHEMA = {
    "type": "object",
    "properties": {"emoji": {"type": "string"}},
    "required": ["emoji"],
    "additionalProperties": False,
}
LIST_ARGUMENTS = {"project", "path", "state", "cell_id", "before", "limit"}


def row_id(value: str, what: str) -> int:
    """A thread or comment id from the URL (an unknown one answers 404, never 500)."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        error = threads.ThreadNotFound if what == "thread" else comments.CommentNotFound
        raise error(f"There is no {what} {value!r} that you can see.")
    return int(value)


class DiscussionHandler(APIHandler):
    def members(self, project: dict) -> set[str]:
        return self.directory_now().people_of(project["teams"])

    def moderated(self, visible: frozenset[str]) -> set[str]:
        catalog = self.moiety.catalog
        return {slug for slug in visible if self.caller.moderates(catalog.get(slug)["teams"])}

    async def write_change(self, change_fn, status: int = 200, **kwargs):
        viewer = self.caller.name

        def run(session, published):
            change = change_fn(session, **kwargs)
            return publish(session, published, change, viewer)

        self.write_json(await self.moiety.storage.write(run), status=status)


class ThreadsHandler(DiscussionHandler):
    async def get(self):
        arguments = self.query_lists(LIST_ARGUMENTS)
        values = {name: single(self, arguments, name) for name in LIST_ARGUMENTS}
        if not values["project"]:
            raise InvalidInput("Name the project: ?project=<slug>.", code="invalid")
        project = await self.visible_project(values.pop("project"))
        viewer, secret = self.caller.name, self.moiety.cursor_secret

        def page(session):
            found, cursor = threads.list_threads(
                session, project=project["slug"], secret=secret, **values
            )
            return {"items": threads.serialize_threads(session, found, viewer), "next": cursor}

        self.write_json(await self.moiety.storage.read(page))

    async def post(self):
        body = self.json_body(THREAD_SCHEMA)
        # A project server may open a thread on its own project's notebooks (kernel code, such
        # as MoleculeGrid's "Comment on this cell"), attributed to the project as its posts are;
        # replying, resolving and reacting stay with people.
        project = await self.visible_project(body["project"])
        anchor = Anchor.from_json(body.get("anchor"))
        members = self.members(project)
        comments.checked_body(body["body"], project["slug"], members)
        file = await ProjectFiles(self.moiety).read(
            project["slug"], body["path"], lines=anchor.line is not None
        )
        await self.write_change(
            threads.open_thread,
            status=201,
            project=project["slug"],
            file=file,
            anchor=anchor,
            body=body["body"],
            actor=self.caller.name,
            members=members,
        )


class ThreadHandler(DiscussionHandler):
    async def get(self, thread_id):
        thread_id = row_id(thread_id, "thread")
        visible, viewer = await self.visible_projects(), self.caller.name

        def one(session):
            thread = threads.get_thread(session, thread_id, visible)
            return threads.serialize_threads(session, [thread], viewer)[0]

        self.write_json(await self.moiety.storage.read(one))

    async def patch(self, thread_id):
        thread_id = row_id(thread_id, "thread")
        body = self.json_body(STATE_SCHEMA)
        visible = await self.visible_projects()
        await self.check_people(thread_id, visible, "resolve or reopen threads")
        await self.write_change(
            threads.set_state,
            thread_id=thread_id,
            state=body["state"],
            actor=self.caller.name,
            visible=visible,
        )

    async def check_people(self, thread_id: int, visible, what: str) -> None:
        if self.caller.project is not None:
            await self.moiety.storage.read(threads.get_thread, thread_id, visible)
            people_only(self, what)


class RepliesHandler(ThreadHandler):
    async def post(self, thread_id):
        thread_id = row_id(thread_id, "thread")
        body = self.json_body(COMMENT_SCHEMA)
        visible = await self.visible_projects()
        await self.check_people(thread_id, visible, "comment")
        project = await self.moiety.storage.read(
            lambda session: threads.get_thread(session, thread_id, visible).project
        )
        viewer = self.caller.name

        def run(session, published):
            change = threads.reply(
                session,
                thread_id=thread_id,
                body=body["body"],
                actor=viewer,
                members=self.members(self.moiety.catalog.get(project)),
                visible=visible,
            )
            publish(session, published, change, viewer)
            reactions = comments.reaction_summaries(session, [change.comment.id], viewer)
            return comments.serialize_comment(change.comment, reactions[change.comment.id])

        self.write_json(await self.moiety.storage.write(run), status=201)


def publish(session, published: list, change: threads.Change, viewer: str) -> dict:
    """The thread as the viewer sees it; its new event and notifications go to the streams."""
    if change.event is not None:
        event_json = serialize_event(change.event)
        published.extend(deliveries(change.notifications, change.event, event_json, change.thread))
        published.append(event_json)
    return threads.serialize_threads(session, [change.thread], viewer)[0]


default_handlers = [
    (r"api/threads", ThreadsHandler),
    (r"api/threads/([^/]+)", ThreadHandler),
    (r"api/threads/([^/]+)/comments", RepliesHandler),
]
