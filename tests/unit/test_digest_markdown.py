"""The digest as Markdown: readable headings and lists, links relative to the hub, and text from
people or project servers escaped so it can never become a link, an image, emphasis or HTML
(checked by rendering with a real Markdown parser, raw HTML allowed)."""

from datetime import UTC, datetime, timedelta

import mistune
import pytest

from moiety.core.digest import build_digest
from moiety.core.digest_markdown import code, escape, file_link, render
from moiety.core.events import record_event
from moiety.core.projects import create_project
from moiety.core.reactions import add_reaction

to_html = mistune.create_markdown(escape=False, plugins=["url", "strikethrough", "table"])

HOSTILE = [
    "[click me](http://evil.example/x)",
    "![pixel](http://evil.example/p.png)",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "**loud** and _sly_ and ~~gone~~",
    "line one\n\n# A heading\n\n- a list\n[x]: http://evil.example",
    "&lt;b&gt; entity",
    "\\[escaped](http://evil.example)",
    "www.evil.example and http://evil.example/a",
    "`code` ``more``",
    "1. not a list",
    "a | b\n---|---\nc | d",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_itself(text):
    html = to_html(f"- by {escape(text)}")
    for tag in ("<a ", "<img", "<script", "<strong", "<em", "<del", "<h1", "<code", "<table"):
        assert tag not in html
    assert html.count("<li>") == 1
    plain = " ".join(text.split())
    assert mistune.html(escape(text)).strip() == f"<p>{mistune.escape(plain)}</p>"


def test_code_spans_hold_any_backticks():
    for smiles in ("C#C`c1", "``C", "CC`", "[NH3+]CC(=O)[O-]"):
        html = to_html(code(smiles))
        assert html == f"<p><code>{mistune.escape(smiles)}</code></p>\n"
    assert code("a\nb") == "`a b`"


def test_file_links_are_relative_to_the_hub_and_encoded():
    assert file_link("egfr-sar", "notebooks/explore.ipynb") == (
        "[notebooks/explore\\.ipynb](/user/project-egfr-sar/lab/tree/notebooks/explore.ipynb)"
    )
    link = file_link("egfr-sar", "data/a (copy)<x>.csv")
    assert link.endswith("(/user/project-egfr-sar/lab/tree/data/a%20%28copy%29%3Cx%3E.csv)")
    html = to_html(link)
    assert 'href="/user/project-egfr-sar/lab/tree/data/a%20%28copy%29%3Cx%3E.csv"' in html
    assert ">data/a (copy)&lt;x&gt;.csv</a>" in html
    for unsafe in ("../../hub/logout", "a//b", "./x"):
        assert "](" not in file_link("egfr-sar", unsafe)


@pytest.fixture
def hostile_week(db_session):
    title = "EGFR [SAR](javascript:alert(1)) <b>bold</b>"
    create_project(db_session, slug="egfr", title=title, teams=["kinase"], created_by="lena")
    now = datetime.now(UTC)
    snapshot = {"commit": "ab" * 20, "message": HOSTILE[0], "paths": ["a"]}
    added = {"added": [{"name": HOSTILE[2], "smiles": "C`C"}]}
    for kind, actor, path, data in (
        ("snapshot.created", "bob", None, snapshot),
        ("snapshot.created", "bob", None, {"commit": "](http://x)", "message": HOSTILE[1]}),
        ("file.renamed", "alice", "new [x](y).ipynb", {"from": "<old>.ipynb"}),
        ("compounds.changed", "bob", "data/egfr.sdf", added),
        ("post.created", "alice", None, {"body": "hi"}),
    ):
        event = record_event(
            db_session,
            kind=kind,
            project="egfr",
            actor=actor,
            summary=HOSTILE[3] if kind == "post.created" else kind,
            path=path,
            data=data,
            created_at=now - timedelta(hours=1),
        )
    add_reaction(db_session, event_id=event.id, user="bob", emoji="+1", visible={"egfr"})
    db_session.commit()
    return build_digest(db_session, team="kinase", since=now - timedelta(days=7), until=now)


def test_a_digest_reads_well_and_hostile_words_stay_words(hostile_week):
    text = render(hostile_week)
    lines = text.splitlines()
    assert lines[0].startswith("# Digest of kinase: ")
    assert "## Team totals" in lines
    assert "- Snapshots: 2; restores: 0" in lines
    assert "- Compounds: +1 \N{MINUS SIGN}0 ~0" in lines
    assert "- Most active: bob (3), alice (2), lena (1)" in lines
    assert "### What changed" in lines
    assert "### Compounds" in lines
    assert "### Discussions" in lines
    assert "[Open egfr](/user/project-egfr/lab) · 6 events" in lines
    assert (
        "- Snapshot `abababab` by bob: \\[click me\\]\\(http\\:"
        "//evil\\.example/x\\) (1 file)" in lines
    )
    html = to_html(text)
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert hrefs
    assert all(href.startswith("/user/project-egfr/lab") for href in hrefs)
    assert "<code>C`C</code>" in html
    assert "EGFR [SAR](javascript:alert(1)) &lt;b&gt;bold&lt;/b&gt; (egfr)</h2>" in html
    assert "new [x](y).ipynb" in html
    assert "### Most-reacted posts" in lines
    assert "<li>alice: &lt;img src=x onerror=&quot;alert(1)&quot;&gt; (1 reaction)</li>" in html
