"""What a markdown body says beyond its text: ``#tags``, ``@mentions`` and molecules.

The body is parsed as markdown (mistune, the parser nbconvert uses) so that code spans, code
blocks, raw HTML and link targets are skipped the way a reader sees them, not guessed by regex.

- A tag is ``#`` then a letter, then letters, digits, ``_`` or ``-`` (``#EGFR``, ``#hit-to-lead``);
  it is stored lowercase. ``#1`` (a number), ``C#N`` and ``x#y`` (inside a word), ``&#35;``,
  ``\\#escaped`` and the ``#anchor`` of a URL are not tags.
- A mention is ``@`` then a JupyterHub user name: letters, digits, ``.``, ``_``, ``-``
  (``@alice``, ``@j.doe``); stored lowercase, as the hub stores names. A trailing ``.`` or ``-``
  ends the sentence, not the name. ``bob@example.com`` is an e-mail address, not a mention.
- Molecules are written in fenced blocks whose info string is ``smiles``, one per line: the
  SMILES, then optionally whitespace and a name. Blank lines and lines starting with ``#`` are
  skipped. They are not checked here; the chemistry layer validates them.

Tags and mentions are deduplicated and listed in order of first appearance.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import NamedTuple

import mistune

MAX_TAG_LENGTH = 100
MAX_NAME_LENGTH = 255

_TAG = re.compile(r"(?<![\w&#/])#([^\W\d_][\w-]*)")
_MENTION = re.compile(r"(?<![\w.@/+-])@([A-Za-z0-9_][A-Za-z0-9._-]*)(?!\w)")
_URL = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+")
TAG_PATTERN = re.compile(r"[^\W\d_][\w-]*")
NAME_PATTERN = re.compile(r"[a-z0-9_][a-z0-9._-]*")

_parse_markdown = mistune.create_markdown(renderer=None, plugins=["url", "strikethrough", "table"])


class Molecule(NamedTuple):
    smiles: str
    name: str | None = None


class Markup(NamedTuple):
    tags: list[str]
    mentions: list[str]
    molecules: list[Molecule]


def parse(body: str) -> Markup:
    """The tags, mentions and molecules of a markdown ``body``."""
    tokens = _parse_markdown(body)
    tags: dict[str, None] = {}
    mentions: dict[str, None] = {}
    for text in _prose(tokens):
        text = _URL.sub(" ", text)
        for match in _TAG.finditer(text):
            tag = match.group(1).rstrip("-").lower()
            if len(tag) <= MAX_TAG_LENGTH:
                tags.setdefault(tag)
        for match in _MENTION.finditer(text):
            name = match.group(1).rstrip(".-").lower()
            if name and len(name) <= MAX_NAME_LENGTH:
                mentions.setdefault(name)
    return Markup(list(tags), list(mentions), list(_molecules(tokens)))


def normalize_tag(tag: str) -> str | None:
    """``tag`` (with or without its ``#``) lowercased, or None if it is not a valid tag."""
    tag = tag.removeprefix("#").lower()
    if len(tag) <= MAX_TAG_LENGTH and TAG_PATTERN.fullmatch(tag) and not tag.endswith("-"):
        return tag
    return None


def normalize_name(name: str) -> str | None:
    """A user name (with or without its ``@``) lowercased, or None if it is not a valid name."""
    name = name.removeprefix("@").lower()
    if len(name) <= MAX_NAME_LENGTH and NAME_PATTERN.fullmatch(name):
        return name
    return None


def excerpt(body: str, length: int = 140) -> str:
    """A one-line plain-text excerpt of a markdown ``body``, at most ``length`` characters."""
    parts = []
    for token in _walk(_parse_markdown(body)):
        kind = token["type"]
        if kind in ("text", "codespan"):
            parts.append(html.unescape(token["raw"]))
        elif kind == "link" and _is_autolink(token):
            parts.append(token["attrs"]["url"].removeprefix("mailto:"))
        elif kind == "block_code" and _is_smiles(token):
            count = len(list(_smiles_lines(token["raw"])))
            parts.append(f" [{count} molecule{'s' if count != 1 else ''}] ")
        elif kind in ("softbreak", "linebreak", "paragraph", "heading", "block_code"):
            parts.append(" ")
    text = " ".join("".join(parts).split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut[length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def _walk(tokens: list[dict]) -> Iterator[dict]:
    for token in tokens:
        yield token
        if token["type"] == "link" and _is_autolink(token):
            continue
        yield from _walk(token.get("children", ()))


def _prose(tokens: list[dict]) -> Iterator[str]:
    """The text a reader sees as words: not code, raw HTML, link targets or bare URLs."""
    for token in _walk(tokens):
        if token["type"] == "text":
            yield token["raw"]


def _is_autolink(token: dict) -> bool:
    text = "".join(c.get("raw", "") for c in token.get("children", ()))
    url = token.get("attrs", {}).get("url", "")
    return text in (url, url.removeprefix("mailto:"))


def _is_smiles(token: dict) -> bool:
    info = (token.get("attrs") or {}).get("info") or ""
    return info.lower().split()[:1] == ["smiles"]


def _smiles_lines(raw: str) -> Iterator[str]:
    for line in raw.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def _molecules(tokens: list[dict]) -> Iterator[Molecule]:
    for token in _walk(tokens):
        if token["type"] == "block_code" and _is_smiles(token):
            for line in _smiles_lines(token["raw"]):
                smiles, *name = line.split(maxsplit=1)
                yield Molecule(smiles, " ".join(name[0].split()) if name else None)
