"""alice and bob in the egfr-sar project server: a comment thread with a mention, the
notification, a reply, resolving and reopening, all live; a snapshot, a diff and a restore in the
History panel; and co-editing one notebook, where each sees the other's edits and cursor, named.

No test here may cause a script error or a dialog on alice's or bob's page.
"""

import re
import time
import uuid

from playwright.sync_api import expect

from .helpers import lab, notebook, open_panel
from moiety_testing.browser import screenshot
from moiety_testing.projects import ProjectClient

NOTEBOOK = "notebooks/explore.ipynb"


def comment_on_cell(page, index: int, text: str) -> float:
    """Start a thread on a cell through its toolbar's Comment button; when it was sent
    (``time.monotonic()``)."""
    cell = notebook(page).locator(".jp-Cell").nth(index)
    cell.locator(".jp-InputPrompt").click()
    expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
    cell.locator(".jp-cell-toolbar").get_by_role(
        "button", name="Start a comment thread on this cell"
    ).click()
    box = page.get_by_test_id("moiety-new-comment")
    expect(box).to_be_focused()
    box.fill(text)
    send = page.get_by_test_id("moiety-new-comment-send")
    expect(send).to_be_enabled()
    sent = time.monotonic()
    send.click()
    return sent


def ms_until(deadline: float) -> float:
    """Milliseconds from now to ``deadline`` (``time.monotonic()``), as an expect's timeout."""
    left = (deadline - time.monotonic()) * 1000
    assert left > 0, "the time allowed was over before the check began"
    return left


def test_a_mention_reaches_bob_live_and_the_thread_goes_both_ways(egfr, people):
    alice, bob = people("alice"), people("bob")
    quiet = alice.mark(), bob.mark()
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
    sent = comment_on_cell(a, 2, f"{words}, @bob can you check?")

    # Within 2 s of alice's send, without reloading: bob's panel shows the thread, his bell
    # the mention (the issue's own budget).
    thread_b = b.locator(".jp-MoietyThread", has_text=words)
    expect(thread_b).to_be_visible(timeout=ms_until(sent + 2))
    expect(bell).to_have_attribute(
        "aria-label", "Notifications: 1 unread", timeout=ms_until(sent + 2)
    )
    thread_a = a.locator(".jp-MoietyThread", has_text=words)
    expect(thread_a).to_be_visible()
    expect(notebook(a).locator(".jp-Cell").nth(2).locator(".jp-MoietyCellBadge")).to_be_visible()
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
    # The service publishes thread.reopened: alice's panel shows the thread again by itself.
    expect(thread_a).to_have_attribute("data-state", "open")
    expect(thread_a).to_be_visible()
    expect(thread_a.get_by_test_id("moiety-resolve")).to_be_visible()
    alice.assert_quiet(quiet[0])
    bob.assert_quiet(quiet[1])


def test_snapshot_diff_and_restore_in_the_history_panel(hub, egfr, people):
    alice = people("alice")
    quiet = alice.mark()
    page = lab(alice, egfr, "notebooks/welcome.ipynb")
    open_panel(page, "History")
    client = ProjectClient(hub, egfr, "alice")
    history = client.get("moiety/api/history", params={"path": "notebooks/welcome.ipynb"})
    before = len(history.json()["items"])
    versions = page.locator(".jp-MoietyVersion")
    expect(versions).to_have_count(before)
    original = versions.first.get_attribute("data-commit")

    # Someone changes the notebook (here through the contents API); the open copy follows.
    marker = f"edited_{uuid.uuid4().hex[:6]}"
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
    alice.assert_quiet(quiet)


def type_in_cell(page, index: int, text: str) -> None:
    """Click into a cell's editor and type ``text`` at its end, as a person does."""
    cell = notebook(page).locator(".jp-Cell").nth(index)
    cell.locator(".cm-content").click()
    expect(cell.locator(".cm-editor")).to_have_class(re.compile(r"\bcm-focused\b"))
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def without_a_kernel(page) -> None:
    """Answer JupyterLab's question for a notebook that names no kernel: none is needed."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    dialog.get_by_role("button", name="No Kernel").click()
    expect(dialog).to_have_count(0)


def assert_cursor_named(page, cell, name: str) -> None:
    """In ``cell``, someone else's cursor, with a flag bearing ``name`` at it.

    jupyter-collaboration draws the cursor (``.jp-remote-cursor``) in the editor and the flag
    (``.jp-remote-userFlag``, the name from the awareness) as a CodeMirror tooltip, which lives
    outside the cell: so the flag is matched to the cursor by where both are on the screen.
    """
    cursor = cell.locator(".jp-remote-cursor")
    expect(cursor).to_have_count(1)
    flag = page.locator(".jp-remote-userFlag", has_text=name)
    expect(flag.locator(".jp-remote-userFlag-name")).to_have_text(name)
    expect(page.locator(".jp-remote-userFlag")).to_have_count(1)
    at, box = cursor.bounding_box(), flag.bounding_box()
    assert box["x"] - 4 <= at["x"] <= box["x"] + box["width"], (at, box)
    gap = max(box["y"] - (at["y"] + at["height"]), at["y"] - (box["y"] + box["height"]), 0)
    assert gap < 20, (at, box)


def test_alice_and_bob_see_each_others_edits_and_cursors_by_name(hub, egfr, people):
    """Issue 4: two members editing one notebook see each other's edits and cursors, and each
    is shown by name (and, issue 6, in the top bar's presence)."""
    marker = uuid.uuid4().hex[:6]
    path = f"notebooks/together-{marker}.ipynb"
    cells = [
        {
            "id": f"c{i}",
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "source": f"# step {i}",
            "outputs": [],
        }
        for i in range(2)
    ]
    ProjectClient(hub, egfr, "alice").put_notebook(
        path, {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    )
    alice, bob = people("alice"), people("bob")
    quiet = alice.mark(), bob.mark()
    # Workspaces of their own, so this notebook is not restored in the other tests' pages.
    a = lab(alice, egfr, path, workspace="alice-together")
    without_a_kernel(a)
    b = lab(bob, egfr, path, workspace="bob-together")
    without_a_kernel(b)
    # Each sees the other in the top bar (issue 6's presence), by name.
    also_here = r"^Also in this project now: (.*, )?{}(,|$)"
    expect(b.get_by_role("group", name=re.compile(also_here.format("alice")))).to_be_visible()
    expect(a.get_by_role("group", name=re.compile(also_here.format("bob")))).to_be_visible()

    type_in_cell(a, 0, f"\nalice_{marker} = 1")
    seen_by_bob = notebook(b).locator(".jp-Cell").nth(0)
    expect(seen_by_bob.locator(".cm-content")).to_contain_text(f"alice_{marker} = 1")
    assert_cursor_named(b, seen_by_bob, "alice")
    screenshot(b, "coediting")

    type_in_cell(b, 1, f"\nbob_{marker} = 2")
    seen_by_alice = notebook(a).locator(".jp-Cell").nth(1)
    expect(seen_by_alice.locator(".cm-content")).to_contain_text(f"bob_{marker} = 2")
    assert_cursor_named(a, seen_by_alice, "bob")
    # Each keeps their own edit; nobody's own cursor is drawn as someone else's.
    expect(notebook(a).locator(".jp-Cell").nth(0).locator(".cm-content")).to_contain_text(
        f"alice_{marker} = 1"
    )
    expect(notebook(b).locator(".jp-Cell").nth(1).locator(".jp-remote-cursor")).to_have_count(0)
    alice.assert_quiet(quiet[0])
    bob.assert_quiet(quiet[1])
