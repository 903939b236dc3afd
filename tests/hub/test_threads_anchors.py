"""Threads that follow the work, driven by what a real project server reports (``activity_hub``:
saves are reported after 1 s of quiet): a cell thread stays on its cell when cells move, is
outdated when the cell's source changes and orphaned when the cell goes; a rename moves it;
line threads move with edits; watchers are notified live. Also: the service reads a project's
files through its server (starting it when it is not running)."""

import asyncio
import json

import nbformat
import pytest

from moiety.core.errors import MoietyError
from moiety.service.handlers.project_files import (
    ProjectFileError,
    ProjectFiles,
    ProjectUnavailable,
)
from moiety.service.hub_api import HubAPI

from moiety_testing.hub import _wait_for, service_client
from moiety_testing.projects import FeedStream, ProjectClient, open_project, repo_dir


@pytest.fixture(scope="module")
def egfr(activity_hub):
    return open_project(activity_hub, "egfr-sar", "alice")


def notebook(*cells: tuple[str, str]) -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source, id=cell_id) for cell_id, source in cells]
    return json.loads(nbformat.writes(nb))


def open_thread(hub, path, anchor, body="does this hold?"):
    r = service_client(hub, "alice").post(
        "threads", json={"project": "egfr-sar", "path": path, "anchor": anchor, "body": body}
    )
    assert r.status_code == 201, r.text
    return r.json()


def thread_now(hub, thread_id):
    r = service_client(hub, "bob").get(f"threads/{thread_id}")
    assert r.status_code == 200, r.text
    return r.json()


def saved(feed, path, predicate=lambda cells: True):
    return feed.wait_for(
        lambda e: (
            e.get("kind") == "file.saved"
            and e.get("path") == path
            and predicate(e["data"].get("cells"))
        )
    )


def test_a_cell_thread_follows_its_cell_through_real_saves(activity_hub, egfr):
    alice = ProjectClient(activity_hub, egfr, "alice")
    path = "notebooks/anchored.ipynb"
    load, fit, plot = ("load", "df = load()"), ("fit", "pic50 = fit(df)"), ("plot", "plot(pic50)")
    alice.put_notebook(path, notebook(load, fit, plot))
    thread = open_thread(activity_hub, path, {"cell_id": "fit"})
    assert thread["anchor_state"] == "current"

    params = {"project": "egfr-sar", "kind": ["file.saved", "file.renamed"]}
    with FeedStream(activity_hub, "alice", params) as feed:
        alice.put_notebook(path, notebook(fit, load, plot))
        saved(feed, path, lambda cells: cells[0][0] == "fit")
        now = thread_now(activity_hub, thread["id"])
        assert (now["anchor"]["cell_id"], now["anchor_state"]) == ("fit", "current")

        alice.put_notebook(path, notebook(("fit", "pic50 = fit(df, robust=True)"), load, plot))
        saved(feed, path, lambda cells: cells[0][1] != thread["cell_hash"])
        assert thread_now(activity_hub, thread["id"])["anchor_state"] == "outdated"

        alice.put_notebook(path, notebook(load, plot))
        saved(feed, path, lambda cells: len(cells) == 2)
        assert thread_now(activity_hub, thread["id"])["anchor_state"] == "orphaned"

        alice.put_notebook(path, notebook(load, fit, plot))
        saved(feed, path, lambda cells: len(cells) == 3)
        assert thread_now(activity_hub, thread["id"])["anchor_state"] == "current"

        new = "notebooks/anchored-renamed.ipynb"
        r = alice.patch(f"api/contents/{path}", json={"path": new})
        assert r.status_code == 200, r.text
        feed.wait_for(lambda e: e.get("kind") == "file.renamed" and e.get("path") == new)
    moved = thread_now(activity_hub, thread["id"])
    assert (moved["path"], moved["opened_path"]) == (new, path)
    assert moved["anchor"]["cell_id"] == "fit"
    listed = service_client(activity_hub, "bob").get(
        "threads", params={"project": "egfr-sar", "path": new}
    )
    assert [t["id"] for t in listed.json()["items"]] == [thread["id"]]

    with FeedStream(activity_hub, "alice", {"project": "egfr-sar", "kind": "file.deleted"}) as f:
        assert alice.delete(f"api/contents/{new}").status_code == 204
        f.wait_for(lambda e: e.get("path") == new)
    assert thread_now(activity_hub, thread["id"])["anchor_state"] == "orphaned"


def wait_for_anchor(hub, thread_id, predicate, timeout=30):
    """The project server's save is recorded at once; line anchors follow after the service
    has read the file back from the project, so poll for that."""
    _wait_for(lambda: predicate(thread_now(hub, thread_id)), timeout, "the line anchor moving")
    return thread_now(hub, thread_id)


@pytest.fixture
def bob_watches(activity_hub):
    bob = service_client(activity_hub, "bob")
    yield bob
    for watch in bob.get("watches").json()["items"]:
        bob.delete(f"watches/{watch['id']}")


