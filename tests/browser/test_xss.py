"""Cross-site scripting payloads in posts, comments, tags, file names, snapshot messages and
diffs run nothing and change no page global in the Activity, Comments and History panels.

Every payload, if it ran, would set ``window.__xss`` (to a label saying which payload ran), call
``alert`` (a dialog, recorded by the ``people`` fixture), clobber a global or a ``document``
property through ``id``/``name``, or leave an attribute JupyterLab acts on
(``data-commandlinker-*``). Images of posts and comments pointing at the page's own host would
call it with the reader's cookies (``GET /hub/logout`` logs out): they must not load. After each
panel, :class:`Watch` checks that the page had no script error and no dialog, has no global it
did not have when it loaded, and that its reader is still logged in.

Tags: a stored tag is ``#``, a letter, then letters, digits, ``_`` or ``-``
(``moiety.core.markup``): the service finds tags in bodies with that pattern, refuses any other
tag in an event and answers 400 to any other ``tag`` filter of the feed. So no payload can be a
stored tag. What can carry one is the text right next to a ``#tag`` in a post or a comment (in
every body below) and what a person types into the Activity panel's tag filter: both are tested.
"""

import re
import uuid
from urllib.parse import quote

from playwright.sync_api import expect

from .helpers import lab, notebook, open_panel
from moiety_testing.hub import service_client
from moiety_testing.projects import ProjectClient

WORKSPACE = "alice-xss"  # what these tests leave open is not restored for the other tests

# Next to tags: each line has a tag the service stores, and a payload glued to it.
TAGGED = [
    "#xss<img src=x onerror=\"window.__xss = 'tag-onerror'\">",
    "#xss-script<script>window.__xss = 'tag-script'</script>",
    '#xss-form"><form action="javascript:window.__xss = \'tag-form\'"><button>go</button></form>',
    "<a href=\"javascript:window.__xss = 'tag-link'\">#xss-link</a>",
    "<svg onload=\"window.__xss = 'tag-svg'\">#xss-svg</svg>",
    '#xss-cmd<span data-commandlinker-command="filebrowser:delete">delete</span>',
    '<img id="__xssClobber" name="getElementById" src=x>#xss-clobber',
]
PAYLOADS = [
    "<script>window.__xss = 'body-script'</script>",
    "<img src=x onerror=\"window.__xss = 'body-onerror'\">",
    "<svg onload=\"window.__xss = 'body-svg'\"><script>window.__xss = 'body-svg'</script></svg>",
    "<a href=\"javascript:window.__xss = 'body-link'\">a javascript link</a>",
    "[a markdown javascript link](javascript:alert('body-markdown-link'))",
    "<a href=\" jav&#x09;ascript:alert('body-tab-link')\">a tabbed javascript link</a>",
    "<form action=\"javascript:window.__xss = 'body-form'\"><button>go</button></form>",
    '<button data-commandlinker-command="help:about">about</button>',
    '<span data-commandlinker-command="filebrowser:delete">delete</span>',
    '<img id="__xssClobber" name="getElementById" src="x">',
    '<form name="documentElement"><input name="body"></form>',
    "<iframe src=\"javascript:alert('body-iframe')\"></iframe>",
    '<div style="position:fixed;inset:0" onmouseover="alert(\'body-cover\')">cover</div>',
    "<details open ontoggle=\"window.__xss = 'body-toggle'\">details</details>",
    "<object data=\"javascript:alert('body-object')\"></object>",
    "<a href=\"data:text/html,<script>alert('body-data')</script>\">a data link</a>",
    "<base href=\"javascript:alert('body-base')//\">",
    "[a fine link](https://example.invalid/docs)",
    # Last: an unclosed <style> swallows whatever follows it.
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss = 'body-mxss'\">",
]
# Not scripts, but requests with the reader's cookies, would Moiety load these images:
# JupyterHub logs out on GET /hub/logout. (In posts and comments; a notebook's own markdown
# and outputs are JupyterLab's to render, in a diff as in the notebook.)
REQUESTS = [
    "![a picture](/hub/logout)",
    '<img src="../../../hub/logout" alt="another picture">',
    '<img src="//127.0.0.1:8081/hub/logout" alt="the hub\'s own port">',
]
BODY = "\n\n".join(TAGGED + REQUESTS + PAYLOADS)

