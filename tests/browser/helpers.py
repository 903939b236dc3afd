"""Helpers of the browser tests: a person's browser, JupyterLab pages and side panels."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, expect


@dataclass
class Person:
    name: str
    context: BrowserContext
    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def lab(person: Person, server_url: str, path: str | None = None) -> Page:
    """Load JupyterLab of ``server_url`` in ``person``'s own workspace (and open ``path``)."""
    page = person.page
    tree = f"/tree/{path}" if path else ""
    page.goto(f"{server_url}lab/workspaces/{person.name}{tree}")
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
    """Show the side panel whose tab is ``name`` (a click on a shown one would hide it)."""
    tab = page.get_by_role("tab", name=name, exact=True)
    expect(tab).to_be_visible()
    if tab.get_attribute("aria-selected") != "true":
        tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
