"""Running git safely: a controlled environment, no user string as an option, every child waited.

Why plain ``subprocess`` and not GitPython: a project server is a long-running process, and
GitPython keeps persistent ``git cat-file`` children and their pipes per ``Repo`` object (its own
documentation warns that it leaks resources in long-running processes unless every object is
closed by hand). It also builds command lines from keyword arguments, which makes it easy to miss
where a user string could turn into an option. We need a dozen plumbing commands with ``-z``
output and data on stdin; :func:`run` is the whole layer, and each call is one
``subprocess.run`` that waits for its child and closes its pipes.
"""

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import GitFailed, InvalidIdentity, InvalidRevision, NotARepository

TIMEOUT_SECONDS = 300
WORKING = "WORKING"
"""Sentinel revision for the working copy, where a function accepts it."""

_KEPT_ENV = ("PATH", "LANG", "LC_ALL", "TMPDIR", "TZ")
_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.quotePath=false",
    "gc.auto=0",
    "maintenance.auto=false",
    "commit.gpgSign=false",
    "protocol.allow=never",
)
_CRUD = re.compile(r"[\x00-\x1f\x7f<>]")


def base_env(root: Path) -> dict[str, str]:
    """The environment of every git child: nothing inherited that could change what git does."""
    env = {key: os.environ[key] for key in _KEPT_ENV if key in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(
        GIT_DIR=str(root / ".git"),
        GIT_WORK_TREE=str(root),
        GIT_CEILING_DIRECTORIES=str(root.parent),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        XDG_CONFIG_HOME=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="true",
        SSH_ASKPASS="true",
        GIT_EDITOR="true",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_LITERAL_PATHSPECS="1",
        GIT_NO_REPLACE_OBJECTS="1",
        GIT_OPTIONAL_LOCKS="0",
        GIT_ADVICE="0",
    )
    return env


def identity_env(name: str, email: str) -> dict[str, str]:
    """``GIT_AUTHOR_*`` and ``GIT_COMMITTER_*`` for one commit by ``name <email>``."""
    for label, value in (("name", name), ("e-mail", email)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidIdentity(f"The author {label} must be non-empty text.")
        if _CRUD.search(value):
            raise InvalidIdentity(
                f"The author {label} {value!r} contains a control character, '<' or '>'; "
                "git cannot record it."
            )
    if "@" not in email:
        raise InvalidIdentity(f"The author e-mail {email!r} has no '@'.")
    return {
        "GIT_AUTHOR_NAME": name.strip(),
        "GIT_AUTHOR_EMAIL": email.strip(),
        "GIT_COMMITTER_NAME": name.strip(),
        "GIT_COMMITTER_EMAIL": email.strip(),
    }


def repo_root(root: str | os.PathLike) -> Path:
    """The real path of a project repository; raises :class:`NotARepository` if it is none."""
    path = Path(root).resolve()
    if not (path / ".git").is_dir():
        raise NotARepository(f"{path} is not a project repository (it has no .git folder).")
    return path


def run(
    root: Path,
    args: Sequence[str],
    *,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    ok_codes: Sequence[int] = (0,),
) -> subprocess.CompletedProcess:
    """Run ``git <args>`` in ``root`` and wait for it; raise :class:`GitFailed` on failure.

    Callers put ``--`` before paths and never pass user strings where an option could stand.
    """
    full_env = base_env(root)
    if env:
        full_env.update(env)
    command = ["git"]
    for setting in _CONFIG:
        command += ["-c", setting]
    command += list(args)
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=full_env,
            input=input if input is not None else b"",
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GitFailed(f"git {args[0]} took longer than {TIMEOUT_SECONDS} s.") from exc
    if done.returncode not in ok_codes:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        raise GitFailed(
            f"git {args[0]} failed: {stderr or 'no message'}",
            returncode=done.returncode,
            stderr=stderr,
        )
    return done


def resolve_commit(root: Path, rev: str) -> str:
    """The full commit id that ``rev`` names; :class:`InvalidRevision` if it names none."""
    if not isinstance(rev, str) or not rev or rev.startswith("-") or _CRUD.search(rev):
        raise InvalidRevision(
            f"{rev!r} is not a revision: give a commit id, a branch name or HEAD "
            "(revisions never start with '-')."
        )
    done = run(
        root,
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        ok_codes=(0, 1, 128),
    )
    if done.returncode != 0:
        raise InvalidRevision(f"There is no commit {rev!r} in this project's history.")
    return done.stdout.decode().strip()


def head_commit(root: Path) -> str | None:
    """The commit HEAD points to, or ``None`` in a repository without commits yet."""
    done = run(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], ok_codes=(0, 1, 128))
    return done.stdout.decode().strip() if done.returncode == 0 else None


def split_z(data: bytes) -> list[str]:
    """Split NUL-terminated git output into paths, decoded as the file system does."""
    return [os.fsdecode(item) for item in data.split(b"\0") if item]
