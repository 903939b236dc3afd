"""Moiety on Zero to JupyterHub: the hub config of this repository, fitted into the chart's.

The hub image (``Dockerfile.hub``) installs this file as
``/usr/local/etc/jupyterhub/jupyterhub_config.d/moiety.py``. The chart's
``jupyterhub_config.py`` runs it after its own settings and ``hub.config``, with its ``c``.

It loads ``hub_config/jupyterhub_config.py`` (``MOIETY_SPAWNER=kubernetes``) on its own and
takes Moiety's *policy* from it: groups, roles and scopes, the trusted OAuth clients, who may
log in and who is an admin, what servers run and with which environment, the placement of
project servers. The *infrastructure* stays the chart's: where the hub listens and how it
reaches the proxy, the hub DB, secrets, login (``hub.config``), the service entry
(``hub.services.moiety``, whose API token the chart manages).

For project servers it also mounts the shared projects volume (a ReadWriteMany PVC) at the
project's folder, with ``subPath: <slug>`` so that a project's kernels see only their own
project. Settings, from the hub's environment (``hub.extraEnv``):

- ``MOIETY_SERVICE_URL`` (``http://moiety:10101``): the service inside the cluster, for servers
- ``MOIETY_PROJECTS_CLAIM`` (``moiety-projects``): the PVC holding every project folder
- ``MOIETY_PROJECTS_INIT`` (``true``): create and chown a project's folder in an init container
  (running as root) before its server starts; set ``false`` if your cluster forbids that and
  the storage honours ``fsGroup``
- ``MOIETY_HUB_CONFIG``: the Moiety hub config (default: the one installed with moiety)
"""

import os
import sys
from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader

INFRASTRUCTURE = {
    "JupyterHub": {
        "authenticator_class",
        "bind_url",
        "cleanup_proxy",
        "cleanup_servers",
        "cookie_secret",
        "cookie_secret_file",
        "db_url",
        "hub_bind_url",
        "hub_connect_url",
        "hub_ip",
        "hub_port",
        "ip",
        "pid_file",
        "port",
        "proxy_class",
        "spawner_class",
    },
    "Spawner": {"cmd"},
}
"""Settings the chart owns; Moiety's values for them (made for one machine) are left out."""
SKIPPED_SECTIONS = {
    "ConfigurableHTTPProxy",
    "DummyAuthenticator",
    "LocalProcessSpawner",
    "NativeAuthenticator",
    "PAMAuthenticator",
    "SimpleLocalProcessSpawner",
}
MERGED = {
    "JupyterHub": {"load_roles", "services", "tornado_settings"},
    "Authenticator": {"admin_users", "allowed_users"},
    "Spawner": {"environment", "pre_spawn_hook"},
}
VOLUME = "moiety-projects"


def default_hub_config() -> Path:
    return Path(sys.prefix) / "share" / "moiety" / "hub_config" / "jupyterhub_config.py"


def load_moiety(path: str | os.PathLike) -> Config:
    """Moiety's hub config, loaded into a Config of its own."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"Moiety's hub config is not at {path}: install moiety in the hub image, or set "
            "MOIETY_HUB_CONFIG."
        )
    return PyFileConfigLoader(path.name, str(path.parent)).load_config()


def adapt(c: Config, moiety: Config, env=os.environ) -> None:
    """Put Moiety's policy into the chart's config ``c``."""
    service_url = env.get("MOIETY_SERVICE_URL", "http://moiety:10101").rstrip("/")
    for section, settings in moiety.items():
        if section in SKIPPED_SECTIONS or not isinstance(settings, Config):
            continue
        for key, value in settings.items():
            if key in INFRASTRUCTURE.get(section, ()) or key in MERGED.get(section, ()):
                continue
            c[section][key] = value
    hub, ours = c.JupyterHub, moiety.JupyterHub
    if not any(s.get("name") == "moiety" for s in hub.get("services", [])):
        raise ValueError(
            "The chart has no service 'moiety': add hub.services.moiety (url "
            f"{service_url}) to the values, as hub_config/k8s/values.yaml does."
        )
    hub.load_roles = [*hub.get("load_roles", []), *ours.get("load_roles", [])]
    hub.tornado_settings = {**hub.get("tornado_settings", {}), **ours.get("tornado_settings", {})}
    for key in ("admin_users", "allowed_users"):
        merged = set(c.Authenticator.get(key, set())) | set(moiety.Authenticator.get(key, set()))
        if merged:
            c.Authenticator[key] = merged
    environment = dict(moiety.Spawner.get("environment", {}))
    environment["MOIETY_SERVICE_API_URL"] = f"{service_url}/services/moiety/api/"
    # KubeSpawner expands {placeholders} in environment values; Moiety's values are literal
    # (MOIETY_AUTHOR_EMAIL's {name} is for the server extension), so their braces are doubled.
    literal = {key: _literal(value) for key, value in environment.items()}
    c.KubeSpawner.environment = {**literal, **c.KubeSpawner.get("environment", {})}
    c.Spawner.pre_spawn_hook = project_volume_hook(moiety.Spawner.get("pre_spawn_hook"), env)


def _literal(value):
    return value.replace("{", "{{").replace("}", "}}") if isinstance(value, str) else value


def project_volume_hook(moiety_hook, env=os.environ):
    """Moiety's pre-spawn hook, then the projects volume for project servers."""
    from moiety.core.accounts import slug_of_account

    claim = env.get("MOIETY_PROJECTS_CLAIM", VOLUME)
    init = env.get("MOIETY_PROJECTS_INIT", "true").lower() not in ("false", "0", "no")

    def hook(spawner):
        if moiety_hook is not None:
            moiety_hook(spawner)
        slug = slug_of_account(spawner.user.name)
        if slug is None:
            return
        folder = spawner.notebook_dir
        spawner.volumes = [
            *spawner.volumes,
            {"name": VOLUME, "persistentVolumeClaim": {"claimName": claim}},
        ]
        spawner.volume_mounts = [
            *spawner.volume_mounts,
            {"name": VOLUME, "mountPath": folder, "subPath": slug},
        ]
        if init:
            spawner.init_containers = [*spawner.init_containers, _folder_maker(spawner, slug)]

    return hook


def _folder_maker(spawner, slug: str) -> dict:
    """An init container that creates the project's folder on the volume, owned by the
    server's user (a subPath that does not exist would be created by the kubelet, as root)."""
    owner = f"{spawner.uid if spawner.uid is not None else 1000}:{spawner.fs_gid or 100}"
    return {
        "name": "moiety-project-folder",
        "image": spawner.image,
        "command": [
            "sh",
            "-c",
            'mkdir -p "/projects/$SLUG" && chown "$OWNER" "/projects/$SLUG"',
        ],
        "env": [{"name": "SLUG", "value": slug}, {"name": "OWNER", "value": owner}],
        "securityContext": {"runAsUser": 0, "runAsGroup": 0},
        "volumeMounts": [{"name": VOLUME, "mountPath": "/projects"}],
    }


if "c" in globals():  # run by the chart's jupyterhub_config.py
    adapt(
        globals()["c"],
        load_moiety(os.environ.get("MOIETY_HUB_CONFIG") or default_hub_config()),
    )
