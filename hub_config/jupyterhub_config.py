"""The Moiety deployment of JupyterHub: the demo, a single machine and Kubernetes.

Teams, leads, admins and projects come from ``moiety.toml`` (``MOIETY_CONFIG``), with the
environment overrides documented there and in the README. Choose the login with
``MOIETY_AUTHENTICATOR`` (dummy | native | pam) and where servers run with ``MOIETY_SPAWNER``
(simple | local | kubernetes).
"""

import os
import sys
from pathlib import Path

from tornado.web import HTTPError

from moiety.core.accounts import is_project_account, slug_of_account
from moiety.deployment import hub as moiety_hub
from moiety.deployment import load_deployment
from moiety.deployment.settings import REPO_ROOT

c = get_config()  # noqa: F821 -- provided by JupyterHub when it loads this file

deployment = load_deployment()
data_dir = deployment.data_dir
if deployment.spawner != "kubernetes":  # in a pod these folders are the project servers' volume
    data_dir.mkdir(parents=True, exist_ok=True)
    deployment.home_root.mkdir(exist_ok=True)
    deployment.projects_root.mkdir(exist_ok=True)

# --- the hub, its proxy and its state -------------------------------------------------------
c.JupyterHub.bind_url = f"http://{deployment.ip}:{deployment.port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{deployment.hub_port}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{deployment.proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = str(data_dir / "jupyterhub-proxy.pid")
if command := moiety_hub.proxy_command(REPO_ROOT):
    c.ConfigurableHTTPProxy.command = command
if deployment.public_url:
    c.JupyterHub.public_url = deployment.public_url  # the service reaches project servers here
c.JupyterHub.db_url = deployment.hub_db_url or f"sqlite:///{data_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(data_dir / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.default_url = "/hub/home"

# --- people, teams and what they may do ------------------------------------------------------
c.Authenticator.admin_users = set(deployment.admins)
c.Authenticator.allowed_users = set(deployment.people)

if deployment.authenticator == "dummy":
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = deployment.demo_password
elif deployment.authenticator == "native":
    c.JupyterHub.authenticator_class = "native"
    c.NativeAuthenticator.open_signup = False
    c.Authenticator.allow_all = False
else:
    c.JupyterHub.authenticator_class = "pam"


def refuse_project_accounts(authenticator, handler, authentication):
    """Nobody logs in as a project: its server is reached through team access only."""
    if is_project_account(authentication["name"]):
        raise HTTPError(403, "Project accounts cannot log in; open the project from Moiety.")
    return authentication


c.Authenticator.post_auth_hook = refuse_project_accounts

c.JupyterHub.load_groups = moiety_hub.load_groups(deployment)
c.JupyterHub.custom_scopes = moiety_hub.CUSTOM_SCOPES
c.JupyterHub.load_roles = moiety_hub.load_roles(deployment)

# --- the Moiety service ------------------------------------------------------------------------
c.JupyterHub.services = [
    moiety_hub.service_spec(deployment, moiety_hub.service_environment(deployment))
]
c.JupyterHub.tornado_settings = {
    "oauth_no_confirm_list": moiety_hub.TrustedOAuthClients({"service-moiety"}),
}

# --- single-user servers: personal ones and one per project ----------------------------------
if deployment.spawner == "simple":
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(deployment.home_root / "{username}")
elif deployment.spawner == "local":
    c.JupyterHub.spawner_class = "localprocess"
else:
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"

if deployment.spawner != "kubernetes":
    c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = "/lab"
c.Spawner.server_token_scopes = moiety_hub.server_token_scopes
c.Spawner.environment = moiety_hub.server_environment(deployment)
base_args = ["--allow-root"] if os.geteuid() == 0 and deployment.spawner != "kubernetes" else []
c.Spawner.args = base_args


def place_project_servers(spawner):
    """A project account's server serves the project's repository and stops when idle."""
    slug = slug_of_account(spawner.user.name)
    if slug is None:
        return
    spawner.notebook_dir = str(deployment.projects_root / slug)
    spawner.environment["MOIETY_PROJECT"] = slug
    # The server stops itself when nobody works in it, also with kernels running and tabs
    # left open (see moiety/server/idle.py for why jupyter_server's own rules do not do that).
    spawner.environment["MOIETY_SERVER_IDLE_TIMEOUT_SECONDS"] = str(deployment.idle_timeout)


c.Spawner.pre_spawn_hook = place_project_servers
