"""Prometheus metrics of the service, through the real hub and proxy."""

import requests
from prometheus_client.parser import text_string_to_metric_families

from moiety_testing.hub import _wait_for, service_client


def scrape(hub, token) -> dict:
    """``{(sample name, sorted labels): value}`` of the service's metrics, parsed by the
    Prometheus client's own parser."""
    r = requests.get(
        f"{hub.url}/services/moiety/metrics",
        headers={"Authorization": f"token {token}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_need_a_token_of_someone_the_service_accepts(hub):
    anonymous = requests.get(f"{hub.url}/services/moiety/metrics", timeout=30)
    assert anonymous.status_code == 403
    assert "token" in anonymous.text
    assert "<html" not in anonymous.text.lower()
    wrong = requests.get(
        f"{hub.url}/services/moiety/metrics",
        headers={"Authorization": "token not-a-token"},
        timeout=30,
    )
    assert wrong.status_code == 403


def test_counters_move_with_requests_events_and_streams(hub):
    token = hub.token("alice")
    before = scrape(hub, token)
    assert value(before, "process_resident_memory_bytes") > 10_000_000
    assert value(before, "moiety_info", version=_version()) == 1
    assert ("moiety_db_write_queue", ()) in before

    alice = service_client(hub, "alice")
    for _ in range(3):
        assert alice.get("me").status_code == 200
    assert alice.get("projects/no-such-project").status_code == 404
    posted = alice.post("posts", json={"project": "egfr-sar", "body": "metrics #ops"})
    assert posted.status_code == 201
    stream = alice.http.get(alice.base + "feed/stream", stream=True, timeout=60)
    assert stream.status_code == 200
    try:
        _wait_for(
            lambda: (
                value(scrape(hub, token), "moiety_live_streams")
                >= value(before, "moiety_live_streams") + 1
            ),
            30,
            "the open stream counted",
        )
    finally:
        stream.close()
    after = scrape(hub, token)

    def grew(name, by, **labels):
        assert value(after, name, **labels) - value(before, name, **labels) >= by, (name, labels)

    grew("moiety_http_requests_total", 3, handler="MeHandler", method="GET", status="200")
    grew("moiety_http_requests_total", 1, handler="ProjectHandler", method="GET", status="404")
    grew("moiety_http_requests_total", 1, handler="PostsHandler", method="POST", status="201")
    grew("moiety_http_request_duration_seconds_count", 3, handler="MeHandler", method="GET")
    grew(
        "moiety_http_request_duration_seconds_bucket",
        3,
        handler="MeHandler",
        method="GET",
        le="+Inf",
    )
    grew("moiety_events_recorded_total", 1, kind="post.created")
    _wait_for(
        lambda: (
            value(scrape(hub, token), "moiety_live_streams") <= value(before, "moiety_live_streams")
        ),
        30,
        "the closed stream no longer counted",
    )


def _version():
    from moiety import __version__

    return __version__
