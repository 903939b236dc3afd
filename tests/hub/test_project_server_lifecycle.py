"""A project server's life: it makes its repository when the folder is empty (a fresh volume on
Kubernetes), and it stops by itself once idle (``MOIETY_IDLE_TIMEOUT``)."""

import shutil

from moiety.core.repo import check_repository, history

from moiety_testing.hub import _wait_for, start_hub, stop_hub
from moiety_testing.projects import ProjectClient, open_project, repo_dir


def test_an_empty_folder_gets_a_repository_and_an_idle_server_stops(tmp_path_factory):
    hub = start_hub(tmp_path_factory.mktemp("idle-hub"), {"MOIETY_IDLE_TIMEOUT": "5"})
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

        admin = hub.session("admin")

        def stopped():
            return not hub.hub_api(admin, "GET", "users/project-egfr-sar").json().get("servers")

        _wait_for(stopped, 150, "the idle project server stopping")
        assert "No kernels for" in hub.log()
    finally:
        stop_hub(hub)
