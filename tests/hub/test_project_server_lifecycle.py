"""A project server's life: it makes its repository when the folder is empty (a fresh volume on
Kubernetes), and it stops by itself once nobody works in it (``MOIETY_IDLE_TIMEOUT``), even with
a kernel running, the notebook and the kernel still connected and the tab polling the API."""

import asyncio
import contextlib
import json
import shutil
import threading

import nbformat
import requests

from moiety.core.repo import check_repository, history

from moiety_testing.hub import _wait_for, start_hub, stop_hub
from moiety_testing.projects import KernelClient, ProjectClient, YClient, open_project, repo_dir

IDLE_SECONDS = 5
NOTEBOOK = "notebooks/left-open.ipynb"


def poll_like_an_open_tab(client: ProjectClient, done: threading.Event) -> None:
    """What JupyterLab left open keeps asking, until ``done``."""
    while not done.is_set():
        for path in ("api/sessions", "api/kernels", "api/contents/notebooks", "moiety/api/health"):
            with contextlib.suppress(requests.RequestException):  # once it has stopped
                client.get(path, timeout=10)
        done.wait(1)


def test_an_empty_folder_gets_a_repository_and_an_idle_server_stops(tmp_path_factory):
    hub = start_hub(tmp_path_factory.mktemp("idle-hub"), {"MOIETY_IDLE_TIMEOUT": str(IDLE_SECONDS)})
    done = threading.Event()
    try:
        root = repo_dir(hub, "egfr-sar")
        shutil.rmtree(root)
        root.mkdir()  # an empty volume: the service could not create the repository

        url = open_project(hub, "egfr-sar", "alice")
        (first,) = history(root)
        assert (first.author, first.message) == ("Moiety", "Create the egfr-sar project")
        assert "README.md" in first.paths
        assert check_repository(root).ok
        alice = ProjectClient(hub, url, "alice")
        assert alice.get("moiety/api/history").json()["items"][0]["commit"] == first.commit
        alice.put_notebook(NOTEBOOK, json.loads(nbformat.writes(nbformat.v4.new_notebook())))
        token = hub._sessions[("project-token", "alice")]
        admin = hub.session("admin")

        def stopped():
            return not hub.hub_api(admin, "GET", "users/project-egfr-sar").json().get("servers")

        async def walk_away():
            async with KernelClient(url, token) as kernel, YClient(url, token, NOTEBOOK):
                # A computation longer than the idle time is work: the server waits for it.
                long = f"import time; time.sleep({3 * IDLE_SECONDS}); print('finished')"
                assert await kernel.execute(long) == "finished\n"
                assert not stopped()
                # Then nobody does anything; the kernel, the notebook and the polling stay.
                await asyncio.to_thread(_wait_for, stopped, 150, "the idle project server stopping")

        threading.Thread(target=poll_like_an_open_tab, args=(alice, done), daemon=True).start()
        asyncio.run(walk_away())
        assert "no activity in the project" in hub.log()
    finally:
        done.set()
        stop_hub(hub)
