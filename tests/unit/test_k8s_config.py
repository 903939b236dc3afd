"""The Kubernetes deployment, checked without a cluster: the hub config loads with
``MOIETY_SPAWNER=kubernetes``; Zero to JupyterHub's values and Moiety's manifests say what the
chart and Kubernetes read, and agree with each other; the chart's config keeps its own
infrastructure and takes Moiety's policy (``hub_config/k8s/moiety_z2jh.py``); project servers'
pods, built by the real KubeSpawner, mount their project folder; the Dockerfiles parse.
"""

import asyncio
import copy
import os
import re
import runpy
from pathlib import Path

import pytest
import yaml
from jupyterhub.app import JupyterHub
from kubespawner import KubeSpawner
from traitlets.config import Config, PyFileConfigLoader

REPO = Path(__file__).resolve().parents[2]
HUB_CONFIG = REPO / "hub_config" / "jupyterhub_config.py"
K8S = REPO / "hub_config" / "k8s"
KUBECONFIG = """
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "http://127.0.0.1:9"}}]
users: [{name: none, user: {}}]
contexts: [{name: none, context: {cluster: none, user: none, namespace: moiety}}]
current-context: none
"""
"""A client configuration KubeSpawner needs to be constructed; nothing is ever sent."""


@pytest.fixture
def values() -> dict:
    return yaml.safe_load((K8S / "values.yaml").read_text())


