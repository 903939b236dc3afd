"""Fixtures and helpers for project servers through the real hub.

- ``activity_hub``: a second demo hub whose project servers fold saves for 2 s, take automatic
  snapshots after 3 s of quiet, retry the outbox at least every 2 s, and reach the service
  through a :class:`Relay` the tests can take down (the service "briefly down") and bring back.
- :func:`open_project` starts a project server through the service, as the Moiety panel does;
  :func:`restart_project` stops it through the hub (also after a SIGKILL) and opens it again.
- :class:`ProjectClient`: a person calling a project server with their own hub API token;
  :func:`browser_session`: the same person's logged-in browser session (cookies and XSRF).
- :class:`FeedStream`: the service's live feed, read in a thread, to wait for events as they
  arrive; :class:`YClient`: a collaborative client of a document room (pycrdt over the real
  websocket), as JupyterLab is; :class:`KernelClient`: a kernel of a project server, run over
  its real websocket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import socket
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from jupyter_ydoc import YNotebook, YUnicode
from pycrdt import (
    Doc,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

from .hub import Hub, _wait_for, free_port, processes_of, service_client, start_hub, stop_hub


def open_project(hub: Hub, slug: str, as_user: str) -> str:
    """Start the project's server through the service; its URL once it is ready."""
    r = service_client(hub, as_user).post(f"projects/{slug}/start")
    assert r.status_code == 200, r.text
    assert r.json()["ready"] is True
    return f"{hub.url}{r.json()['server_url']}"


def server_pid(hub: Hub, account: str) -> int:
    """The process of ``account``'s single-user server."""
    marker = f"JUPYTERHUB_USER={account}\0".encode()
    for pid in processes_of(hub.data_dir):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if b"jupyterhub-singleuser" in cmdline and marker in environ:
            return pid
    raise AssertionError(f"no server process for {account}")


def restart_project(hub: Hub, slug: str, as_user: str) -> str:
    """Stop the project server through the hub (fine if it was killed), then open it again."""
    admin = hub.session("admin")
    account = f"project-{slug}"
    r = hub.hub_api(admin, "DELETE", f"users/{account}/server")
    assert r.status_code in (202, 204, 400), r.text

    def stopped():
        return not hub.hub_api(admin, "GET", f"users/{account}").json().get("servers")

    _wait_for(stopped, 60, f"the hub stopping {account}'s server")
    return open_project(hub, slug, as_user)


