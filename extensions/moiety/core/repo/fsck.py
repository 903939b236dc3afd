"""Repository hygiene: what ``git fsck --full`` finds wrong (for tests and ``moiety doctor``)."""

import os
from dataclasses import dataclass, field

from . import git

_INFORMATIONAL = ("dangling ", "notice:", "Checking ", "unreachable ")


@dataclass(frozen=True)
class FsckReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    head: str | None = None
    """The commit HEAD points to, ``None`` if it points to none."""

    def to_json(self) -> dict:
        return {"ok": self.ok, "problems": self.problems, "head": self.head}


def check_repository(root: str | os.PathLike) -> FsckReport:
    """Run ``git fsck --full``; unreferenced ("dangling") objects are not problems."""
    root = git.repo_root(root)
    done = git.run(root, ["fsck", "--full", "--no-progress"], ok_codes=range(256))
    lines = (done.stdout + done.stderr).decode("utf-8", "replace").splitlines()
    problems = [line for line in lines if line.strip() and not line.startswith(_INFORMATIONAL)]
    if done.returncode != 0 and not problems:
        problems.append(f"git fsck exited with status {done.returncode}")
    head = git.head_commit(root)
    has_commits = git.run(root, ["rev-list", "-n", "1", "--all"]).stdout.strip()
    if head is None and has_commits:
        problems.append("HEAD does not point to a commit, though the repository has commits.")
    return FsckReport(ok=not problems, problems=problems, head=head)
