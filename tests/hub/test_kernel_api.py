"""``moiety.post`` from a real kernel in the egfr-sar project server, run through the hub's proxy
with the server's REST and websocket kernel API, as alice; and from a personal server's
environment, as alice herself."""

import json
import uuid

import pytest
import requests
import websocket

import moiety
from moiety.client import MoietyAPIError

from moiety_testing.hub import service_client

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


def execute(ws_url: str, token: str, code: str) -> tuple[str, list[str]]:
    """Run ``code`` in the kernel; its stdout and the names of any errors it raised."""
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {token}"], timeout=90)
    msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
    header = {"msg_id": msg_id, "session": session, "username": "alice", "version": "5.3"}
    ws.send(
        json.dumps(
            {
                "header": {**header, "msg_type": "execute_request", "date": ""},
                "parent_header": {},
                "metadata": {},
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


@pytest.fixture(scope="module")
def project_kernel(hub):
    """A kernel in egfr-sar's project server, started through the hub as alice."""
    alice = service_client(hub, "alice")
    r = alice.post("projects/egfr-sar/start")
    assert r.status_code == 200, r.text
    server = f"{hub.url}{r.json()['server_url']}"
    token = alice.http.headers["Authorization"].removeprefix("token ")
    headers = {"Authorization": f"token {token}"}
    kernel = requests.post(f"{server}api/kernels", json={"name": "python3"}, headers=headers)
    assert kernel.status_code == 201, kernel.text
    kernel_id = kernel.json()["id"]
    ws_url = f"{server.replace('http', 'ws', 1)}api/kernels/{kernel_id}/channels"
    yield ws_url, token
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


def test_from_a_personal_server_alice_posts_as_herself_to_a_project_she_sees(hub, monkeypatch):
    alice = service_client(hub, "alice")
    monkeypatch.setenv("MOIETY_SERVICE_API_URL", alice.base)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", alice.http.headers["Authorization"][6:])
    monkeypatch.delenv("MOIETY_PROJECT", raising=False)
    event = moiety.post("from alice's own server", molecules=["CCO"], project="egfr-sar")
    assert (event["actor"], event["project"]) == ("alice", "egfr-sar")
    with pytest.raises(MoietyAPIError) as refused:
        moiety.post("not my team", project="sulfonamide-sar")
    assert refused.value.status == 404
