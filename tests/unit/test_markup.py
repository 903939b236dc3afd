"""Tags, mentions and molecules parsed from markdown bodies."""

import pytest

from moiety.core.markup import Molecule, excerpt, normalize_name, normalize_tag, parse


def tags(body):
    return parse(body).tags


def mentions(body):
    return parse(body).mentions


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("#EGFR and #egfr and #Egfr", ["egfr"]),
        ("#hit-to-lead, #pIC50; #kinase_panel.", ["hit-to-lead", "pic50", "kinase_panel"]),
        ("(#paren) [#bracket] #trailing-", ["paren", "bracket", "trailing"]),
        ("#b then #a then #b", ["b", "a"]),
        ("# Heading is not a tag\n\n## Sub #h2", ["h2"]),
        ("#Title without a space is a tag", ["title"]),
        ("issue #12 and #3d-model", []),
        ("C#N and x#y and ##double", []),
        ("&#35;entity and \\#escaped", []),
        ("`#code` and ``#more `code` ``", []),
        ("```\n#fenced\n```\n\n~~~\n#tilde\n~~~", []),
        ("    #indented code", []),
        ("```smiles\nC#N nitrile #name\n```", []),
        ("see http://x.org/#anchor and https://y.org/p#frag", []),
        ("www.example.com/#w and <https://z.org/#q>", []),
        ("[a link #in-text](http://x/#frag) [rel](#section)", ["in-text"]),
        ("<span>#inline-html</span> <!-- #comment -->", ["inline-html"]),
        ("<div>\n#block-html\n</div>", []),
        ("> quoted #q\n- item #li\n\n| a |\n|---|\n| #cell |", ["q", "li", "cell"]),
        ("*#em* and **#strong**", ["em", "strong"]),
        ("#données #Ünïcode", ["données", "ünïcode"]),
        ("#" + "a" * 100 + " #" + "b" * 101, ["a" * 100]),
    ],
)
def test_tags(body, expected):
    assert tags(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("@alice, @Bob and @alice again", ["alice", "bob"]),
        ("thanks @carol. and @dave-", ["carol", "dave"]),
        ("@j.doe @a_b @x-y @u2", ["j.doe", "a_b", "x-y", "u2"]),
        ("mail bob@example.com or first.last@x.org", []),
        ("<mailto:eve@x.org> <eve@x.org>", []),
        ("`@code` and\n```\n@fenced\n```", []),
        ("https://x.org/@handle and www.x.org/@h", []),
        ("@bobé is not bob", []),
        ("@@double and @ alone and @", []),
        ("(@paren) [@bracket]: @colon:", ["paren", "bracket", "colon"]),
        ("> @quoted\n- @listed", ["quoted", "listed"]),
    ],
)
def test_mentions(body, expected):
    assert mentions(body) == expected


def test_molecules_from_smiles_blocks():
    body = (
        "Two series:\n\n"
        "```smiles\n"
        "c1ccccc1   benzene   ring\n"
        "\n"
        "# a comment line\n"
        "CC(=O)O\tacetic acid\n"
        "C#N\n"
        "```\n\n"
        "```python\nprint('CCO')\n```\n\n"
        "```SMILES extra info\nnot-checked-here\n```\n\n"
        "- ```smiles\n  CCO ethanol\n  ```\n"
    )
    assert parse(body).molecules == [
        Molecule("c1ccccc1", "benzene ring"),
        Molecule("CC(=O)O", "acetic acid"),
        Molecule("C#N", None),
        Molecule("not-checked-here", None),
        Molecule("CCO", "ethanol"),
    ]


def test_no_markup():
    assert parse("") == ([], [], [])
    assert parse("plain words only") == ([], [], [])


def test_normalizers():
    assert normalize_tag("#EGFR") == "egfr"
    assert normalize_tag("hit-to-lead") == "hit-to-lead"
    assert [normalize_tag(t) for t in ("", "#", "1a", "a b", "a-", "a" * 101)] == [None] * 6
    assert normalize_name("@J.Doe") == "j.doe"
    assert [normalize_name(n) for n in ("", "@", "a b", "é", "a@b", "x" * 256)] == [None] * 6


def test_excerpt():
    assert excerpt("**Bold** and `code`\n\nnext *para*") == "Bold and code next para"
    assert excerpt("```smiles\nC\n```") == "[1 molecule]"
    assert excerpt("see <https://x.org/a#b> &amp; more") == "see https://x.org/a#b & more"
    long = excerpt("word " * 100, 50)
    assert len(long) <= 50
    assert long.endswith("word…")
    assert excerpt("x" * 200, 20) == "x" * 19 + "…"
