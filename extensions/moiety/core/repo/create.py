"""Creating a project repository from a template, optionally with demo content laid over it.

The repository is built and committed in a hidden staging folder next to its final place and
then renamed into place in one step, so a project folder either does not exist or has its
first commit; two creations of the same slug cannot both succeed, and nothing is overwritten.
A creation killed half-way leaves only a ``.<slug>.creating-*`` folder, never a broken project.
"""

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from moiety.core.slugs import validate_slug

from . import git
from .commits import commit_message
from .errors import ProjectExists, RepoError
from .lock import writer_lock
from .snapshot import commit_working_copy

SYSTEM_NAME = "Moiety"
SYSTEM_EMAIL = "moiety@moiety.invalid"
DEFAULT_BRANCH = "main"
_NEVER_COPIED = shutil.ignore_patterns(".git", "__pycache__", ".ipynb_checkpoints", ".DS_Store")


@dataclass(frozen=True)
class CreatedProject:
    slug: str
    path: Path
    commit: str

    def to_json(self) -> dict:
        return {"slug": self.slug, "path": str(self.path), "commit": self.commit}


def create_project_repo(
    projects_root: str | os.PathLike,
    slug: str,
    template_dir: str | os.PathLike,
    author_name: str,
    author_email: str,
    *,
    overlays: tuple[str | os.PathLike, ...] = (),
    message: str | None = None,
) -> CreatedProject:
    """Create ``<projects_root>/<slug>`` from ``template_dir`` (then each overlay folder, whose
    files replace the template's), with a first commit by ``author_name <author_email>``.

    Raises :class:`ProjectExists` if the folder exists and is not empty.
    """
    slug = validate_slug(slug)
    identity = git.identity_env(author_name, author_email)
    body = commit_message(message, default=f"Create the {slug} project")
    sources = [Path(template_dir), *map(Path, overlays)]
    for source in sources:
        if not source.is_dir():
            raise RepoError(f"The project template folder {source} does not exist.")
    projects_root = Path(projects_root).resolve()
    projects_root.mkdir(parents=True, exist_ok=True)
    target = projects_root / slug
    _refuse_existing(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}.creating-", dir=projects_root))
    try:
        for source in sources:
            shutil.copytree(
                source, staging, symlinks=True, ignore=_NEVER_COPIED, dirs_exist_ok=True
            )
        git.run(staging, ["init", "--quiet", f"--initial-branch={DEFAULT_BRANCH}"])
        with writer_lock(staging):
            result = commit_working_copy(staging, body, identity, None)
        if not result.changed:
            raise RepoError(f"The template {sources[0]} has no files to commit.")
        try:
            staging.rename(target)
        except OSError as exc:
            raise ProjectExists(_exists_message(target)) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return CreatedProject(slug=slug, path=target, commit=result.commit)


def _refuse_existing(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ProjectExists(_exists_message(target))
    if target.is_dir() and any(target.iterdir()):
        raise ProjectExists(_exists_message(target))


def _exists_message(target: Path) -> str:
    return (
        f"A project folder {target} already exists and is not empty; choose another slug, "
        "or move that folder away first."
    )


def shared_projects_dir() -> Path:
    """Where the templates and demo content are: the source checkout, or an installed copy."""
    candidates = [
        Path(__file__).resolve().parents[4] / "shared_projects",
        Path(sys.prefix) / "share" / "moiety" / "shared_projects",
    ]
    for candidate in candidates:
        if (candidate / "templates").is_dir():
            return candidate
    raise RepoError("Moiety's project templates (shared_projects/) are not installed.")


def template_dir(name: str = "default", shared: Path | None = None) -> Path:
    """The folder of the project template called ``name``."""
    name = validate_slug(name) if name != "default" else name
    path = (shared or shared_projects_dir()) / "templates" / name
    if not path.is_dir():
        raise RepoError(f"There is no project template called {name!r}.")
    return path


def demo_slugs(shared: Path | None = None) -> list[str]:
    """The demo projects that ship with Moiety: the folders of ``shared_projects`` but templates."""
    shared = shared or shared_projects_dir()
    return sorted(
        entry.name for entry in shared.iterdir() if entry.is_dir() and entry.name != "templates"
    )


def create_demo_project(
    projects_root: str | os.PathLike,
    slug: str,
    *,
    template: str = "default",
    shared: Path | None = None,
) -> CreatedProject:
    """Create the demo project ``slug``: the template, its demo content over it, one commit by
    the Moiety system identity."""
    shared = shared or shared_projects_dir()
    if validate_slug(slug) not in demo_slugs(shared):
        raise RepoError(
            f"There is no demo project called {slug!r}; there are {demo_slugs(shared)}."
        )
    return create_project_repo(
        projects_root,
        slug,
        template_dir(template, shared),
        SYSTEM_NAME,
        SYSTEM_EMAIL,
        overlays=(shared / slug,),
        message=f"Create the {slug} demo project",
    )
