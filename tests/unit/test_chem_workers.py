"""Worker processes of the depiction and identity pools, and the forkserver they come from, end
when the process that started them is killed (SIGKILL: no chance to shut its pools down), so a
crashed server leaves nothing behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import sys
from moiety.core.chem import DepictionPool, identity_workers
pool = DepictionPool(workers=2)
pool.start()
identity_workers.compute_parallel([("smiles", "CCO")] * 200, tautomers=False, workers=2)
pids = [*pool.pids(), *identity_workers._pool._processes]
print(" ".join(map(str, pids)), flush=True)
sys.stdin.read()
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_workers_and_their_forkserver_end_with_a_killed_server():
    server = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        pids = [int(pid) for pid in server.stdout.readline().split()]
        assert len(pids) == 4
        forkservers = {parent(pid) for pid in pids}
        assert server.pid not in forkservers  # workers are the forkserver's children
        pids += sorted(forkservers)
        assert all(map(alive, pids))
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(map(alive, pids)) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling processes we do not control, with a deadline
        assert [pid for pid in pids if alive(pid)] == []
    finally:
        server.kill()
        server.wait()
        server.stdin.close()
        server.stdout.close()
