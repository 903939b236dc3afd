"""Cross-site scripting payloads in posts, tags, comments, file names and snapshot messages
run nothing and change no page global in the Activity, Comments and History panels.

Every payload, if it ran, would set ``window.__pwned``, call ``alert`` (a dialog), clobber a
global through ``id``/``name``, or leave an attribute JupyterLab acts on (command linker).
"""

import uuid
from urllib.parse import quote

from playwright.sync_api import expect

from .helpers import lab, notebook, open_panel
from moiety_testing.hub import service_client
from moiety_testing.projects import ProjectClient

PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 1">',
    '<svg onload="window.__pwned = 1"><script>window.__pwned = 1</script></svg>',
    '<a href="javascript:window.__pwned = 1">a javascript link</a>',
    "[a markdown javascript link](javascript:alert(1))",
    '<a href=" jav&#x09;ascript:alert(1)">a tabbed javascript link</a>',
    '<form action="javascript:window.__pwned = 1"><button>go</button></form>',
    '<button data-commandlinker-command="help:about">about</button>',
    '<span data-commandlinker-command="filebrowser:delete">delete</span>',
    '<img id="__moietyClobber" name="getElementById" src="x">',
    '<form name="documentElement"><input name="body"></form>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="position:fixed;inset:0" onmouseover="alert(1)">cover</div>',
    '<details open ontoggle="window.__pwned = 1">details</details>',
    '<object data="javascript:alert(1)"></object>',
    '<a href="data:text/html,<script>alert(1)</script>">a data link</a>',
    "[a fine link](https://example.invalid/docs)",
]
BODY = "\n\n".join(PAYLOADS)
FILE_NAMES = ['<img src=x onerror="window.__pwned=1">.md', "\"'><svg onload=alert(1)>.txt"]

DANGEROUS = (
    "script, iframe, object, embed, form, base, svg, input, button, "
    "[data-commandlinker-command], [onerror], [onload], [onmouseover], [ontoggle], [style]"
)


def assert_nothing_ran(person, page) -> None:
    assert page.evaluate("() => window.__pwned") is None
    assert person.dialogs == []
    assert page.evaluate(
        """() => typeof document.getElementById === 'function'
            && document.documentElement instanceof HTMLHtmlElement
            && !('__moietyClobber' in window)
            && window.__moietyCanary === 'intact'"""
    )
    rendered = page.locator(".jp-MoietyMarkdown")
    assert rendered.locator(DANGEROUS).count() == 0
    for link in rendered.locator("a[href]").all():
        assert link.get_attribute("href").startswith("https://")
        assert "noopener" in link.get_attribute("rel")
        assert "noreferrer" in link.get_attribute("rel")
    assert page.locator(".jp-MoietySidePanel [data-commandlinker-command]").count() == 0


def hover_everything(page, scope) -> None:
    """Hovering (and so any handler a payload might have left) over rendered content."""
    for element in scope.locator(".jp-MoietyMarkdown *").all():
        if element.is_visible():
            element.hover()


def test_payloads_run_nothing_in_activity_comments_and_history(hub, egfr, people):
    marker = f"xss-{uuid.uuid4().hex[:6]}"
    project = ProjectClient(hub, egfr, "alice")
    paths = [f"{marker}/{name}" for name in FILE_NAMES]
    r = project.put(f"api/contents/{marker}", json={"type": "directory"})
    assert r.status_code == 201, r.text
    for path in paths:
        project.put_text(
            "/".join(quote(part, safe="") for part in path.split("/")), f"# {marker}\n"
        )
    r = project.post(
        "moiety/api/snapshot", json={"message": f"{marker} {PAYLOADS[1]}", "paths": paths}
    )
    assert r.status_code == 201, r.text

    alice = service_client(hub, "alice")
    r = alice.post(
        "posts",
        json={"project": "egfr-sar", "body": f"{marker} #xss{PAYLOADS[1]}\n\n{BODY}"},
    )
    assert r.status_code == 201, r.text
    r = alice.post(
        "threads",
        json={
            "project": "egfr-sar",
            "path": paths[0],
            "anchor": {"line": 1},
            "body": f"{marker} on a line\n\n{BODY}",
        },
    )
    assert r.status_code == 201, r.text
    cells = project.get("api/contents/notebooks/explore.ipynb").json()["content"]["cells"]
    r = alice.post(
        "threads",
        json={
            "project": "egfr-sar",
            "path": "notebooks/explore.ipynb",
            "anchor": {"cell_id": cells[1]["id"]},
            "body": f"{marker} on a cell\n\n{BODY}",
        },
    )
    assert r.status_code == 201, r.text

    person = people("alice")
    page = lab(person, egfr)
    page.evaluate("() => { window.__moietyCanary = 'intact'; }")

    # Activity: the post, the files (their names as text) and the snapshot message.
    open_panel(page, "Activity")
    activity = page.locator("#moiety-activity")
    post = activity.locator('.jp-MoietyEvent[data-kind="post.created"]', has_text=marker)
    expect(post.locator(".jp-MoietyMarkdown")).to_contain_text("a fine link")
    expect(post.locator(".jp-MoietyTags")).to_have_text("#xss")
    for name in FILE_NAMES:
        expect(
            activity.locator('.jp-MoietyEvent[data-kind="file.created"]', has_text=name)
        ).to_be_visible()
    expect(
        activity.locator('.jp-MoietyEvent[data-kind="snapshot.created"]', has_text=marker)
    ).to_contain_text(PAYLOADS[1])
    hover_everything(page, activity)
    assert_nothing_ran(person, page)

    # Comments on a line of the file whose name is a payload, opened from the feed.
    created = activity.locator('.jp-MoietyEvent[data-kind="file.created"]', has_text=FILE_NAMES[0])
    created.get_by_role("button", name=paths[0]).click()
    expect(page.get_by_role("tab", name=FILE_NAMES[0], exact=True)).to_be_visible()
    open_panel(page, "Comments")
    comments = page.locator("#moiety-comments")
    expect(comments.locator(".jp-MoietyComments-path")).to_have_text(paths[0])
    thread = comments.locator(".jp-MoietyThread", has_text=f"{marker} on a line")
    expect(thread).to_contain_text("Line 1")
    expect(thread.locator(".jp-MoietyMarkdown")).to_contain_text("a fine link")
    hover_everything(page, comments)
    assert_nothing_ran(person, page)

    # History of that file: the payload message shown as text.
    open_panel(page, "History")
    history = page.locator("#moiety-history")
    expect(history.locator(".jp-MoietyVersion").first).to_contain_text(PAYLOADS[1])
    assert_nothing_ran(person, page)

    # Comments on a notebook cell.
    page = lab(person, egfr, "notebooks/explore.ipynb")
    page.evaluate("() => { window.__moietyCanary = 'intact'; }")
    open_panel(page, "Comments")
    thread = page.locator("#moiety-comments .jp-MoietyThread", has_text=f"{marker} on a cell")
    expect(thread.locator(".jp-MoietyMarkdown")).to_contain_text("a fine link")
    expect(notebook(page).locator(".jp-Cell").nth(1).locator(".jp-MoietyCellBadge")).to_be_visible()
    hover_everything(page, thread)
    for button in thread.locator(".jp-MoietyMarkdown a:not([href])").all():
        button.click()
    assert_nothing_ran(person, page)
