"""Fixtures that drive Debian's Chromium through the real hub with Playwright.

Screenshots taken with :func:`screenshot` land in ``docs/images/`` for the README.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from .hub import PASSWORD, Hub

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        raise RuntimeError("Chromium is missing: run tools/ensure-system-deps.sh")
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def log_in(browser: Browser, hub: Hub, name: str) -> tuple[BrowserContext, Page]:
    """A fresh browser context where ``name`` logged in through the hub's login page."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url("**/hub/**")
    return context, page


def screenshot(page: Page, name: str) -> Path:
    IMAGES.mkdir(parents=True, exist_ok=True)
    path = IMAGES / f"{name}.png"
    page.screenshot(path=str(path))
    return path
