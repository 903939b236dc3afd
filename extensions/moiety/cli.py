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
from .deployment import load_deployment
from .deployment.settings import REPO_ROOT, DeploymentError

HUB_CONFIG = REPO_ROOT / "hub_config" / "jupyterhub_config.py"


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
    print(_banner(deployment), flush=True)
    return run_hub(deployment)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moiety", description=__doc__)
    parser.add_argument("--version", action="version", version=f"moiety {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="serve the demo hub with demo teams and projects")
    demo.add_argument("--port", type=int, help="public port (default 8000, or MOIETY_PORT)")
    demo.add_argument("--data-dir", help="data directory (default var/demo, or MOIETY_DATA_DIR)")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DeploymentError as e:
        print(f"moiety: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
