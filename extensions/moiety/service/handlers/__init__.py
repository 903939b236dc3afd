"""Service handlers; each module ends with its ``default_handlers``."""

from . import (
    audit,
    comments,
    depict,
    digest,
    events,
    feed,
    me,
    metrics,
    notifications,
    presence,
    projects,
    session,
    threads,
)

modules = [
    session,
    me,
    projects,
    feed,
    events,
    presence,
    threads,
    comments,
    notifications,
    depict,
    digest,
    audit,
    metrics,
]


def default_handlers(prefix: str) -> list[tuple]:
    return [(prefix + path, handler) for m in modules for path, handler in m.default_handlers]