# One file per payload kind a file name can be (a name cannot hold "/", so closing tags are
# left out: an unclosed tag is parsed the same way).
FILE_NAMES = {
    "script tag": "<script>window.__xss='name-script'<script>.md",
    "event handler": "<img src=x onerror=\"window.__xss='name-onerror'\">.md",
    "javascript: link": "<a href=\"javascript:window.__xss='name-link'\">open<a>.md",
    "SVG with script": "<svg onload=\"window.__xss='name-svg'\"><script>window.__xss=1<script>.txt",
    "form action": "<form action=\"javascript:window.__xss='name-form'\"><button>go<button>.md",
    "command linker": '<button data-commandlinker-command="filebrowser:delete">x<button>.md',
    "id/name clobbering": '<img id="__xssClobber" name="getElementById"><form name="body">.md',
    "attribute break-out": "\"'><svg onload=alert('name-quote')>.txt",
}

# In Moiety's own rendering (.jp-MoietyMarkdown) none of these may survive.
DANGEROUS = (
    "script, iframe, object, embed, form, base, svg, input, button, math, style, "
    "[data-commandlinker-command], [onerror], [onload], [onmouseover], [ontoggle], [style], "
    "[id], [name]"
)
# In what JupyterLab's renderers show through the strict Sanitizer (nbdime's diff).
SANITIZED_DANGEROUS = (
    "script, iframe, object, embed, base, svg, math, form[action], [data-commandlinker-command], "
    "[onerror], [onload], [onmouseover], [ontoggle], [name], [href^='javascript' i], "
    "[src^='javascript' i], [href^='data' i]"
)
# Globals JupyterLab itself adds once it renders a notebook (its LaTeX typesetter, loaded then).
LAB_GLOBALS = {"MathJax"}
WORD_TAG = re.compile(r"^#[^\W\d_][\w-]*$")


class Watch:
    """A page as JupyterLab loaded it: its globals, a canary, the person's records so far."""

    def __init__(self, person, page):
        self.person, self.page = person, page
        self.since = person.mark()
        page.evaluate("() => { window.__moietyCanary = 'intact'; }")
        self.globals = set(page.evaluate("() => Object.getOwnPropertyNames(window)"))

    def assert_nothing_ran(self) -> None:
        self.person.assert_quiet(self.since)
        state = self.page.evaluate(
            """() => ({
                xss: window.__xss === undefined ? null : String(window.__xss),
                canary: window.__moietyCanary,
                getElementById: typeof document.getElementById,
                documentElement: document.documentElement instanceof HTMLHtmlElement,
                body: document.body instanceof HTMLBodyElement,
                clobbered: '__xssClobber' in window || '__xssClobber' in document,
                globals: Object.getOwnPropertyNames(window),
            })"""
        )
        assert state["xss"] is None, f"the payload {state['xss']!r} ran"
        assert state["canary"] == "intact"
        assert state["getElementById"] == "function"
        assert state["documentElement"]
        assert state["body"]
        assert not state["clobbered"]
        assert set(state["globals"]) - self.globals - LAB_GLOBALS == set()
        rendered = self.page.locator(".jp-MoietyMarkdown")
        assert rendered.locator(DANGEROUS).count() == 0
        # No image of user content is loaded from the page's own host (with its cookies).
        assert (
            rendered.locator("img[src]").evaluate_all(
                "images => images.filter(i => new URL(i.src).hostname === location.hostname)"
                ".map(i => i.src)"
            )
            == []
        )
        cookies = {c["name"] for c in self.person.context.cookies()}
        assert "jupyterhub-hub-login" in cookies, "the page logged its reader out"
        for link in rendered.locator("a[href]").all():
            assert link.get_attribute("href").startswith("https://")
            assert {"noopener", "noreferrer"} <= set(link.get_attribute("rel").split())
        assert self.page.locator(".jp-MoietySidePanel [data-commandlinker-command]").count() == 0
        for chip in rendered.locator(".jp-MoietyChip-tag").all():
            assert WORD_TAG.match(chip.inner_text()), chip.inner_text()
        for tag in self.page.locator(".jp-MoietyTags button").all():
            assert WORD_TAG.match(tag.inner_text()), tag.inner_text()


