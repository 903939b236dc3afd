"""Fixtures of the browser tests: their own hub, project servers and people logged in.

- ``hub``: a demo hub of the browser tests' own (it overrides the session's shared ``hub``), so
  what they see and screenshot is the demo as a person meets it, not the projects, posts and
  threads that the hub tests left behind.
- ``egfr``: the URL of the ``egfr-sar`` project server (started through the service, as the
  Projects panel does), shared by the session.
- ``people``: ``people("alice")`` is alice's :class:`~helpers.Person`, logged in once per
  session in her own browser context; every dialog a page opens is recorded and dismissed.

Pages are driven with the helpers in ``helpers.py`` (:func:`~helpers.lab` loads JupyterLab
in a person's own workspace, so layouts of a shared project server do not leak between
people).
"""

from __future__ import annotations

import pytest

from .helpers import Person
from moiety_testing.browser import log_in
from moiety_testing.hub import start_hub, stop_hub
from moiety_testing.projects import open_project


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    hub = start_hub(tmp_path_factory.mktemp("browser-hub"))
    yield hub
    stop_hub(hub)


@pytest.fixture(scope="session")
def egfr(hub) -> str:
    return open_project(hub, "egfr-sar", "alice")


@pytest.fixture(scope="session")
def people(hub, browser):
    opened: dict[str, Person] = {}

    def get(name: str) -> Person:
        if name not in opened:
            context, page = log_in(browser, hub, name)
            person = Person(name, context, page)
            page.on("dialog", lambda d, p=person: (p.dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e, p=person: p.errors.append(str(e)))
            opened[name] = person
        return opened[name]

    yield get
    for person in opened.values():
        person.context.close()
