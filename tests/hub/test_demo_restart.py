"""Running the demo again reuses its data: nothing is created twice, nothing is lost.

Both starts are as ``make demo`` runs: no data directory given, so it is ``var/demo`` under the
directory the demo was started from, for the hub and everything it starts.
"""

from moiety_testing.hub import service_client, start_hub, stop_hub


def test_a_second_start_reuses_the_data(tmp_path):
    hub = start_hub(tmp_path, default_data_dir=True)
    try:
        sent = service_client(hub, "alice").post(
            "posts", json={"project": "egfr-sar", "body": "before the restart"}
        )
        assert sent.status_code == 201, sent.text
        head = (hub.data_dir / "projects" / "egfr-sar" / ".git" / "HEAD").read_text()
        assert (hub.data_dir / "moiety.sqlite").is_file()
        assert not (hub.data_dir / "var").exists()
    finally:
        stop_hub(hub)

    again = start_hub(tmp_path, default_data_dir=True)
    try:
        alice = service_client(again, "alice")
        feed = alice.get("feed", params={"project": "egfr-sar", "limit": 200}).json()["items"]
        assert sent.json()["id"] in [e["id"] for e in feed]
        created = [e for e in feed if e["kind"] == "project.created"]
        assert len(created) == 1
        assert (again.data_dir / "projects" / "egfr-sar" / ".git" / "HEAD").read_text() == head
        assert [p["slug"] for p in alice.get("projects").json()["items"]] == ["egfr-sar"]
    finally:
        stop_hub(again)