@pytest.fixture
def manifests() -> dict[tuple[str, str], dict]:
    docs = [d for d in yaml.safe_load_all((K8S / "moiety.yaml").read_text()) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean Moiety environment; ``set(**env)`` sets more."""
    for name in list(os.environ):
        if name.startswith(("MOIETY_", "JUPYTERHUB_")):
            monkeypatch.delenv(name)
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(KUBECONFIG)
    monkeypatch.setattr(
        "kubernetes_asyncio.config.kube_config.KUBE_CONFIG_DEFAULT_LOCATION", str(kubeconfig)
    )

    def set_env(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))

    return set_env


def load_hub_config() -> Config:
    return PyFileConfigLoader(HUB_CONFIG.name, str(HUB_CONFIG.parent)).load_config()


def spawn(config: Config, name: str = "project-egfr-sar", pod: bool = True):
    """A real KubeSpawner for ``name`` with ``config``, its pre-spawn hook run, and the pod it
    would create (built, never sent). KubeSpawner wants a running event loop."""

    async def build():
        spawner = KubeSpawner(_mock=True, config=config)
        spawner.user.name = name
        spawner.pre_spawn_hook(spawner)
        return spawner, (await spawner.get_pod_manifest() if pod else None)

    return asyncio.run(build())


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings_in(k)
            yield from strings_in(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from strings_in(item)


def test_the_hub_config_loads_for_kubernetes(environment, tmp_path):
    environment(MOIETY_SPAWNER="kubernetes", MOIETY_DATA_DIR=tmp_path / "srv-moiety")
    c = load_hub_config()
    assert c.JupyterHub.spawner_class == "kubespawner.KubeSpawner"
    assert JupyterHub(config=c).spawner_class is KubeSpawner
    assert "cmd" not in c.Spawner, "a pod runs the image's jupyterhub-singleuser"
    assert "--allow-root" not in c.Spawner.args
    assert "SimpleLocalProcessSpawner" not in c
    known = KubeSpawner.class_trait_names(config=True)
    assert set(c.Spawner) <= set(known)
    assert {r["name"] for r in c.JupyterHub.load_roles} >= {"user", "moiety-service"}

    spawner, _ = spawn(c, pod=False)
    assert spawner.notebook_dir == str(tmp_path / "srv-moiety" / "projects" / "egfr-sar")
    assert spawner.environment["MOIETY_PROJECT"] == "egfr-sar"
    assert "--allow-root" not in spawner.args
    personal, _ = spawn(c, "alice", pod=False)
    assert personal.notebook_dir == ""


def test_values_carry_what_zero_to_jupyterhub_reads(values, manifests):
    chart = {
        "hub": {
            "config",
            "services",
            "db",
            "image",
            "extraEnv",
            "extraVolumes",
            "extraVolumeMounts",
            "resources",
            "concurrentSpawnLimit",
            "consecutiveFailureLimit",
            "networkPolicy",
            "loadRoles",
            "extraConfig",
            "extraFiles",
            "existingSecret",
            "baseUrl",
        },
        "proxy": {"service", "https", "chp", "traefik", "secretToken"},
        "singleuser": {
            "image",
            "cmd",
            "defaultUrl",
            "uid",
            "fsGid",
            "storage",
            "memory",
            "cpu",
            "networkPolicy",
            "startTimeout",
            "extraEnv",
            "profileList",
        },
        "cull": {"enabled", "timeout", "every", "users", "concurrency", "maxAge"},
        "scheduling": {"userScheduler", "podPriority", "userPlaceholder", "corePods", "userPods"},
        "prePuller": {"hook", "continuous", "extraImages"},
    }
    assert set(values) <= set(chart) | {"ingress", "rbac", "custom", "debug", "imagePullSecrets"}
    for section, keys in chart.items():
        assert set(values.get(section, {})) <= keys, section
    hub = values["hub"]
    assert hub["db"]["type"] == "postgres"
    assert hub["db"]["url"].startswith("postgresql://")
    assert hub["config"]["JupyterHub"]["authenticator_class"]
    assert hub["extraEnv"]["MOIETY_SPAWNER"] == "kubernetes"
    assert values["singleuser"]["image"]["name"]
    assert values["singleuser"]["image"]["tag"]
    assert values["singleuser"]["storage"]["type"] == "dynamic"
    assert values["proxy"]["https"]["enabled"] is True

    # values.yaml and moiety.yaml name the same things.
    deployment = manifests[("Deployment", "moiety-service")]
    service = manifests[("Service", "moiety")]
    pod = deployment["spec"]["template"]
    container = pod["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    port = container["ports"][0]["containerPort"]
    assert service["spec"]["ports"][0]["port"] == port
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    url = f"http://{service['metadata']['name']}:{port}"
    assert hub["services"]["moiety"]["url"] == url
    assert hub["extraEnv"]["MOIETY_SERVICE_URL"] == url
    assert env["JUPYTERHUB_SERVICE_URL"]["value"].endswith(f":{port}")
    assert env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": "hub",
        "key": "hub.services.moiety.apiToken",
    }
    assert pod["metadata"]["labels"]["hub.jupyter.org/network-access-hub"] == "true"
    # The service reaches project servers through the proxy inside the cluster (proxy-http is
    # the chart's Service in front of the proxy when it terminates HTTPS itself).
    assert values["proxy"]["https"]["enabled"]
    assert env["JUPYTERHUB_PUBLIC_HUB_URL"]["value"] == "http://proxy-http:8000/hub/"
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    for rules in (
        values["singleuser"]["networkPolicy"]["egress"],
        values["proxy"]["chp"]["networkPolicy"]["egress"],
    ):
        selector = rules[0]["to"][0]["podSelector"]["matchLabels"]
        assert selector.items() <= pod["metadata"]["labels"].items()
        assert rules[0]["ports"][0]["port"] == port

    claim = manifests[("PersistentVolumeClaim", hub["extraEnv"]["MOIETY_PROJECTS_CLAIM"])]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    config_maps = {v["configMap"]["name"] for v in hub["extraVolumes"]}
    assert config_maps == {
        v["configMap"]["name"] for v in pod["spec"]["volumes"] if "configMap" in v
    }
    backup = manifests[("CronJob", "moiety-backup")]["spec"]["jobTemplate"]["spec"]["template"]
    job = backup["spec"]["containers"][0]
    assert "moiety backup" in " ".join(job["command"])
    job_env = {e["name"]: e.get("value") for e in job["env"]}
    mounts = {m["name"]: m["mountPath"] for m in job["volumeMounts"]}
    claims = {
        v["name"]: v.get("persistentVolumeClaim", {}).get("claimName")
        for v in backup["spec"]["volumes"]
    }
    projects = next(name for name, c in claims.items() if c == claim["metadata"]["name"])
    assert mounts[projects] == f"{job_env['MOIETY_DATA_DIR']}/projects"
    assert job_env["MOIETY_DATA_DIR"] == hub["extraEnv"]["MOIETY_DATA_DIR"]
    for doc in manifests.values():
        assert doc["apiVersion"]
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"]


def chart_config(values: dict) -> Config:
    """The config Zero to JupyterHub's jupyterhub_config.py makes from these values, before
    it runs jupyterhub_config.d (the parts that matter here)."""
    c = Config()
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
    c.ConfigurableHTTPProxy.api_url = "http://proxy-api:8001"
    c.ConfigurableHTTPProxy.should_start = False
    c.JupyterHub.cleanup_servers = False
    c.JupyterHub.tornado_settings = {"slow_spawn_timeout": 0}
    c.JupyterHub.db_url = values["hub"]["db"]["url"]
    c.JupyterHub.hub_bind_url = "http://:8081"
    c.JupyterHub.hub_connect_url = "http://hub:8081"
    c.JupyterHub.load_roles = []
    c.JupyterHub.services = []
    for name, spec in values["hub"]["services"].items():
        c.JupyterHub.services.append({"name": name, **spec, "api_token": "from-the-chart"})
    c.JupyterHub.cookie_secret = b"chart-secret"
    image = values["singleuser"]["image"]
    c.KubeSpawner.image = f"{image['name']}:{image['tag']}"
    c.KubeSpawner.uid = values["singleuser"]["uid"]
    c.KubeSpawner.fs_gid = values["singleuser"]["fsGid"]
    c.KubeSpawner.environment = {"FROM_VALUES": "kept"}
    c.KubeSpawner.volumes = [{"name": "home", "persistentVolumeClaim": {"claimName": "claim-x"}}]
    c.KubeSpawner.volume_mounts = [{"name": "home", "mountPath": "/home/jovyan"}]
    c.Spawner.cmd = values["singleuser"]["cmd"]
    for section, settings in values["hub"]["config"].items():
        c[section].update(settings)
    c.Authenticator.admin_users = {"chart-admin"}
    return c


def test_the_chart_keeps_its_infrastructure_and_takes_moietys_policy(environment, values, tmp_path):
    data_dir = tmp_path / "srv-moiety"
    environment(
        **{
            **values["hub"]["extraEnv"],
            "MOIETY_DATA_DIR": data_dir,
            "MOIETY_CONFIG": REPO / "hub_config" / "moiety.toml",
            "MOIETY_HUB_CONFIG": HUB_CONFIG,
        }
    )
    c = chart_config(values)
    runpy.run_path(str(K8S / "moiety_z2jh.py"), init_globals={"c": c})

    hub = c.JupyterHub
    assert hub.spawner_class == "kubespawner.KubeSpawner"
    assert c.ConfigurableHTTPProxy.api_url == "http://proxy-api:8001"
    assert c.ConfigurableHTTPProxy.should_start is False
    assert "command" not in c.ConfigurableHTTPProxy
    assert hub.cleanup_servers is False, "hub upgrades must not stop everyone's servers"
    assert (hub.hub_bind_url, hub.hub_connect_url) == ("http://:8081", "http://hub:8081")
    assert hub.db_url == values["hub"]["db"]["url"]
    assert "cookie_secret_file" not in hub
    assert "bind_url" not in hub
    assert hub.authenticator_class == values["hub"]["config"]["JupyterHub"]["authenticator_class"]
    assert "DummyAuthenticator" not in c
    assert hub.services == [
        {"name": "moiety", **values["hub"]["services"]["moiety"], "api_token": "from-the-chart"}
    ]
    assert hub.tornado_settings["slow_spawn_timeout"] == 0
    trusted = hub.tornado_settings["oauth_no_confirm_list"]
    assert "service-moiety" in trusted
    assert "jupyterhub-user-project-new-one" in trusted
    assert {"moiety-service", "moiety-team-kinase", "moiety-lead-kinase"} <= {
        r["name"] for r in hub.load_roles
    }
    assert {"kinase", "kinase-leads", "kinase-projects", "moiety-projects"} <= set(hub.load_groups)
    assert "custom:moiety:lead" in hub.custom_scopes
    assert c.Authenticator.admin_users == {"chart-admin", "admin"}
    assert "alice" in c.Authenticator.allowed_users
    assert c.Authenticator.post_auth_hook.__name__ == "refuse_project_accounts"
    assert c.Spawner.cmd == "jupyterhub-singleuser"
    env = c.KubeSpawner.environment
    assert env["MOIETY_SERVICE_API_URL"] == "http://moiety:10101/services/moiety/api/"
    assert env["FROM_VALUES"] == "kept"
    leaked = [s for s in strings_in(dict(c)) if "127.0.0.1" in s or str(REPO) in s]
    assert leaked == [], "no path of this checkout nor loopback address reaches a pod"
    # What the hub reads, it reads with the right types (the chart's login class lives in the
    # hub image's oauthenticator, which this test environment lacks).
    checked = copy.deepcopy(c)
    del checked.JupyterHub["authenticator_class"]
    app = JupyterHub(config=checked)
    assert app.spawner_class is KubeSpawner
    assert {s["name"] for s in app.services} == {"moiety"}
    assert app.load_groups["kinase"]["users"]

    project, pod = spawn(c)
    folder = str(data_dir / "projects" / "egfr-sar")
    assert project.notebook_dir == folder
    volumes = {v.name: v for v in pod.spec.volumes}
    assert volumes["moiety-projects"].persistent_volume_claim == {"claimName": "moiety-projects"}
    assert "home" in volumes
    mounts = {m.mount_path: m for m in pod.spec.containers[0].volume_mounts}
    assert mounts[folder].name == "moiety-projects"
    assert mounts[folder].sub_path == "egfr-sar"
    [maker] = [i for i in pod.spec.init_containers if i.name == "moiety-project-folder"]
    assert {"name": "SLUG", "value": "egfr-sar"} in maker.env
    assert {"name": "OWNER", "value": "1000:100"} in maker.env
    assert maker.image == c.KubeSpawner.image
    container_env = {e.name: e.value for e in pod.spec.containers[0].env}
    assert container_env["MOIETY_PROJECT"] == "egfr-sar"
    assert container_env["MOIETY_SERVICE_API_URL"] == env["MOIETY_SERVICE_API_URL"]
    # KubeSpawner expands {placeholders} in environment values; this one is the extension's.
    assert container_env["MOIETY_AUTHOR_EMAIL"] == "{name}@users.moiety.invalid"

    _, pod = spawn(c, "alice")
    assert "moiety-projects" not in {v.name for v in pod.spec.volumes}
    assert not any(i.name == "moiety-project-folder" for i in pod.spec.init_containers or [])


def test_the_adapter_says_when_the_service_entry_is_missing(environment, values, tmp_path):
    environment(
        MOIETY_SPAWNER="kubernetes", MOIETY_DATA_DIR=tmp_path / "srv", MOIETY_HUB_CONFIG=HUB_CONFIG
    )
    c = chart_config({**values, "hub": {**values["hub"], "services": {}}})
    with pytest.raises(ValueError, match=r"add hub\.services\.moiety"):
        runpy.run_path(str(K8S / "moiety_z2jh.py"), init_globals={"c": c})
    environment(MOIETY_HUB_CONFIG=tmp_path / "nowhere.py")
    with pytest.raises(FileNotFoundError, match="install moiety in the hub image"):
        runpy.run_path(str(K8S / "moiety_z2jh.py"), init_globals={"c": chart_config(values)})


INSTRUCTIONS = {
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
}


def parse_dockerfile(path: Path) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, continuation lines joined; raises on what Docker
    would refuse to parse."""
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# syntax=docker/dockerfile:"), "the parser directive comes first"
    steps, pending = [], ""
    for line in lines:
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        word, _, rest = pending.strip().partition(" ")
        assert word in INSTRUCTIONS, f"{path.name}: unknown instruction {word!r}"
        steps.append((word, rest.strip()))
        pending = ""
    assert not pending, f"{path.name} ends inside a continuation"
    return steps


def ignored(path: Path) -> list[str]:
    dockerignore = path.with_name(path.name + ".dockerignore")
    return [
        line.strip()
        for line in dockerignore.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


@pytest.mark.parametrize("name", ["Dockerfile.singleuser", "Dockerfile.hub"])
def test_the_dockerfiles_parse_and_copy_what_exists(name):
    path = K8S / name
    steps = parse_dockerfile(path)
    first_from = next(i for i, (word, _) in enumerate(steps) if word == "FROM")
    assert all(word == "ARG" for word, _ in steps[:first_from])
    declared = {rest.split("=")[0] for word, rest in steps[:first_from]}
    stages = []
    for word, rest in steps:
        if word == "FROM":
            image, *alias = rest.split(" AS ")
            for variable in re.findall(r"\$\{(\w+)\}", image):
                assert variable in declared, f"{name}: FROM uses undeclared {variable}"
            stages += [a.strip() for a in alias]
        if word == "COPY":
            args = rest.split()
            options = [a for a in args if a.startswith("--")]
            sources = [a for a in args if not a.startswith("--")][:-1]
            source_stage = next(
                (o.split("=", 1)[1] for o in options if o.startswith("--from=")), None
            )
            if source_stage:
                assert source_stage in stages, f"{name}: no stage {source_stage}"
                continue
            for source in sources:
                assert (REPO / source).exists(), f"{name} copies {source}, which does not exist"
                assert not any(
                    source.startswith(p.rstrip("/")) for p in ignored(path) if p != "."
                ), f"{name} copies {source}, which its .dockerignore drops"
    assert steps[-1][0] in ("USER", "WORKDIR"), "the image ends as its unprivileged user"
    assert any(word == "USER" and rest != "root" for word, rest in steps[-2:])


def test_the_hub_image_runs_the_adapter_from_jupyterhub_config_d():
    steps = parse_dockerfile(K8S / "Dockerfile.hub")
    copies = [rest for word, rest in steps if word == "COPY"]
    assert (
        "hub_config/k8s/moiety_z2jh.py /usr/local/etc/jupyterhub/jupyterhub_config.d/moiety.py"
        in copies
    )
    installs = " ".join(rest for word, rest in steps if word == "RUN")
    assert "postgresql-client" in installs, "moiety backup needs pg_dump"
    assert '"/tmp/moiety[postgresql]"' in installs
