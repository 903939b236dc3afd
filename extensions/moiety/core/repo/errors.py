"""Errors of the project repository core.

Each carries a message a person can act on, a short ``code`` and the HTTP ``status`` a handler
should answer with (the same attributes as the rest of ``moiety.core``).
"""

from ..errors import MoietyError


class RepoError(MoietyError):
    status = 400
    code = "repo-error"


class UnsafePath(RepoError, ValueError):
    code = "unsafe-path"


class InvalidRevision(RepoError, ValueError):
    status = 404
    code = "unknown-revision"


class PathNotFound(RepoError):
    status = 404
    code = "path-not-found"


class InvalidIdentity(RepoError, ValueError):
    code = "invalid-identity"


class InvalidMessage(RepoError, ValueError):
    code = "invalid-message"


class NotARepository(RepoError):
    status = 404
    code = "not-a-repository"


class ProjectExists(RepoError):
    status = 409
    code = "project-exists"


class RepositoryBusy(RepoError):
    """Another writer held the repository for longer than the caller was willing to wait."""

    status = 409
    code = "repository-busy"


class ConcurrentUpdate(RepoError):
    """The branch moved under us (someone committed outside Moiety) more often than we retry."""

    status = 409
    code = "concurrent-update"


class GitFailed(RepoError):
    """Git itself failed in a way the caller could not have prevented."""

    status = 500
    code = "git-failed"

    def __init__(self, message: str, *, returncode: int | None = None, stderr: str = ""):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr
