"""A digest (:func:`moiety.core.digest.build_digest`) as Markdown, for e-mail and chat.

Headings per project, bullet lists, links relative to the hub (``/user/project-<slug>/lab``,
``.../lab/tree/<path>``). Everything people or project servers wrote (titles, messages, names,
paths, SMILES) is collapsed to one line and escaped, so that it reads as text and can never
become a link, an image, emphasis, a heading or HTML; SMILES and commits go into code spans
fenced longer than any run of backticks they hold.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from .accounts import project_account

MINUS = "\N{MINUS SIGN}"
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&=:])")
_TICKS = re.compile(r"`+")


def escape(value: object) -> str:
    """``value`` as one line of Markdown text that renders exactly as written."""
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in str(value)
    )
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code(value: object) -> str:
    """``value`` as an inline code span (one line), whatever backticks it holds."""
    text = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in _TICKS.findall(text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


def file_link(slug: str, path: str | None) -> str:
    """A link to a project file in JupyterLab, or the escaped path if it cannot be one."""
    if not path:
        return "(no path)"
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return escape(path)
    url = f"/user/{project_account(slug)}/lab/tree/{quote(path, safe='/')}"
    return f"[{escape(path)}]({url})"


def render(digest: dict[str, Any]) -> str:
    team, totals = digest["team"], digest["totals"]
    compounds = _counts(
        totals["compounds_added"], totals["compounds_removed"], totals["compounds_changed"]
    )
    lines = [
        f"# Digest of {escape(team)}: {_day(digest['since'])} to {_day(digest['until'])}",
        "",
        f"{_n(totals['events'], 'event')} in {_n(totals['projects'], 'project')} by "
        f"{_n(totals['people'], 'person', 'people')}, from {_moment(digest['since'])} to "
        f"{_moment(digest['until'])}.",
        "",
        "## Team totals",
        "",
        f"- Snapshots: {totals['snapshots']}; restores: {totals['restores']}",
        f"- Files: {totals['files_created']} created, {_n(totals['saves'], 'save')}, "
        f"{totals['files_renamed']} renamed, {totals['files_deleted']} deleted",
        f"- Compounds: {compounds}",
        f"- Discussions: {totals['threads_opened']} opened, "
        f"{totals['threads_unresolved']} unresolved",
        f"- Posts: {totals['posts']}",
    ]
    if digest["people"]:
        lines.append(f"- Most active: {_people(digest['people'])}")
    for project in digest["projects"]:
        lines += ["", *_project(project)]
    return "\n".join(lines) + "\n"


def _project(p: dict[str, Any]) -> list[str]:
    slug = p["slug"]
    lines = [
        f"## {escape(p['title'])} ({escape(slug)})",
        "",
        f"[Open {escape(slug)}]({p['url']}) · {_n(p['events'], 'event')}",
    ]
    if p["events"]:
        series = ", ".join(f"{a['date'][5:]}: {a['events']}" for a in p["activity"])
        lines += ["", f"Events by day: {series}"]
    changes = _changes(slug, p)
    lines += ["", "### What changed", "", *(changes or ["- Nothing changed."])]
    compounds = p["compounds"]
    if compounds["files"]:
        lines += ["", "### Compounds", "", *_compounds(slug, compounds)]
    lines += ["", "### Discussions", "", *_discussions(slug, p["discussions"])]
    if p["top_posts"]:
        lines += ["", "### Most-reacted posts", ""]
        for n, post in enumerate(p["top_posts"], 1):
            lines.append(
                f"{n}. {escape(post['actor'])}: {escape(post['excerpt'])} "
                f"({_n(post['reactions'], 'reaction')})"
            )
    if p["people"]:
        lines += ["", "### People", "", f"- {_people(p['people'])}"]
    return lines


def _changes(slug: str, p: dict[str, Any]) -> list[str]:
    lines = []
    for snap in p["snapshots"]["items"]:
        commit = f" {code(snap['commit'][:8])}" if snap["commit"] else ""
        auto = " (automatic)" if snap["auto"] else ""
        message = f": {escape(snap['message'])}" if snap["message"] else ""
        lines.append(
            f"- Snapshot{commit} by {escape(snap['author'])}{auto}{message} "
            f"({_n(snap['files'], 'file')})"
        )
    _more(lines, p["snapshots"], "snapshots")
    files = p["files"]
    for kind, verb in (("created", "Created"), ("deleted", "Deleted")):
        if files[kind]["count"]:
            lines.append(f"- {verb} {_n(files[kind]['files'], 'file')} {_by(files[kind])}")
    saved = files["saved"]
    if saved["count"]:
        lines.append(
            f"- Saved {_n(saved['files'], 'file')}, {_n(saved['count'], 'save')} {_by(saved)}"
        )
    for rename in files["renamed"].get("renames", []):
        old = file_link(slug, rename["from"]) if rename["from"] else "a file"
        lines.append(
            f"- Renamed {old} to {file_link(slug, rename['to'])} by {escape(rename['actor'])}"
        )
    for item in p["restores"]["items"]:
        commit = f" as of {code(item['restored_from'][:8])}" if item["restored_from"] else ""
        lines.append(
            f"- Restored {file_link(slug, item['path'])}{commit} by {escape(item['author'])}"
        )
    _more(lines, p["restores"], "restores")
    return lines


def _compounds(slug: str, compounds: dict[str, Any]) -> list[str]:
    lines = [
        f"- {_counts(f['added'], f['removed'], f['changed'])} in {file_link(slug, f['path'])} "
        f"({', '.join(escape(name) for name in f['people'])})"
        for f in compounds["files"]
    ]
    for what in ("added", "removed"):
        for item in compounds[f"{what}_items"]:
            name = escape(item["name"]) if item["name"] else "unnamed"
            smiles = f" {code(item['smiles'])}" if item["smiles"] else ""
            lines.append(f"  - {what}: {name}{smiles}")
    return lines


def _discussions(slug: str, discussions: dict[str, Any]) -> list[str]:
    opened, unresolved = discussions["opened"], discussions["unresolved"]
    lines = [f"- Opened: {opened['count']}"]
    for t in opened["items"]:
        state = "resolved" if t["state"] == "resolved" else "open"
        lines.append(
            f"  - {file_link(slug, t['path'])} by {escape(t['opened_by'])} ({state}): "
            f"{escape(t['excerpt'])}"
        )
    lines.append(f"- Unresolved: {unresolved['count']}")
    for t in unresolved["items"]:
        lines.append(
            f"  - {file_link(slug, t['path'])} by {escape(t['opened_by'])}, open "
            f"{_age(t['age_days'])}, last activity {_day(t['last_activity'])}, "
            f"{_n(t['comments'], 'comment')}: {escape(t['excerpt'])}"
        )
    return lines


def _more(lines: list[str], listed: dict[str, Any], what: str) -> None:
    hidden = listed["count"] - len(listed["items"])
    if hidden > 0:
        lines.append(f"- and {hidden} more {what}")


def _by(tally: dict[str, Any]) -> str:
    return f"by {', '.join(escape(name) for name in tally['people'])}"


def _people(people: list[dict[str, Any]]) -> str:
    return ", ".join(f"{escape(p['name'])} ({p['events']})" for p in people)


def _counts(added: int, removed: int, changed: int) -> str:
    return f"+{added} {MINUS}{removed} ~{changed}"


def _age(days: int) -> str:
    return "since today" if days == 0 else f"{_n(days, 'day')}"


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _day(moment: str) -> str:
    return moment[:10]


def _moment(moment: str) -> str:
    return f"{moment[:10]} {moment[11:16]} UTC"
