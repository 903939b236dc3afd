"""The Activity and Projects panels: posting with a mention, a tag and a molecule; filters;
opening what an event is about; creating a project; and carol, who is in another team,
seeing nothing of egfr-sar.
"""

import re
import uuid

from playwright.sync_api import expect

from .helpers import lab, notebook, open_panel
from moiety_testing.browser import screenshot
from moiety_testing.hub import service_client
from moiety_testing.projects import ProjectClient


def cell_id(hub, server_url: str, path: str, index: int) -> str:
    r = ProjectClient(hub, server_url, "alice").get(f"api/contents/{path}")
    assert r.status_code == 200, r.text
    return r.json()["content"]["cells"][index]["id"]


def test_alice_posts_filters_and_opens_what_an_event_is_about(hub, egfr, people):
    alice = people("alice")
    words = f"plate {uuid.uuid4().hex[:6]}"
    thread = service_client(hub, "alice").post(
        "threads",
        json={
            "project": "egfr-sar",
            "path": "notebooks/explore.ipynb",
            "anchor": {"cell_id": cell_id(hub, egfr, "notebooks/explore.ipynb", 4)},
            "body": f"Is the {words} normalised?",
        },
    )
    assert thread.status_code == 201, thread.text

    page = lab(alice, egfr)
    open_panel(page, "Activity")
    feed = page.get_by_role("list", name="Activity")
    expect(feed.locator(".jp-MoietyEvent").first).to_be_visible()

    page.get_by_test_id("moiety-compose").click()
    expect(page.get_by_test_id("moiety-compose-project")).to_have_value("egfr-sar")
    body = page.get_by_test_id("moiety-compose-body")
    body.type(f"New hinge binder ({words}) for @bo")
    options = page.get_by_role("listbox", name="People to mention").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("@bob")
    body.press("Enter")
    body.type("#kinase-hit\n```smiles\nNc1ncnc2ccccc12 4-aminoquinazoline\n```")
    expect(body).to_have_value(re.compile(r"for @bob #kinase-hit"))
    preview = page.get_by_test_id("moiety-compose-preview")
    expect(preview).to_contain_text("#kinase-hit")
    expect(preview).to_contain_text("@bob")
    expect(preview).to_contain_text("1 molecule")
    page.get_by_test_id("moiety-compose-send").click()

    post = feed.locator('.jp-MoietyEvent[data-kind="post.created"]', has_text=words)
    expect(post).to_be_visible()
    expect(post).to_contain_text("alice posted")
    molecule = post.get_by_role("img", name="Nc1ncnc2ccccc12")
    expect(molecule).to_be_visible()
    expect(post.locator("figcaption")).to_have_text("4-aminoquinazoline")
    assert molecule.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(post.locator(".jp-MoietyChip-mention")).to_have_text("@bob")
    page.get_by_role("button", name="Close", exact=True).click()
    screenshot(page, "activity")

    post.get_by_role("button", name="#kinase-hit").click()
    expect(page.get_by_test_id("moiety-filter-tag")).to_have_value("kinase-hit")
    expect(feed.locator(".jp-MoietyEvent")).to_have_count(1)
    filters = page.get_by_role("form", name="Filter the activity")
    filters.get_by_role("button", name="Clear filters").click()
    expect(page.get_by_test_id("moiety-filter-tag")).to_have_value("")

    page.get_by_test_id("moiety-filter-kind").select_option(label="Comments")
    opened = feed.locator('.jp-MoietyEvent[data-kind="thread.opened"]', has_text=words)
    expect(opened).to_contain_text("alice started a comment thread on notebooks/explore.ipynb")
    opened.get_by_role("button", name="notebooks/explore.ipynb").click()
    expect(page.get_by_role("tab", name="explore.ipynb", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(notebook(page).locator(".jp-Cell").nth(4)).to_be_in_viewport()
    shown = page.locator(".jp-MoietyThread", has_text=words)
    expect(shown).to_be_in_viewport()
    page.get_by_test_id("moiety-filter-kind").select_option(label="Everything")
    assert alice.dialogs == []


def test_lena_sees_the_projects_of_her_teams_and_creates_one(egfr, people):
    lena = people("lena")
    page = lab(lena, egfr)
    open_panel(page, "Projects")
    expect(page.get_by_test_id("moiety-me-name")).to_contain_text("lena")
    expect(page.get_by_test_id("moiety-me-lead")).to_contain_text("kinase")
    expect(page.get_by_test_id("moiety-version-warning")).to_have_count(0)
    projects = page.get_by_role("list", name="Your projects")
    egfr_card = projects.locator('[data-project="egfr-sar"]')
    expect(egfr_card).to_contain_text("EGFR SAR")
    expect(egfr_card).to_contain_text("kinase")
    expect(egfr_card).to_contain_text("You are in this project")
    expect(egfr_card.locator(".jp-MoietyProject-people")).to_be_visible()
    expect(projects.locator('[data-project="sulfonamide-sar"]')).to_contain_text("neuro")

    slug = f"kras-{uuid.uuid4().hex[:4]}"
    page.get_by_test_id("moiety-new-project").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_test_id("moiety-new-project-title").fill("KRAS SAR")
    expect(dialog.get_by_test_id("moiety-new-project-slug")).to_have_value("kras-sar")
    dialog.get_by_test_id("moiety-new-project-slug").fill(slug)
    dialog.get_by_role("checkbox", name="kinase").check()
    dialog.get_by_role("button", name="Create project").click()
    expect(dialog).to_be_hidden()
    card = projects.locator(f'[data-project="{slug}"]')
    expect(card).to_contain_text("KRAS SAR")
    screenshot(page, "projects")

    # The service's refusal shows in the dialog, which keeps what was typed.
    page.get_by_test_id("moiety-new-project").click()
    dialog.get_by_test_id("moiety-new-project-title").fill("KRAS SAR again")
    dialog.get_by_test_id("moiety-new-project-slug").fill(slug)
    dialog.get_by_role("checkbox", name="kinase").check()
    dialog.get_by_role("button", name="Create project").click()
    expect(dialog.get_by_test_id("moiety-new-project-error")).to_contain_text(slug)
    expect(dialog.get_by_test_id("moiety-new-project-title")).to_have_value("KRAS SAR again")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert lena.dialogs == []


def test_carol_sees_nothing_of_egfr_and_follows_a_mention_into_her_project(hub, egfr, people):
    alice_says = f"egfr secret {uuid.uuid4().hex[:6]}"
    lena_says = f"neuro news {uuid.uuid4().hex[:6]}"
    r = service_client(hub, "alice").post("posts", json={"project": "egfr-sar", "body": alice_says})
    assert r.status_code == 201, r.text

    carol = people("carol")
    page = lab(carol, hub.start_server("carol"))
    open_panel(page, "Activity")
    feed = page.get_by_role("list", name="Activity")
    expect(feed.locator(".jp-MoietyEvent").first).to_be_visible()
    # A later post to carol's project arrives live; nothing of egfr-sar came before it.
    r = service_client(hub, "lena").post(
        "posts", json={"project": "sulfonamide-sar", "body": lena_says}
    )
    assert r.status_code == 201, r.text
    expect(feed.locator(".jp-MoietyEvent", has_text=lena_says)).to_be_visible()
    expect(page.locator("#moiety-activity")).not_to_contain_text(alice_says)
    expect(page.locator("#moiety-activity")).not_to_contain_text("EGFR SAR")
    expect(page.get_by_test_id("moiety-filter-project").locator("option")).to_have_text(
        ["All projects", "Sulfonamide SAR"]
    )

    open_panel(page, "Projects")
    projects = page.get_by_role("list", name="Your projects")
    expect(projects.locator(".jp-MoietyProject")).to_have_count(1)
    expect(projects).to_contain_text("Sulfonamide SAR")
    expect(page.locator("#moiety-projects")).not_to_contain_text("EGFR")

    # lena mentions carol on a cell of the project: the bell rings; the notification opens
    # the notebook, at the cell, in the project's JupyterLab in a new tab, with the thread.
    words = f"check the sulfonamide N-H ({uuid.uuid4().hex[:6]})"
    r = service_client(hub, "lena").post(
        "threads",
        json={
            "project": "sulfonamide-sar",
            "path": "notebooks/welcome.ipynb",
            "anchor": {"cell_id": "draw-molecule"},
            "body": f"@carol {words}",
        },
    )
    assert r.status_code == 201, r.text
    bell = page.get_by_test_id("moiety-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    bell.click()
    item = page.get_by_test_id("moiety-notifications").locator(".jp-MoietyNotification")
    expect(item).to_contain_text("lena mentioned you in a comment on notebooks/welcome.ipynb")
    with carol.context.expect_page() as opened:
        item.get_by_role("button").click()
    tab = opened.value
    expect(tab.locator(".jp-MoietyThread", has_text=words)).to_be_visible(timeout=90_000)
    assert "/user/project-sulfonamide-sar/" in tab.url
    expect(tab.get_by_role("tab", name="welcome.ipynb", exact=True)).to_be_visible()
    expect(bell).to_have_attribute("aria-label", "Notifications: none unread")
    tab.close()

    with carol.context.expect_page() as opened:
        projects.get_by_role("button", name="Open Sulfonamide SAR").click()
    tab = opened.value
    expect(tab.locator("#jp-main-dock-panel")).to_be_visible(timeout=90_000)
    assert "/user/project-sulfonamide-sar/lab" in tab.url
    expect(page.get_by_test_id("moiety-open-progress")).to_contain_text("Opened in a new tab")
    tab.close()
    assert carol.dialogs == []
