"""alice logs in with Chromium and meets the Moiety panel in her JupyterLab."""

from playwright.sync_api import expect

from moiety_testing.browser import log_in, screenshot


def test_alice_sees_the_moiety_panel_with_her_name(hub, browser):
    hub.start_server("alice")
    context, page = log_in(browser, hub, "alice")
    try:
        page.goto(f"{hub.url}/user/alice/lab")
        page.locator("#jp-left-stack, .jp-SideBar").first.wait_for()
        tab = page.get_by_role("tab", name="Moiety")
        tab.click()
        expect(page.get_by_test_id("moiety-me-name")).to_contain_text("alice", timeout=30_000)
        expect(page.get_by_test_id("moiety-me-teams")).to_contain_text("kinase")
        expect(page.get_by_test_id("moiety-version-warning")).to_have_count(0)
        screenshot(page, "moiety-panel")
    finally:
        context.close()
