"""``moiety.post`` and the MoleculeGrid's comment from a real kernel of a notebook in the
egfr-sar project server, started as JupyterLab starts one (a session for the notebook, cells
run over the websocket with their ids), as alice; and ``moiety.post`` from a real kernel in
alice's own server, as alice herself."""

import json
import uuid

import pytest
import requests
import websocket

from moiety_testing.hub import service_client

NOTEBOOK = "notebooks/explore.ipynb"

CODE = """
import json
import moiety
event = moiety.post(
    "Posted from a kernel in the project server",
    molecules=["c1ccccc1O", ("erlotinib", "COCCOc1cc2ncnc(Nc3cccc(C#C)c3)c2cc1OCCOC")],
    tags=["{tag}"],
)
print("EVENT", json.dumps(event))
try:
    moiety.post("elsewhere", project="sulfonamide-sar")
except ValueError as error:
    print("REFUSED", error)
"""


def execute(ws_url: str, token: str, code: str, cell_id: str | None = None) -> tuple[str, list]:
    """Run ``code`` in the kernel (as the cell ``cell_id``, whose id JupyterLab sends in the
    request's metadata); its stdout and the names of any errors it raised."""
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {token}"], timeout=90)
    msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
    header = {"msg_id": msg_id, "session": session, "username": "alice", "version": "5.3"}
    ws.send(
        json.dumps(
            {
                "header": {**header, "msg_type": "execute_request", "date": ""},
                "parent_header": {},
                "metadata": {"cellId": cell_id} if cell_id else {},
                "content": {"code": code, "silent": False, "allow_stdin": False},
                "channel": "shell",
                "buffers": [],
            }
        )
    )
    stdout, errors = [], []
    try:
        while True:
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                stdout.append(content["text"])
            elif kind == "error":
                errors.append(f"{content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(stdout), errors
    finally:
        ws.close()


def notebook_kernel(server: str, token: str, path: str) -> tuple[str, str]:
    """A session for the notebook ``path``, as JupyterLab opens one: its kernel's id and the
    websocket URL of its channels."""
    headers = {"Authorization": f"token {token}"}
    body = {
        "path": path,
        "name": path.rsplit("/", 1)[-1],
        "type": "notebook",
        "kernel": {"name": "python3"},
    }
    r = requests.post(f"{server}api/sessions", json=body, headers=headers, timeout=60)
    assert r.status_code == 201, r.text
    kernel_id = r.json()["kernel"]["id"]
    return kernel_id, f"{server.replace('http', 'ws', 1)}api/kernels/{kernel_id}/channels"


@pytest.fixture(scope="module")
def project_kernel(hub):
    """The kernel of egfr-sar's notebooks/explore.ipynb in its project server, as alice."""
    alice = service_client(hub, "alice")
    r = alice.post("projects/egfr-sar/start")
    assert r.status_code == 200, r.text
    server = f"{hub.url}{r.json()['server_url']}"
    token = alice.http.headers["Authorization"].removeprefix("token ")
    kernel_id, ws_url = notebook_kernel(server, token, NOTEBOOK)
    yield ws_url, token
    headers = {"Authorization": f"token {token}"}
    requests.delete(f"{server}api/kernels/{kernel_id}", headers=headers, timeout=30)


def test_a_kernel_in_the_project_server_posts_as_the_project(hub, project_kernel):
    tag = f"kernel-{uuid.uuid4().hex[:8]}"
    stdout, errors = execute(*project_kernel, CODE.format(tag=tag))
    assert errors == []
    event = json.loads(stdout.split("EVENT ", 1)[1].splitlines()[0])
    assert (event["actor"], event["project"], event["kind"]) == (
        "project-egfr-sar",
        "egfr-sar",
        "post.created",
    )
    assert "REFUSED This notebook runs in the project server of 'egfr-sar'" in stdout
    feed = service_client(hub, "bob").get("feed", params={"tag": tag}).json()["items"]
    assert [e["id"] for e in feed] == [event["id"]]
    assert feed[0]["actor"] == "project-egfr-sar"
    assert feed[0]["data"]["body"].endswith(f"#{tag}\n\nPosted from `{NOTEBOOK}`")
    assert feed[0]["data"]["molecules"] == [
        {"smiles": "c1ccccc1O", "name": None},
        {"smiles": "COCCOc1cc2ncnc(Nc3cccc(C#C)c3)c2cc1OCCOC", "name": "erlotinib"},
    ]


TOKEN_CHECK = """
import json, os
from moiety.client import ServiceClient
token = os.environ["JUPYTERHUB_API_TOKEN"]
items = ServiceClient.from_environment().get("feed", project="egfr-sar", limit=200)["items"]
print(len(items) > 0, any(token in json.dumps(event) for event in items))
print("TOKEN", token)
"""


def test_the_server_token_stays_out_of_the_feed_and_the_logs(hub, project_kernel):
    stdout, errors = execute(*project_kernel, TOKEN_CHECK)
    assert errors == []
    first, second = stdout.splitlines()[:2]
    assert first == "True False"
    token = second.removeprefix("TOKEN ")
    assert len(token) > 16
    assert token not in hub.log()


GRID = """
import moiety
grid = moiety.MoleculeGrid([("erlotinib", "COCCOc1cc2ncnc(Nc3cccc(C#C)c3)c2cc1OCCOC"),
                            ("phenol", "c1ccccc1O")])
"""
COMMENT = """
print("ANCHOR", grid.anchor.project, grid.anchor.path, grid.anchor.cell_id)
grid.cells.children[0].children[0].value = True
grid.message.value = "erlotinib for the record"
grid.comment_button.click()
print("STATUS", grid.status.value)
"""


def test_the_grid_knows_the_cell_that_displayed_it_and_comments_there(hub, project_kernel):
    assert execute(*project_kernel, GRID, cell_id="imports") == ("", [])  # made here
    assert execute(*project_kernel, "grid", cell_id="load") == ("", [])  # shown here
    stdout, errors = execute(*project_kernel, COMMENT, cell_id="table")
    assert errors == []
    assert f"ANCHOR egfr-sar {NOTEBOOK} load" in stdout
    assert "Project servers cannot" not in stdout
    threads = service_client(hub, "alice").get(
        "threads", params={"project": "egfr-sar", "path": NOTEBOOK}
    )
    [opened] = [
        t for t in threads.json()["items"] if "erlotinib for the record" in t["comments"][0]["body"]
    ]
    assert (opened["anchor"]["cell_id"], opened["path"]) == ("load", NOTEBOOK)
    first = opened["comments"][0]
    assert first["author"] == "project-egfr-sar"
    assert [m["smiles"] for m in first["molecules"]] == ["COCCOc1cc2ncnc(Nc3cccc(C#C)c3)c2cc1OCCOC"]


PERSONAL = """
import json
import moiety
from moiety.client import MoietyAPIError
event = moiety.post("from alice's own server", molecules=["CCO"], project="egfr-sar")
print("EVENT", json.dumps(event))
try:
    moiety.post("not my team", project="sulfonamide-sar")
except MoietyAPIError as error:
    print("REFUSED", error.status)
"""


def test_from_a_personal_server_alice_posts_as_herself_to_a_project_she_sees(hub):
    server = hub.start_server("alice")
    token = hub.token("alice")
    kernel_id, ws_url = notebook_kernel(server, token, "Untitled.ipynb")
    try:
        stdout, errors = execute(ws_url, token, PERSONAL, cell_id="c1")
    finally:
        headers = {"Authorization": f"token {token}"}
        requests.delete(f"{server}api/kernels/{kernel_id}", headers=headers, timeout=30)
    assert errors == []
    event = json.loads(stdout.split("EVENT ", 1)[1].splitlines()[0])
    assert (event["actor"], event["project"]) == ("alice", "egfr-sar")
    assert event["data"]["body"] == "from alice's own server\n\n```smiles\nCCO\n```"
    assert "REFUSED 404" in stdout