def hover_everything(scope, selector: str = ".jp-MoietyMarkdown *") -> None:
    """Fire at every element of rendered content, shown or collapsed, the events a pointer
    moving over it and focus fire, so that any handler a payload left would run."""
    count = scope.locator(selector).evaluate_all(
        """elements => {
            const types = ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove'];
            for (const element of elements) {
                for (const type of types) {
                    element.dispatchEvent(new MouseEvent(type, { bubbles: true }));
                }
                element.dispatchEvent(new FocusEvent('focus'));
            }
            return elements.length;
        }"""
    )
    assert count > 0


def quoted(path: str) -> str:
    return "/".join(quote(part, safe="") for part in path.split("/"))


def snapshot(project: ProjectClient, path: str, message: str) -> None:
    r = project.post("moiety/api/snapshot", json={"message": message, "paths": [path]})
    assert r.status_code == 201, r.text


def test_payloads_run_nothing_in_activity_comments_and_history(hub, egfr, people):
    marker = f"xss-{uuid.uuid4().hex[:6]}"
    project = ProjectClient(hub, egfr, "alice")
    alice = service_client(hub, "alice")
    r = project.put(f"api/contents/{marker}", json={"type": "directory"})
    assert r.status_code == 201, r.text
    files = {kind: f"{marker}/{name}" for kind, name in FILE_NAMES.items()}
    for kind, path in files.items():
        project.put_text(quoted(path), f"# {marker} {kind}\n")
        snapshot(project, path, f"{marker} snapshot of {FILE_NAMES[kind]}")
        r = alice.post(
            "threads",
            json={
                "project": "egfr-sar",
                "path": path,
                "anchor": {"line": 1},
                "body": f"{marker} on {kind}\n\n{BODY}",
            },
        )
        assert r.status_code == 201, r.text
    r = alice.post("posts", json={"project": "egfr-sar", "body": f"{marker} post\n\n{BODY}"})
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
    page = lab(person, egfr, workspace=WORKSPACE)
    watch = Watch(person, page)

    # Activity: the post with its tags, the files, their snapshots and threads (names as text).
    open_panel(page, "Activity")
    activity = page.locator("#moiety-activity")
    post = activity.locator('.jp-MoietyEvent[data-kind="post.created"]', has_text=marker)
    expect(post.locator(".jp-MoietyMarkdown")).to_contain_text("a fine link")
    expect(post.locator(".jp-MoietyTags")).to_contain_text("#xss-form")
    expect(
        post.locator(".jp-MoietyTags").get_by_role("button", name="#xss", exact=True)
    ).to_be_visible()
    expect(post.locator(".jp-MoietyMarkdown .jp-MoietyChip-tag").first).to_have_text("#xss")
    for kind, path in files.items():
        for event_kind in ("file.created", "thread.opened"):
            event = activity.locator(f'.jp-MoietyEvent[data-kind="{event_kind}"]', has_text=path)
            expect(event.get_by_role("button", name=path, exact=True)).to_be_visible()
        expect(
            activity.locator('.jp-MoietyEvent[data-kind="snapshot.created"]', has_text=path)
        ).to_contain_text(f"{marker} snapshot of {FILE_NAMES[kind]}")
    hover_everything(activity)
    watch.assert_nothing_ran()

    # Each file, opened from the feed: its tab, its thread in Comments, its versions in History.
    for kind, path in files.items():
        open_panel(page, "Activity")
        created = activity.locator('.jp-MoietyEvent[data-kind="file.created"]', has_text=path)
        created.get_by_role("button", name=path, exact=True).click()
        tab = page.get_by_role("tab", name=FILE_NAMES[kind], exact=True)
        expect(tab).to_have_attribute("aria-selected", "true")

        open_panel(page, "Comments")
        comments = page.locator("#moiety-comments")
        expect(comments.locator(".jp-MoietyComments-path")).to_have_text(path)
        thread = comments.locator(".jp-MoietyThread", has_text=f"{marker} on {kind}")
        expect(thread).to_contain_text("Line 1")
        expect(thread.locator(".jp-MoietyMarkdown")).to_contain_text("a fine link")
        expect(thread.locator(".jp-MoietyChip-tag").first).to_have_text("#xss")
        hover_everything(comments)
        watch.assert_nothing_ran()

        open_panel(page, "History")
        history = page.locator("#moiety-history")
        expect(history.locator(".jp-MoietyHistory-path")).to_have_text(path)
        expect(history.locator(".jp-MoietyVersion").first).to_contain_text(
            f"{marker} snapshot of {FILE_NAMES[kind]}"
        )
        watch.assert_nothing_ran()

    # Comments on a notebook cell; the buttons left of dropped links are clicked too.
    page = lab(person, egfr, "notebooks/explore.ipynb", workspace=WORKSPACE)
    watch = Watch(person, page)
    open_panel(page, "Comments")
    thread = page.locator("#moiety-comments .jp-MoietyThread", has_text=f"{marker} on a cell")
    expect(thread.locator(".jp-MoietyMarkdown")).to_contain_text("a fine link")
    expect(notebook(page).locator(".jp-Cell").nth(1).locator(".jp-MoietyCellBadge")).to_be_visible()
    hover_everything(thread)
    for link in thread.locator(".jp-MoietyMarkdown a:not([href])").all():
        link.click()
    watch.assert_nothing_ran()


