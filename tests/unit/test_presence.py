from moiety.core.presence import Presence


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_report_replaces_the_last_and_expires():
    clock = Clock()
    presence = Presence(ttl=60, clock=clock)
    assert presence.active("egfr-sar") == []
    presence.report("egfr-sar", ["bob", "alice", "bob"])
    assert presence.active("egfr-sar") == ["alice", "bob"]
    presence.report("egfr-sar", ["alice"])
    assert presence.active("egfr-sar") == ["alice"]
    clock.now += 61
    assert presence.active("egfr-sar") == []
