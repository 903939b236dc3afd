"""Delivering the outbox over HTTP: in order, retried, dropped only when retrying cannot help.

A small tornado application stands in for the service's ``POST /events`` so each answer can be
chosen; the real service is exercised by ``tests/hub/test_project_server_activity.py``.
"""

import asyncio
import json
import logging
import socket

import pytest
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from moiety.core.activity import Outbox
from moiety.core.activity.outbox import outbox_path
from moiety.server.reporter import Reporter

TOKEN = "secret-token-never-logged"


class FakeService:
    def __init__(self):
        self.answers: list[int] = []
        self.received: list[dict] = []
        self.arrived = asyncio.Event()
        self.port = _free_port()
        self.server = None

    def start(self):
        service = self

        class Events(RequestHandler):
            def post(self):
                assert self.request.headers["Authorization"] == f"token {TOKEN}"
                body = json.loads(self.request.body)
                status = service.answers.pop(0) if service.answers else 201
                service.received.append({**body, "answered": status})
                service.arrived.set()
                self.set_status(status)
                self.finish({"error": "nope", "message": "chosen by the test"})

        self.server = HTTPServer(Application([(r"/api/events", Events)]))
        self.server.listen(self.port, "127.0.0.1")

    async def stop(self):
        self.server.stop()
        await self.server.close_all_connections()

    async def wait_for(self, count: int):
        while len(self.received) < count:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 10)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def event(key):
    return {"key": key, "kind": "file.saved", "actor": "alice", "summary": key, "data": {}}


def reporter_for(tmp_path, service):
    return Reporter(
        Outbox(outbox_path(tmp_path)),
        f"http://127.0.0.1:{service.port}/api/events",
        TOKEN,
        logging.getLogger("moiety.test"),
        retry_base=0.05,
        retry_max=0.2,
    )


def run(coroutine):
    asyncio.run(coroutine)


def test_events_arrive_in_order_after_failures_and_bad_ones_are_dropped(tmp_path, caplog):
    async def scenario():
        service = FakeService()
        service.answers = [503, 429, 201, 400, 200]
        service.start()
        reporter = reporter_for(tmp_path, service)
        reporter.start()
        for key in ("first-event", "bad-event-", "third-event"):
            await reporter.report(event(key))
        await service.wait_for(5)
        await asyncio.wait_for(reporter.empty.wait(), 10)
        tried = [(e["key"], e["answered"]) for e in service.received]
        assert tried == [
            ("first-event", 503),
            ("first-event", 429),
            ("first-event", 201),
            ("bad-event-", 400),
            ("third-event", 200),
        ]
        stats = await reporter.stats()
        assert (stats["pending"], stats["delivered"], stats["dropped"]) == (0, 2, 1)
        await reporter.stop()
        await service.stop()

    with caplog.at_level(logging.WARNING, logger="moiety.test"):
        run(scenario())
    assert "dropped" in caplog.text
    assert TOKEN not in caplog.text


def test_nothing_is_lost_while_the_service_is_unreachable_or_the_server_restarts(tmp_path):
    async def scenario():
        service = FakeService()
        reporter = reporter_for(tmp_path, service)
        await reporter.report(event("while-down-1"))
        await reporter.report(event("while-down-2"))
        await reporter.deliver_due()
        stats = await reporter.stats()
        assert (stats["pending"], stats["attempts"]) == (2, 1)
        assert stats["last_error"].startswith("service unreachable")
        await reporter.stop()
        assert Outbox(outbox_path(tmp_path)).stats()["pending"] == 2

        service.start()
        again = reporter_for(tmp_path, service)
        again.start()
        await service.wait_for(2)
        assert [e["key"] for e in service.received] == ["while-down-1", "while-down-2"]
        await again.stop()
        await service.stop()
        assert Outbox(outbox_path(tmp_path)).stats()["pending"] == 0

    run(scenario())


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:9/api/events"])
def test_a_reporter_without_a_service_keeps_events(tmp_path, url):
    async def scenario():
        reporter = Reporter(
            Outbox(outbox_path(tmp_path)), url, "", logging.getLogger("moiety.test")
        )
        reporter.start()
        await reporter.report(event("kept-for-later"))
        assert (await reporter.stats())["pending"] == 1
        await reporter.stop()

    run(scenario())
