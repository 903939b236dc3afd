"""A project's git repository: snapshots, history, diffs, restores, and project creation.

Plain Python, no tornado: the project server's handlers call these functions on behalf of an
authenticated person and turn the exceptions of :mod:`.errors` into 4xx JSON answers.
"""

from .blobs import list_files, read_blobs, read_file_at
from .create import CreatedProject, create_demo_project, create_project_repo, demo_slugs
from .diff import diff
from .errors import (
    ConcurrentUpdate,
    GitFailed,
    InvalidIdentity,
    InvalidMessage,
    InvalidRevision,
    NotARepository,
    PathNotFound,
    ProjectExists,
    RepoError,
    RepositoryBusy,
    UnsafePath,
)
from .fsck import FsckReport, check_repository
from .git import WORKING
from .history import Commit, changed_paths, history
from .paths import safe_path, safe_relpath
from .restore import restore
from .snapshot import SnapshotResult, snapshot
from .worktree import TreeEntry

__all__ = [
    "WORKING",
    "Commit",
    "ConcurrentUpdate",
    "CreatedProject",
    "FsckReport",
    "GitFailed",
    "InvalidIdentity",
    "InvalidMessage",
    "InvalidRevision",
    "NotARepository",
    "PathNotFound",
    "ProjectExists",
    "RepoError",
    "RepositoryBusy",
    "SnapshotResult",
    "TreeEntry",
    "UnsafePath",
    "changed_paths",
    "check_repository",
    "create_demo_project",
    "create_project_repo",
    "demo_slugs",
    "diff",
    "history",
    "list_files",
    "read_blobs",
    "read_file_at",
    "restore",
    "safe_path",
    "safe_relpath",
    "snapshot",
]
