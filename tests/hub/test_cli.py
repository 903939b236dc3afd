"""The ``moiety`` command against the real hub."""

import subprocess
import sys

from moiety_testing.hub import service_client


def moiety(hub, *args, token):
    return subprocess.run(
        [sys.executable, "-m", "moiety.cli", *args, "--hub-url", hub.url, "--token", token],
        capture_output=True,
        text=True,
        timeout=120,
        env=hub.env,
    )


def test_an_admin_creates_and_lists_projects(hub):
    token = hub.token("admin")
    created = moiety(
        hub,
        "project",
        "create",
        "cli-made",
        "--title",
        "Made by the CLI",
        "--team",
        "neuro",
        token=token,
    )
    assert created.returncode == 0, created.stderr
    assert "cli-made" in created.stdout
    listed = moiety(hub, "project", "list", token=token)
    assert "cli-made" in listed.stdout
    assert (hub.data_dir / "projects" / "cli-made" / ".git").is_dir()
    carol = service_client(hub, "carol").get("projects/cli-made")
    assert carol.status_code == 200
    assert service_client(hub, "alice").get("projects/cli-made").status_code == 404


def test_a_member_is_refused_with_the_reason(hub):
    refused = moiety(
        hub, "project", "create", "not-allowed", "--team", "kinase", token=hub.token("bob")
    )
    assert refused.returncode == 1
    assert "leads" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_bad_slug_is_explained(hub):
    bad = moiety(hub, "project", "create", "Bad_Slug", "--team", "kinase", token=hub.token("admin"))
    assert bad.returncode == 1
    assert "slug" in bad.stderr.lower()