def test_payloads_typed_into_the_tag_filter_run_nothing(egfr, people):
    person = people("alice")
    page = lab(person, egfr, workspace=WORKSPACE)
    watch = Watch(person, page)
    open_panel(page, "Activity")
    feed = page.get_by_role("list", name="Activity")
    expect(feed.locator(".jp-MoietyEvent").first).to_be_visible()
    filters = page.get_by_role("form", name="Filter the activity")
    if not filters.is_visible():
        page.locator(".jp-MoietyFilters > summary").click()
    tag = page.get_by_test_id("moiety-filter-tag")
    for payload in [*FILE_NAMES.values(), *TAGGED, PAYLOADS[-1]]:
        tag.fill(payload)
        tag.press("Enter")
        # The service refuses it; its message is shown as text where the feed was.
        expect(page.get_by_test_id("moiety-feed-error")).to_contain_text("is not a tag")
        expect(tag).to_have_value(payload)
        watch.assert_nothing_ran()
        filters.get_by_role("button", name="Clear filters").click()
        expect(tag).to_have_value("")
        expect(feed.locator(".jp-MoietyEvent").first).to_be_visible()
    watch.assert_nothing_ran()


def notebook_with_payloads(marker: str, version: int) -> dict:
    """A notebook with payloads in markdown sources and in outputs that snapshots keep
    (cells tagged ``keep_output``); ``version`` 2 changes a source and adds outputs."""

    def output(data: dict) -> dict:
        return {"output_type": "display_data", "data": data, "metadata": {}}

    html = "\n".join(TAGGED + PAYLOADS)
    markdown = "\n\n".join(TAGGED + PAYLOADS)
    outputs = [
        output({"text/html": f"<p>HTML output {version}</p>{html}", "text/plain": "as text"}),
        {"output_type": "stream", "name": "stdout", "text": html},
    ]
    if version == 2:
        outputs += [
            output({"text/markdown": markdown, "text/plain": "payloads as markdown"}),
            output(
                {
                    "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg' "
                    "onload=\"window.__xss = 'svg-output'\"><script>window.__xss = "
                    "'svg-output-script'</script></svg>",
                    "text/plain": "an SVG",
                }
            ),
            output({"application/javascript": "window.__xss = 'javascript-output';"}),
            output({"text/html": "<script>window.__xss = 'html-only-output'</script>"}),
            {
                "output_type": "error",
                "ename": "<img src=x onerror=\"window.__xss = 'ename'\">",
                "evalue": "<script>window.__xss = 'evalue'</script>",
                "traceback": [f"\x1b[31m{PAYLOADS[1]}\x1b[0m", PAYLOADS[3]],
            },
        ]
    keep = {"tags": ["keep_output"]}
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [
            {"id": "same-md", "cell_type": "markdown", "metadata": {}, "source": markdown},
            {
                "id": "changed-md",
                "cell_type": "markdown",
                "metadata": {},
                "source": f"{marker} version {version}\n\n{PAYLOADS[version]}",
            },
            {
                "id": "outputs",
                "cell_type": "code",
                "metadata": keep,
                "execution_count": None,
                "source": f"show_payloads()  # {PAYLOADS[0]}",
                "outputs": outputs,
            },
            {
                "id": "same-outputs",
                "cell_type": "code",
                "metadata": keep,
                "execution_count": None,
                "source": "same_payloads()",
                "outputs": [output({"text/html": f"<p>unchanged HTML</p>{html}"})],
            },
        ],
    }


