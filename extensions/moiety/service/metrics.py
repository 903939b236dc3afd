"""The service's Prometheus metrics, kept in a registry of its own (not the library's global
one, so two applications in one process, as in tests, never share counters).

- ``moiety_http_requests_total{handler, method, status}`` and
  ``moiety_http_request_duration_seconds{handler, method}``: every request the service answered,
  labelled by handler class (bounded; a path would carry ids). A live stream's duration is how
  long it stayed open.
- ``moiety_events_recorded_total{kind}``: events this process committed, by kind.
- ``moiety_live_streams``: live streams open now; ``moiety_db_write_queue``: writes waiting for
  the single writer thread.
- ``process_*`` (resident memory, CPU, open files) from the library's process collector, and
  ``moiety_info{version}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    Info,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .. import __version__

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class ServiceMetrics:
    def __init__(self, app):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "moiety_http_requests",
            "Requests answered by the Moiety service, by handler, method and status.",
            ["handler", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "moiety_http_request_duration_seconds",
            "Time to answer a request (for live streams: how long they stayed open).",
            ["handler", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.events = Counter(
            "moiety_events_recorded",
            "Feed events recorded by this service process, by kind.",
            ["kind"],
            registry=self.registry,
        )
        Info("moiety", "The running Moiety.", registry=self.registry).info({"version": __version__})
        ProcessCollector(registry=self.registry)
        self.registry.register(_LiveState(app))

    def observe_request(self, handler) -> None:
        name = type(handler).__name__
        method = handler.request.method or "-"
        self.requests.labels(name, method, str(handler.get_status())).inc()
        self.latency.labels(name, method).observe(handler.request.request_time())

    def counting_events(self, publish: Callable[[list], None]) -> Callable[[list], None]:
        """Wrap the storage's after-commit callback so that each published event is counted."""

        def counted(published: list) -> None:
            for item in published:
                if isinstance(item, dict) and "kind" in item:
                    self.events.labels(item["kind"]).inc()
            publish(published)

        return counted

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _LiveState(Collector):
    """Gauges read from the application when Prometheus scrapes."""

    def __init__(self, app):
        self.app = app

    def collect(self) -> Iterable[GaugeMetricFamily]:
        broadcaster = getattr(self.app, "broadcaster", None)
        streams = len(broadcaster.subscribers) if broadcaster is not None else 0
        yield GaugeMetricFamily("moiety_live_streams", "Live streams open now.", value=streams)
        queue = _write_queue(getattr(self.app, "storage", None))
        if queue is not None:
            yield GaugeMetricFamily(
                "moiety_db_write_queue", "Writes waiting for the DB writer thread.", value=queue
            )


def _write_queue(storage) -> int | None:
    """Writes submitted to the storage's writer and not yet settled."""
    return getattr(storage, "pending", None)
