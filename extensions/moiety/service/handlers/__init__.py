"""Service handlers; each module ends with its ``default_handlers``."""

from . import events, feed, me, presence, projects, session

modules = [session, me, projects, feed, events, presence]


def default_handlers(prefix: str) -> list[tuple]:
    return [(prefix + path, handler) for m in modules for path, handler in m.default_handlers]