def test_payloads_in_diffs_run_nothing_in_the_history_panel(hub, egfr, people):
    marker = f"xssdiff-{uuid.uuid4().hex[:6]}"
    project = ProjectClient(hub, egfr, "alice")
    r = project.put(f"api/contents/{marker}", json={"type": "directory"})
    assert r.status_code == 201, r.text
    text, nb = f"{marker}/payloads.txt", f"{marker}/payloads.ipynb"
    project.put_text(text, "\n".join(PAYLOADS[:8]) + "\n")
    project.put_notebook(nb, notebook_with_payloads(marker, 1))
    r = project.post("moiety/api/snapshot", json={"message": f"{marker} one", "paths": [text, nb]})
    assert r.status_code == 201, r.text
    project.put_text(text, "\n".join(PAYLOADS[4:] + TAGGED) + "\n")
    project.put_notebook(nb, notebook_with_payloads(marker, 2))
    r = project.post("moiety/api/snapshot", json={"message": f"{marker} two", "paths": [text, nb]})
    assert r.status_code == 201, r.text

    person = people("alice")

    # A text file: the unified diff shows the payloads as text.
    page = lab(person, egfr, text, workspace=WORKSPACE)
    watch = Watch(person, page)
    open_panel(page, "History")
    latest = page.locator("#moiety-history .jp-MoietyVersion").first
    expect(latest).to_contain_text(f"{marker} two")
    latest.get_by_test_id("moiety-version-changes").click()
    diff = page.locator(".jp-MoietyDiff:visible .jp-MoietyTextDiff")
    expect(diff.locator(".jp-MoietyTextDiff-del", has_text=PAYLOADS[0])).to_have_count(1)
    expect(diff.locator(".jp-MoietyTextDiff-add", has_text=TAGGED[2])).to_have_count(1)
    expect(diff.locator(".jp-MoietyTextDiff-context", has_text=PAYLOADS[6])).to_have_count(1)
    assert diff.locator("*:not(span)").count() == 0
    hover_everything(diff, ":scope > span")
    watch.assert_nothing_ran()

    # A notebook: nbdime's diff renders the unchanged markdown cell and the outputs.
    page = lab(person, egfr, nb, workspace=WORKSPACE)
    watch = Watch(person, page)
    open_panel(page, "History")
    latest = page.locator("#moiety-history .jp-MoietyVersion").first
    expect(latest).to_contain_text(f"{marker} two")
    latest.get_by_test_id("moiety-version-changes").click()
    diff = page.locator(".jp-MoietyNbdiff:visible")
    expect(diff).to_contain_text(f"{marker} version 2")
    rendered = diff.locator(".jp-RenderedHTMLCommon")
    expect(rendered.filter(has_text="a fine link").first).to_be_visible()
    expect(diff).to_contain_text("an SVG")
    for text in ("HTML output 1", "HTML output 2"):
        expect(rendered.filter(has_text=text)).to_be_visible()
    # Unchanged outputs are rendered too, in a collapsed panel.
    expect(rendered.filter(has_text="unchanged HTML")).to_be_attached()
    assert rendered.locator(SANITIZED_DANGEROUS).count() == 0
    # nbdime's "Trust" would run a teammate's output scripts in one click: not offered here.
    candidate = diff.locator(".jp-Diff-outputPanel.jp-Diff-trustCandidate").first
    candidate.scroll_into_view_if_needed()
    candidate.hover()
    expect(candidate.locator(".jp-Diff-outputMenu")).to_be_visible()
    expect(candidate.get_by_role("button", name="Trust", exact=True)).to_have_count(0)
    hover_everything(diff, ".jp-RenderedHTMLCommon *")
    watch.assert_nothing_ran()
