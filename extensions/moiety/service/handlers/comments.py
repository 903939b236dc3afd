"""Comments: ``PATCH|DELETE /comments/{id}``, ``POST|DELETE /comments/{id}/reactions``, and
the discussions export ``GET /projects/{slug}/discussions``.

Only a comment's author edits it; its author, leads of the project's teams and admins delete
it; leads and admins export. Ids of comments the caller cannot see answer 404.
"""

from __future__ import annotations

from ...core import comments, discussion_export, thread_events, threads
from ...core.errors import Forbidden, InvalidInput
from ...core.events import serialize_event
from ...store.models import Event
from .notifications import deliveries, people_only, single
from .threads import COMMENT_SCHEMA, REACTION_SCHEMA, DiscussionHandler, row_id


class CommentHandler(DiscussionHandler):
    async def patch(self, comment_id):
        comment_id = row_id(comment_id, "comment")
        body = self.json_body(COMMENT_SCHEMA)
        visible, viewer = await self.visible_projects(), self.caller.name
        catalog = self.moiety.catalog

        def run(session, published):
            comment = comments.get_comment(session, comment_id, visible)
            members = self.members(catalog.get(comment.thread.project))
            edited_before = comment.edited_at
            named = comments.edit_comment(
                session, comment, actor=viewer, body=body["body"], members=members
            )
            thread_events.follow_comment(session, comment)
            if comment.edited_at != edited_before:
                edited = thread_events.comment_changed(session, comment, "comment.edited", viewer)
                published.append(serialize_event(edited))
            notes = threads.mention_on_edit(session, comment, named)
            if notes:
                event = session.get(Event, comment.event_id)
                published.extend(deliveries(notes, event, thread=comment.thread))
            return _comment_json(session, comment, viewer)

        self.write_json(await self.moiety.storage.write(run))

    async def delete(self, comment_id):
        comment_id = row_id(comment_id, "comment")
        visible, viewer = await self.visible_projects(), self.caller.name
        moderated = self.moderated(visible)

        def run(session, published):
            comment = comments.get_comment(session, comment_id, visible)
            moderator = comment.thread.project in moderated and self.caller.project is None
            if comments.delete_comment(session, comment, actor=viewer, moderator=moderator):
                thread_events.follow_comment(session, comment)
                deleted = thread_events.comment_changed(session, comment, "comment.deleted", viewer)
                published.append(serialize_event(deleted))
            return _comment_json(session, comment, viewer)

        self.write_json(await self.moiety.storage.write(run))


class CommentReactionsHandler(DiscussionHandler):
    async def post(self, comment_id):
        await self.react(comments.add_reaction, comment_id, self.json_body(REACTION_SCHEMA))

    async def delete(self, comment_id):
        emoji = self.get_query_argument("emoji", None)
        body = {"emoji": emoji} if emoji is not None else self.json_body(REACTION_SCHEMA)
        await self.react(comments.remove_reaction, comment_id, body)

    async def react(self, change, comment_id: str, body: dict) -> None:
        comment_id = row_id(comment_id, "comment")
        visible, viewer = await self.visible_projects(), self.caller.name

        def run(session, published):
            comment = comments.get_comment(session, comment_id, visible)
            if self.caller.project is not None:
                people_only(self, "react")
            change(session, comment, user=viewer, emoji=body["emoji"])
            summary = comments.reaction_summaries(session, [comment_id], viewer)[comment_id]
            return {"comment": comment_id, "reactions": summary}

        self.write_json(await self.moiety.storage.write(run))


class ExportHandler(DiscussionHandler):
    async def get(self, slug):
        arguments = self.query_lists({"format"})
        project = await self.visible_project(slug)
        if not self.caller.moderates(project["teams"]):
            raise Forbidden(
                "Only leads of the project's teams and admins can export its discussions.",
                code="not-a-lead",
            )
        kind = (single(self, arguments, "format") or "json").lower()
        if kind not in ("json", "csv"):
            raise InvalidInput(f"'format' is json or csv, not {kind!r}.", code="invalid")
        export = discussion_export.export_csv if kind == "csv" else discussion_export.export_json
        document = await self.moiety.storage.read(export, project["slug"], self.caller.name)
        if kind == "json":
            self.write_json(document)
            return
        self.set_header("Content-Type", "text/csv; charset=UTF-8")
        self.set_header(
            "Content-Disposition", f'attachment; filename="{project["slug"]}-discussions.csv"'
        )
        self.finish(document)


def _comment_json(session, comment, viewer: str) -> dict:
    reactions = comments.reaction_summaries(session, [comment.id], viewer)
    return comments.serialize_comment(comment, reactions[comment.id])


default_handlers = [
    (r"api/comments/([^/]+)", CommentHandler),
    (r"api/comments/([^/]+)/reactions", CommentReactionsHandler),
    (r"api/projects/([^/]+)/discussions", ExportHandler),
]
