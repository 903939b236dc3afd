"""The ``moiety`` command: run the demo hub and administer a deployment."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from . import __version__
from .cli_digest import add_digest_command
from .client import MoietyAPIError, ServiceClient
from .deployment import load_deployment
from .deployment.settings import REPO_ROOT, DeploymentError
from .ops.errors import OpsError

HUB_CONFIG = REPO_ROOT / "hub_config" / "jupyterhub_config.py"


class CommandError(Exception):
    """A command cannot run as asked; the message says what to do."""


def _banner(deployment) -> str:
    url = f"http://{deployment.ip}:{deployment.port}"
    lines = [f"Moiety {__version__} demo hub: {url}", ""]
    if deployment.authenticator == "dummy":
        lines.append(
            f"Log in with the password {deployment.demo_password!r} (MOIETY_DEMO_PASSWORD) as:"
        )
        for team in deployment.teams:
            lines.append(f"  {', '.join(team.members)}: team {team.name}")
        leads = sorted({lead for team in deployment.teams for lead in team.leads})
        if leads:
            lines.append(f"  {', '.join(leads)}: team lead")
        lines.append(f"  {', '.join(deployment.admins)}: hub admin")
    lines += ["", f"Data: {deployment.data_dir}", "Stop with Ctrl-C."]
    return "\n".join(lines)


def _wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 -- our own local hub
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    return False


def run_hub(deployment, extra_args=()) -> int:
    """Run JupyterHub in the foreground; Ctrl-C stops it and everything it started."""
    deployment.data_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG), *extra_args]
    proc = subprocess.Popen(command, cwd=deployment.data_dir, start_new_session=True)
    stop = {"asked": False}

    def ask_to_stop(signum, frame):
        if not stop["asked"]:
            stop["asked"] = True
            print("\nStopping Moiety: hub, proxy, service and every server it started...")
            proc.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, ask_to_stop)
    signal.signal(signal.SIGTERM, ask_to_stop)
    health = f"http://{deployment.ip}:{deployment.port}/hub/health"
    if _wait_until_up(health, proc):
        print(f"\nMoiety is ready: open http://{deployment.ip}:{deployment.port}\n", flush=True)
    try:
        code = proc.wait(timeout=None)
    finally:
        if proc.poll() is None:
            proc.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    return 0 if stop["asked"] else code


def cmd_demo(args) -> int:
    if args.port:
        os.environ["MOIETY_PORT"] = str(args.port)
    if args.data_dir:
        os.environ["MOIETY_DATA_DIR"] = os.path.abspath(args.data_dir)
    deployment = load_deployment()
    # The hub runs inside the data directory and reads the deployment again: a relative
    # default (var/demo) would land in var/demo/var/demo without the absolute path here.
    os.environ["MOIETY_DATA_DIR"] = str(deployment.data_dir)
    print(_banner(deployment), flush=True)
    return run_hub(deployment)


def _client(args) -> ServiceClient:
    token = args.token or os.environ.get("MOIETY_TOKEN") or os.environ.get("JUPYTERHUB_API_TOKEN")
    if not token:
        raise CommandError(
            "A hub API token is needed: create one at <hub>/hub/token and pass --token or set "
            "MOIETY_TOKEN."
        )
    hub_url = args.hub_url
    if not hub_url:
        deployment = load_deployment()
        hub_url = f"http://{deployment.ip}:{deployment.port}"
    return ServiceClient(f"{hub_url.rstrip('/')}/services/moiety/api/", token)


def cmd_project_create(args) -> int:
    body = {"slug": args.slug, "title": args.title or args.slug, "teams": args.team}
    if args.description:
        body["description"] = args.description
    if args.template:
        body["template"] = args.template
    project = _client(args).post("projects", body)
    print(f"Created {project['slug']} for {', '.join(project['teams'])}: {project['server_url']}")
    return 0


def cmd_project_list(args) -> int:
    items = _client(args).get("projects")["items"]
    if not items:
        print("No projects you can see.")
    for project in items:
        print(f"{project['slug']:<24} {', '.join(project['teams']):<20} {project['title']}")
    return 0


def _layout(args):
    from .ops.layout import DataLayout

    if args.data_dir:
        os.environ["MOIETY_DATA_DIR"] = os.path.abspath(args.data_dir)
    return DataLayout.from_deployment(load_deployment())


def cmd_backup(args) -> int:
    from .ops.backup import create_backup

    layout = _layout(args)
    print(f"Backing up {layout.data_dir} into {os.path.abspath(args.dir)}", flush=True)
    manifest = create_backup(args.dir, layout, report=lambda line: print(f"  {line}", flush=True))
    print(f"Backup complete in {manifest['duration_seconds']:.1f} s: {os.path.abspath(args.dir)}")
    return 0


def cmd_restore(args) -> int:
    from .ops.restore import restore_backup

    layout = _layout(args)
    print(f"Restoring {os.path.abspath(args.dir)} into {layout.data_dir}", flush=True)
    manifest = restore_backup(args.dir, layout, report=lambda line: print(f"  {line}", flush=True))
    print(
        f"Restored the backup of {manifest['created_at']} ({len(manifest['projects'])} projects). "
        f"Start the hub with MOIETY_DATA_DIR={layout.data_dir}."
    )
    return 0


def cmd_doctor(args) -> int:
    from .ops.doctor import Doctor, exit_code

    layout = _layout(args)
    hub_url = args.hub_url
    if not hub_url:
        deployment = load_deployment()
        host = "127.0.0.1" if deployment.ip in ("0.0.0.0", "") else deployment.ip  # noqa: S104
        hub_url = f"http://{host}:{deployment.port}"
    token = args.token or os.environ.get("MOIETY_TOKEN")
    checks = Doctor(hub_url, layout, token=token, timeout=args.timeout).run()
    for check in checks:
        print(check.line())
    code = exit_code(checks)
    counts = {status: sum(c.status == status for c in checks) for status in ("OK", "WARN", "FAIL")}
    print(f"{counts['OK']} OK, {counts['WARN']} WARN, {counts['FAIL']} FAIL")
    return code


def _add_ops_commands(sub) -> None:
    backup = sub.add_parser(
        "backup", help="back up the databases and every project repository, while the hub runs"
    )
    backup.add_argument("dir", help="a new (or empty) folder to write the backup into")
    backup.add_argument("--data-dir", help="the deployment's data directory (MOIETY_DATA_DIR)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into a new data directory")
    restore.add_argument("dir", help="the folder `moiety backup` wrote")
    restore.add_argument(
        "--data-dir", required=True, help="the new (empty) data directory to restore into"
    )
    restore.set_defaults(func=cmd_restore)
    doctor = sub.add_parser("doctor", help="check a deployment and say what to fix")
    doctor.add_argument("--data-dir", help="the deployment's data directory (MOIETY_DATA_DIR)")
    doctor.add_argument("--timeout", type=float, default=10, help="seconds per HTTP request")
    _add_connection_options(doctor)
    doctor.set_defaults(func=cmd_doctor)


def _add_connection_options(parser) -> None:
    parser.add_argument("--hub-url", help="the hub's public URL (default: from moiety.toml)")
    parser.add_argument("--token", help="hub API token (default: $MOIETY_TOKEN)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moiety", description=__doc__)
    parser.add_argument("--version", action="version", version=f"moiety {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="serve the demo hub with demo teams and projects")
    demo.add_argument("--port", type=int, help="public port (default 8000, or MOIETY_PORT)")
    demo.add_argument("--data-dir", help="data directory (default var/demo, or MOIETY_DATA_DIR)")
    demo.set_defaults(func=cmd_demo)

    project = sub.add_parser("project", help="list and create projects (leads and admins)")
    project_sub = project.add_subparsers(dest="project_command", required=True)
    create = project_sub.add_parser("create", help="create a project for one or more teams")
    create.add_argument("slug", help="lowercase letters, digits and dashes, e.g. egfr-sar")
    create.add_argument("--title", help="a title (default: the slug)")
    create.add_argument("--team", action="append", required=True, help="a team (repeatable)")
    create.add_argument("--description", help="what the project is about")
    create.add_argument("--template", help="project template (default: default)")
    _add_connection_options(create)
    create.set_defaults(func=cmd_project_create)
    listing = project_sub.add_parser("list", help="the projects you can see")
    _add_connection_options(listing)
    listing.set_defaults(func=cmd_project_list)
    _add_ops_commands(sub)
    add_digest_command(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (DeploymentError, CommandError) as e:
        print(f"moiety: {e}", file=sys.stderr)
        return 2
    except OpsError as e:
        print(f"moiety {args.command}: {e.message}", file=sys.stderr)
        return 2
    except MoietyAPIError as e:
        print(f"moiety: {e.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
