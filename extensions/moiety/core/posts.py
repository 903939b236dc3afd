"""Posts to the feed: a markdown body from a person, with its tags, mentions and molecules.

Bodies are stored verbatim; the browser sanitizes them when it renders them.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from ..store.models import Event
from .errors import InvalidInput, TooLarge
from .events import UnknownProject, record_event
from .markup import excerpt, parse
from .projects import ProjectNotFound

MAX_BODY_BYTES = 64 * 1024
SUMMARY_LENGTH = 140


class InvalidPost(InvalidInput):
    code = "invalid-post"


class EmptyPost(InvalidPost):
    code = "empty-post"


class PostTooLarge(TooLarge):
    code = "post-too-large"


class UnknownMention(InvalidPost):
    code = "unknown-mention"

    def __init__(self, names: list[str], project: str):
        self.names = names
        who = ", ".join(f"@{n}" for n in names)
        super().__init__(
            f"{who} {'is not a member' if len(names) == 1 else 'are not members'} of the teams "
            f"of {project}; mention only people who can see the project."
        )


def create_post(
    session: Session, *, project: str, body: str, actor: str, members: Collection[str]
) -> Event:
    """Record a ``post.created`` event for ``body`` (the caller commits).

    ``members``: the user names of the project's teams, the only people it may mention.
    The event's data holds the body and its molecules (``[{smiles, name}]``, unchecked).
    """
    if not isinstance(body, str) or not body.strip():
        raise EmptyPost("A post needs some text.")
    try:
        size = len(body.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidPost("The post is not valid Unicode text.") from None
    if "\x00" in body:
        raise InvalidPost("The post contains a NUL character; remove it and post again.")
    if size > MAX_BODY_BYTES:
        raise PostTooLarge(
            f"The post is {size // 1024} KiB; posts may be at most {MAX_BODY_BYTES // 1024} KiB. "
            "Share large content as a file in the project instead."
        )
    markup = parse(body)
    strangers = [name for name in markup.mentions if name not in members]
    if strangers:
        raise UnknownMention(strangers, project)
    try:
        return record_event(
            session,
            kind="post.created",
            project=project,
            actor=actor,
            summary=excerpt(body, SUMMARY_LENGTH) or "(a post)",
            data={"body": body, "molecules": [m._asdict() for m in markup.molecules]},
            tags=markup.tags,
            mentions=markup.mentions,
        )
    except UnknownProject:
        raise ProjectNotFound(f"There is no project {project!r} that you can see.") from None