class ProjectClient:
    """``name`` calling a project server with a hub API token of their own."""

    def __init__(self, hub: Hub, url: str, name: str, token: str | None = None):
        self.url = url
        self.name = name
        key = ("project-token", name)
        if token is None:
            if key not in hub._sessions:
                hub._sessions[key] = hub.token(name)
            token = hub._sessions[key]
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 90)
        return self.http.request(method, self.url + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def put_text(self, path: str, text: str) -> requests.Response:
        r = self.put(
            f"api/contents/{path}", json={"type": "file", "format": "text", "content": text}
        )
        assert r.status_code in (200, 201), r.text
        return r

    def put_notebook(self, path: str, notebook: dict) -> requests.Response:
        r = self.put(f"api/contents/{path}", json={"type": "notebook", "content": notebook})
        assert r.status_code in (200, 201), r.text
        return r

    def activity(self) -> dict:
        r = self.get("moiety/api/activity")
        assert r.status_code == 200, r.text
        return r.json()


def browser_session(hub: Hub, url: str, name: str) -> tuple[requests.Session, dict]:
    """``name``'s logged-in session after opening JupyterLab, and the headers a page sends."""
    s = hub.session(name)
    assert s.get(f"{url}lab").status_code == 200
    path = "/" + url.split("/", 3)[3]
    return s, {"X-XSRFToken": s.cookies.get("_xsrf", path=path)}


class FeedStream:
    """The service's live feed for ``name`` (with feed filters), read in a thread."""

    def __init__(self, hub: Hub, name: str, params: dict | None = None):
        client = service_client(hub, name)
        self.response = client.http.get(
            client.base + "feed/stream", params=params, stream=True, timeout=120
        )
        assert self.response.status_code == 200, self.response.text
        self.events: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        data = None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith("data:"):
                    data = line[5:].strip()
                elif line == "" and data is not None:
                    self.events.put(json.loads(data))
                    data = None
        except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError, AttributeError):
            pass

    def wait_for(self, predicate, timeout: float = 60) -> dict:
        """The first event that satisfies ``predicate``, as it arrives."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no such event in the feed")
            event = self.events.get(timeout=remaining)
            if predicate(event):
                return event

    def close(self):
        self.response.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Relay:
    """A TCP relay in front of the service that tests can take down and bring back."""

    def __init__(self, port: int):
        self.port = port
        self.target: int | None = None
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and cut the open ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for sock in self._open:
                _close(sock)
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=10)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _close(sock)
            with self._lock:
                self._open -= {source, sink}


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


ACTIVITY_ENV = {
    "MOIETY_SERVER_SAVE_QUIET_SECONDS": "2",
    "MOIETY_SERVER_AUTO_SNAPSHOT_SECONDS": "3",
    "MOIETY_SERVER_OUTBOX_RETRY_BASE_SECONDS": "0.5",
    "MOIETY_SERVER_OUTBOX_RETRY_MAX_SECONDS": "2",
}


@pytest.fixture(scope="session")
def activity_hub(tmp_path_factory):
    """A hub with short activity periods whose project servers reach the service through
    ``activity_hub.relay``."""
    relay = Relay(free_port())
    env = {
        **ACTIVITY_ENV,
        "MOIETY_SERVER_SERVICE_API_URL": f"http://127.0.0.1:{relay.port}/services/moiety/api/",
    }
    hub = start_hub(tmp_path_factory.mktemp("activity-hub"), env)
    relay.target = hub.ports["service"]
    relay.up()
    hub.relay = relay
    yield hub
    relay.down()
    stop_hub(hub)


class YClient:
    """A collaborative client of one notebook's room (or, with ``text=True``, a text file's),
    as JupyterLab is (use in asyncio): it sends its own changes, never back the ones it
    received (as y-websocket's provider)."""

    def __init__(self, url: str, token: str, path: str, *, text: bool = False):
        self.url, self.path = url, path
        self._headers = {"Authorization": f"token {token}"}
        self._room = ("text", "file") if text else ("json", "notebook")
        self.doc = Doc()
        self.notebook = None if text else YNotebook(self.doc)
        self.text = YUnicode(self.doc) if text else None
        self._changed = asyncio.Event()
        self._synced = asyncio.Event()
        self._receiving = False
        self.ws = None

    async def __aenter__(self):
        session = await AsyncHTTPClient().fetch(
            HTTPRequest(
                f"{self.url}api/collaboration/session/{self.path}",
                method="PUT",
                headers=self._headers,
                body=json.dumps({"format": self._room[0], "type": self._room[1]}),
            )
        )
        room = json.loads(session.body)
        kind = ":".join(self._room)
        ws_url = self.url.replace("http", "ws", 1) + (
            f"api/collaboration/room/{kind}:{room['fileId']}?sessionId={room['sessionId']}"
        )
        self.ws = await websocket_connect(HTTPRequest(ws_url, headers=self._headers))
        self.doc.observe(self._send_update)
        self._reader = asyncio.create_task(self._read())
        await self.ws.write_message(create_sync_message(self.doc), binary=True)
        await asyncio.wait_for(self._synced.wait(), 30)
        return self

    async def __aexit__(self, *exc):
        self.ws.close()
        await asyncio.wait_for(self._reader, 30)

    def _send_update(self, event) -> None:
        if not self._receiving:
            self.ws.write_message(create_update_message(event.update), binary=True)

    async def _read(self) -> None:
        while (message := await self.ws.read_message()) is not None:
            if message[0] != YMessageType.SYNC:
                continue
            self._receiving = True
            try:
                reply = handle_sync_message(message[1:], self.doc)
            finally:
                self._receiving = False
            if reply is not None:
                await self.ws.write_message(reply, binary=True)
            if message[1] == YSyncMessageType.SYNC_STEP2:
                self._synced.set()
            self._changed.set()

    def source(self, index: int) -> str:
        return self.notebook.get_cell(index)["source"]

    def type_into(self, index: int, text: str) -> None:
        """Append ``text`` to a cell's source, as typing in JupyterLab does."""
        cell_source = self.notebook.ycells[index]["source"]
        cell_source += text

    async def wait_until(self, predicate, timeout: float = 30) -> None:
        """Wait for updates from the room until ``predicate()`` holds."""

        async def updates():
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(updates(), timeout)


class KernelClient:
    """A new kernel of a project server and its websocket, as JupyterLab opens them (asyncio)."""

    def __init__(self, url: str, token: str):
        self.url = url
        self._headers = {"Authorization": f"token {token}"}
        self.session = uuid.uuid4().hex
        self.id = None
        self.ws = None

    async def __aenter__(self):
        started = await AsyncHTTPClient().fetch(
            HTTPRequest(f"{self.url}api/kernels", method="POST", headers=self._headers, body="{}")
        )
        self.id = json.loads(started.body)["id"]
        ws_url = self.url.replace("http", "ws", 1) + (
            f"api/kernels/{self.id}/channels?session_id={self.session}"
        )
        self.ws = await websocket_connect(HTTPRequest(ws_url, headers=self._headers))
        return self

    async def __aexit__(self, *exc):
        self.ws.close()

    async def execute(self, code: str, timeout: float = 120) -> str:
        """Run ``code``; what it printed, once the kernel has replied."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "session": self.session,
            "username": "",
            "date": datetime.now(UTC).isoformat(),
            "version": "5.3",
        }
        content = {"code": code, "silent": False, "store_history": False, "allow_stdin": False}
        message = {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": {**content, "user_expressions": {}},
            "channel": "shell",
        }
        await self.ws.write_message(json.dumps(message))
        printed = []

        async def replies():
            while (raw := await self.ws.read_message()) is not None:
                reply = json.loads(raw)
                if reply.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if reply["msg_type"] == "stream":
                    printed.append(reply["content"]["text"])
                if reply["msg_type"] == "execute_reply":
                    assert reply["content"]["status"] == "ok", reply["content"]
                    return
            raise AssertionError("the kernel's websocket closed before the reply")

        await asyncio.wait_for(replies(), timeout)
        return "".join(printed)


def repo_dir(hub: Hub, slug: str) -> Path:
    return hub.data_dir / "projects" / slug


def git_children(root: Path) -> list[int]:
    """Live git processes working in ``root``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            cwd = os.readlink(entry / "cwd")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if cmdline.startswith(b"git\0") and cwd.startswith(str(root)):
            found.append(int(entry.name))
    return found
