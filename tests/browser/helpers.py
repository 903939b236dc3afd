"""Helpers of the browser tests: a person's browser, JupyterLab pages and side panels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, expect


@dataclass
class Person:
    name: str
    context: BrowserContext
    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def mark(self) -> tuple[int, int]:
        """How many page errors and dialogs were recorded so far (see :meth:`assert_quiet`)."""
        return len(self.errors), len(self.dialogs)

    def assert_quiet(self, since: tuple[int, int] = (0, 0)) -> None:
        """No script error on the page and no dialog opened since the :meth:`mark` ``since``."""
        errors, dialogs = since
        assert self.errors[errors:] == [], f"script errors on {self.name}'s page"
        assert self.dialogs[dialogs:] == [], f"dialogs opened on {self.name}'s page"


def lab(
    person: Person, server_url: str, path: str | None = None, workspace: str | None = None
) -> Page:
    """Load JupyterLab of ``server_url`` in ``person``'s own workspace (and open ``path``).

    ``workspace`` names another workspace of theirs, so that what a test leaves open (files
    with odd names, say) is not restored in the pages other tests load and screenshot.
    """
    page = person.page
    tree = f"/tree/{path}" if path else ""
    page.goto(f"{server_url}lab/workspaces/{workspace or person.name}{tree}")
    expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=60_000)
    # The splash screen goes once JupyterLab has restored its layout (and moved the focus).
    expect(page.locator("#jupyterlab-splash")).to_have_count(0, timeout=60_000)
    if path and path.endswith(".ipynb"):
        expect(notebook(page).locator(".jp-Cell").first).to_be_visible(timeout=60_000)
    return page


def notebook(page: Page):
    """The notebook on screen (other open notebooks are hidden tabs)."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")


def open_panel(page: Page, name: str) -> None:
    """Show the side panel whose tab is ``name`` (a click on a shown one would hide it).

    A tab's name may go on after a colon ("Activity: 3 new since you last looked").
    """
    tab = page.get_by_role("tab", name=re.compile(rf"^{re.escape(name)}(:|$)"))
    # Moiety's Comments and History tabs come once the page knows its project (a request).
    expect(tab).to_be_visible(timeout=30_000)
    if tab.get_attribute("aria-selected") != "true":
        tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def search_command_palette(page: Page, text: str, listed: str):
    """Open JupyterLab's command palette from the View menu, search it for ``text`` and see
    the command ``listed`` in it; the palette. The palette closes when it loses the focus,
    which panels still settling after the page loaded may take, at any moment until then: so
    the palette is opened and searched again (three times at most) until it shows ``listed``."""
    palette = page.locator("#command-palette")
    search = palette.locator("input")
    for attempt in range(3):
        page.get_by_role("menuitem", name="View", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Activate Command Palette")).click()
        try:
            expect(search).to_be_focused()
            search.fill(text)
            expect(search).to_have_value(text)
            expect(palette.get_by_text(listed)).to_be_visible()
            return palette
        except AssertionError:
            if attempt == 2:
                raise
    return palette
