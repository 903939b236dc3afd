"""Service handlers; each module ends with its ``default_handlers``."""

from . import me, session

modules = [session, me]


def default_handlers(prefix: str) -> list[tuple]:
    return [(prefix + path, handler) for m in modules for path, handler in m.default_handlers]
