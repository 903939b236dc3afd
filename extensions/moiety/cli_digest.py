"""``moiety digest``: a team's digest from the service, as Markdown (for e-mail or chat
pipelines) or JSON.

``moiety digest --team kinase --since 7d [--format md|json] [--hub-url URL] [--token TOKEN]``

The digest is read from ``GET /digest`` with the caller's token (leads of the team and admins);
Markdown is rendered here from it, exactly as the service renders ``format=md``.
:func:`add_digest_command` adds the command to the ``moiety`` parser.
"""

from __future__ import annotations

import argparse
import json
import sys

from .core.digest_markdown import render


def add_digest_command(subparsers) -> argparse.ArgumentParser:
    digest = subparsers.add_parser(
        "digest", help="a team's digest: what changed, compounds, open questions (leads, admins)"
    )
    digest.add_argument("--team", required=True, help="the team (a hub group), e.g. kinase")
    digest.add_argument(
        "--since", default="7d", help="a date (2026-11-16), a date and time, or a span: 7d, 24h"
    )
    digest.add_argument("--format", choices=["md", "json"], default="md", help="md or json (md)")
    digest.add_argument("--hub-url", help="the hub's public URL (default: from moiety.toml)")
    digest.add_argument("--token", help="hub API token (default: $MOIETY_TOKEN)")
    digest.set_defaults(func=cmd_digest)
    return digest


def cmd_digest(args) -> int:
    from .cli import _client

    digest = _client(args).get("digest", team=args.team, since=args.since, format="json")
    if args.format == "json":
        print(json.dumps(digest, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render(digest))
    return 0