def test_line_threads_move_with_edits_and_watchers_hear_of_them(activity_hub, egfr, bob_watches):
    alice = ProjectClient(activity_hub, egfr, "alice")
    path = "data/sar-notes.md"
    alice.put_text(path, "# SAR notes\nhinge binder: pIC50 7.2\nsolvent front: 6.1\n")
    thread = open_thread(activity_hub, path, {"line": 2, "line_end": 3})
    assert thread["anchor"] == {"cell_id": None, "line": 2, "line_end": 3}
    r = bob_watches.post("watches", json={"project": "egfr-sar", "path": path})
    assert r.status_code == 201, r.text

    with FeedStream(activity_hub, "bob", {"project": "egfr-sar", "kind": "file.saved"}) as feed:
        alice.put_text(
            path, "# SAR notes\n\nadded: 5.0\nhinge binder: pIC50 7.2\nsolvent front: 6.1\n"
        )
        note = feed.wait_for(lambda n: n.get("reason") == "watch")
        assert note["event"]["kind"] == "file.saved"
        assert note["event"]["path"] == path
    moved = wait_for_anchor(activity_hub, thread["id"], lambda t: t["anchor"]["line"] == 4)
    assert (moved["anchor"]["line_end"], moved["anchor_state"]) == (5, "current")

    alice.put_text(path, "# SAR notes\nhinge binder: pIC50 7.9\n")
    outdated = wait_for_anchor(
        activity_hub, thread["id"], lambda t: t["anchor_state"] == "outdated"
    )
    assert outdated["anchor"]["line"] == 2


class Starter:
    """Stands in for the service's ``projects.start``: opens the project as alice does."""

    def __init__(self, hub, works=True):
        self.hub, self.works, self.calls = hub, works, 0

    async def start(self, slug, timeout=60):
        self.calls += 1
        if not self.works:
            return False
        client = service_client(self.hub, "alice")
        r = await asyncio.to_thread(client.post, f"projects/{slug}/start")
        return r.status_code == 200 and r.json()["ready"]


class ServiceLike:
    """What :class:`ProjectFiles` needs of the service, with a token scoped like the
    service's (``access:servers!group=...``), and no project folders on its disk."""

    projects_root = ""

    def __init__(self, hub, starter):
        self.proxy_url = hub.url
        token = hub.token("lena", scopes=["access:servers!group=kinase-projects"])
        self.hub = HubAPI(f"{hub.url}/hub/api", token)
        self.projects = starter


def read(app, path, **kwargs):
    return asyncio.run(ProjectFiles(app, start_timeout=60).read("egfr-sar", path, **kwargs))


def test_the_service_reads_files_through_the_project_server(activity_hub, egfr):
    app = ServiceLike(activity_hub, Starter(activity_hub))
    found = read(app, "notebooks/explore.ipynb")
    on_disk = json.loads(
        (repo_dir(activity_hub, "egfr-sar") / "notebooks/explore.ipynb").read_text()
    )
    assert found.kind == "notebook"
    assert [c["id"] for c in found.cells] == [c["id"] for c in on_disk["cells"]]
    ProjectClient(activity_hub, egfr, "alice").put_text("data/remote.txt", "one\ntwo\n")
    text = read(app, "data/remote.txt", lines=True)
    assert (text.kind, text.lines, text.line_count) == ("text", ["one", "two"], 2)
    assert read(app, "data/none.txt").exists is False
    with pytest.raises(ProjectFileError) as unsafe:
        read(app, "../outside.txt")
    assert (unsafe.value.status, unsafe.value.code) == (400, "unsafe-path")
    with pytest.raises(ProjectFileError) as folder:
        read(app, "notebooks")
    assert folder.value.status == 404


def test_a_stopped_project_server_is_started_or_the_answer_is_503(activity_hub, egfr):
    admin = activity_hub.session("admin")
    r = activity_hub.hub_api(admin, "DELETE", "users/project-egfr-sar/server")
    assert r.status_code in (202, 204), r.text

    def stopped():
        user = activity_hub.hub_api(admin, "GET", "users/project-egfr-sar").json()
        return not user.get("servers")

    _wait_for(stopped, 60, "the project server stopping")
    refused = ServiceLike(activity_hub, Starter(activity_hub, works=False))
    with pytest.raises(ProjectUnavailable) as unavailable:
        read(refused, "notebooks/explore.ipynb")
    assert unavailable.value.status == 503
    assert "try again" in unavailable.value.message
    assert refused.projects.calls == 1
    with pytest.raises(MoietyError):
        read(refused, "notebooks/explore.ipynb", start=False)
    assert refused.projects.calls == 1

    starter = Starter(activity_hub)
    found = read(ServiceLike(activity_hub, starter), "notebooks/explore.ipynb")
    assert starter.calls == 1
    assert found.exists
