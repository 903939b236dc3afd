"""alice and bob in the egfr-sar project server: a comment thread with a mention, the
notification, a reply, resolving; then a snapshot, a diff and a restore in the History panel.
"""

import re
import uuid

from playwright.sync_api import expect

from .helpers import lab, notebook, open_panel
from moiety_testing.browser import screenshot
from moiety_testing.projects import ProjectClient

NOTEBOOK = "notebooks/explore.ipynb"


def comment_on_cell(page, index: int, text: str) -> None:
    """Start a thread on a cell through its toolbar's Comment button."""
    cell = notebook(page).locator(".jp-Cell").nth(index)
    cell.locator(".jp-InputPrompt").click()
    expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
    cell.locator(".jp-cell-toolbar").get_by_role(
        "button", name="Start a comment thread on this cell"
    ).click()
    box = page.get_by_test_id("moiety-new-comment")
    expect(box).to_be_focused()
    box.fill(text)
    page.get_by_test_id("moiety-new-comment-send").click()


def test_a_mention_reaches_bob_live_and_the_thread_goes_both_ways(egfr, people):
    alice, bob = people("alice"), people("bob")
    a = lab(alice, egfr, NOTEBOOK)
    b = lab(bob, egfr, NOTEBOOK)
    open_panel(b, "Comments")
    # bob starts with nothing unread.
    bell = b.get_by_test_id("moiety-bell")
    bell.click()
    popup = b.get_by_test_id("moiety-notifications")
    expect(popup).to_be_visible()
    if popup.get_by_test_id("moiety-mark-all-read").is_enabled():
        popup.get_by_test_id("moiety-mark-all-read").click()
    expect(bell).to_have_attribute("aria-label", "Notifications: none unread")
    b.keyboard.press("Escape")
    expect(popup).to_be_hidden()

    words = f"pIC50 looks off here ({uuid.uuid4().hex[:6]})"
    comment_on_cell(a, 2, f"{words}, @bob can you check?")
    thread_a = a.locator(".jp-MoietyThread", has_text=words)
    expect(thread_a).to_be_visible()
    expect(notebook(a).locator(".jp-Cell").nth(2).locator(".jp-MoietyCellBadge")).to_be_visible()

    # Within 2 s, without reloading: bob's panel shows the thread, his bell the mention.
    thread_b = b.locator(".jp-MoietyThread", has_text=words)
    expect(thread_b).to_be_visible(timeout=2_000)
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread", timeout=2_000)
    expect(notebook(b).locator(".jp-Cell").nth(2).locator(".jp-MoietyCellBadge")).to_contain_text(
        re.compile(r"[1-9]")
    )

    bell.click()
    item = popup.locator(".jp-MoietyNotification.jp-mod-unread").first
    expect(item).to_contain_text("alice mentioned you in a comment on notebooks/explore.ipynb")
    screenshot(b, "notifications")
    item.get_by_role("button").click()
    expect(popup).to_be_hidden()
    expect(bell).to_have_attribute("aria-label", "Notifications: none unread")
    expect(thread_b).to_be_focused()

    thread_b.get_by_test_id("moiety-reply").click()
    thread_b.get_by_test_id("moiety-reply-body").fill("Checked: the assay plate was flipped.")
    thread_b.get_by_test_id("moiety-reply-send").click()
    expect(thread_a.locator(".jp-MoietyComment")).to_have_count(2)
    expect(thread_a).to_contain_text("the assay plate was flipped")
    screenshot(a, "comments")

    # alice edits her comment, reacts to bob's reply and jumps to the cell.
    first = thread_a.locator(".jp-MoietyComment").first
    first.get_by_role("button", name="Edit").click()
    first.get_by_role("textbox", name="Edit your comment").fill(f"{words}: pIC50 of 9.8?")
    first.get_by_role("button", name="Save").click()
    expect(first).to_contain_text("pIC50 of 9.8?")
    expect(first.locator(".jp-MoietyComment-edited")).to_have_text("(edited)")
    reply = thread_a.locator(".jp-MoietyComment").nth(1)
    reply.get_by_role("button", name="Add a reaction").click()
    reply.get_by_role("button", name="React with thumbs up").click()
    expect(reply.get_by_role("button", name="thumbs up: 1, including you")).to_have_attribute(
        "aria-pressed", "true"
    )
    notebook(a).locator(".jp-Cell").first.locator(".jp-InputPrompt").click()
    thread_a.locator(".jp-MoietyThread-place").click()
    expect(notebook(a).locator(".jp-Cell").nth(2)).to_have_class(re.compile(r"\bjp-mod-active\b"))

    thread_a.get_by_test_id("moiety-resolve").click()
    expect(thread_a).to_be_hidden()
    expect(thread_b).to_be_hidden()
    b.get_by_test_id("moiety-show-resolved").check()
    expect(thread_b).to_have_attribute("data-state", "resolved")
    thread_b.get_by_test_id("moiety-reopen").click()
    expect(thread_b).to_have_attribute("data-state", "open")
    # Reopening publishes no feed event (yet): alice sees it when she refreshes.
    a.get_by_test_id("moiety-comments-refresh").click()
    expect(thread_a).to_have_attribute("data-state", "open")
    assert alice.dialogs == []
    assert bob.dialogs == []


def test_snapshot_diff_and_restore_in_the_history_panel(hub, egfr, people):
    alice = people("alice")
    page = lab(alice, egfr, "notebooks/welcome.ipynb")
    open_panel(page, "History")
    versions = page.locator(".jp-MoietyVersion")
    expect(versions.first).to_be_visible()
    before = versions.count()
    original = versions.first.get_attribute("data-commit")

    # Someone changes the notebook (here through the contents API); the open copy follows.
    marker = f"edited_{uuid.uuid4().hex[:6]}"
    client = ProjectClient(hub, egfr, "alice")
    content = client.get("api/contents/notebooks/welcome.ipynb").json()["content"]
    cell = next(c for c in content["cells"] if c["cell_type"] == "code")
    cell["source"] += f"\n{marker} = 1"
    client.put_notebook("notebooks/welcome.ipynb", content)
    code = notebook(page).locator(".jp-CodeCell").first
    expect(code).to_contain_text(marker, timeout=15_000)

    page.get_by_test_id("moiety-snapshot-message").fill("Before the group meeting")
    page.get_by_test_id("moiety-snapshot").click()
    expect(page.get_by_test_id("moiety-snapshot-result")).to_contain_text("taken")
    expect(versions).to_have_count(before + 1)
    expect(versions.first).to_contain_text("Before the group meeting")
    expect(versions.first).to_contain_text("alice")

    versions.first.get_by_test_id("moiety-version-changes").click()
    diff = page.locator(".jp-MoietyNbdiff")
    expect(diff).to_be_visible()
    expect(diff).to_contain_text(marker)
    screenshot(page, "history")

    target = page.locator(f'.jp-MoietyVersion[data-commit="{original}"]')
    target.get_by_test_id("moiety-version-restore").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Restore this version?")
    dialog.get_by_role("button", name="Restore").click()
    # A new version (after one keeping unsaved work, if any): history is never rewritten.
    expect(versions.first).to_contain_text("Restore notebooks/welcome.ipynb")
    assert versions.count() >= before + 2
    page.get_by_role("tab", name="welcome.ipynb", exact=True).click()
    expect(code).not_to_contain_text(marker)
    assert alice.dialogs == []
