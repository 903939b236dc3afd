"""Where a deployment keeps its state: the data directory, the two databases, the projects.

The same rules as ``hub_config/jupyterhub_config.py`` and the service: the service DB is
``MOIETY_DB_URL`` or ``<data>/moiety.sqlite``, the hub DB ``MOIETY_HUB_DB_URL`` or
``<data>/jupyterhub.sqlite``, project repositories are ``<data>/projects/<slug>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from .errors import OpsError

KEPT_FILES = ("jupyterhub_cookie_secret", "moiety_cookie_secret", "moiety_service_config.py")
"""Files of the data directory a restored deployment needs to carry on as before: the cookie
secrets (people stay logged in; feed cursors stay valid) and the service's config file."""


@dataclass(frozen=True)
class DataLayout:
    data_dir: Path
    service_db_url: str
    hub_db_url: str

    @classmethod
    def from_deployment(cls, deployment) -> DataLayout:
        data_dir = Path(deployment.data_dir)
        return cls(
            data_dir=data_dir,
            service_db_url=deployment.service_db_url,
            hub_db_url=deployment.hub_db_url or f"sqlite:///{data_dir / 'jupyterhub.sqlite'}",
        )

    @property
    def projects_root(self) -> Path:
        return self.data_dir / "projects"

    def sqlite_path(self, url: str) -> Path:
        """The file of a SQLite URL; a relative path is relative to the data directory (the
        hub runs there)."""
        path = Path(make_url(url).database or "")
        return path if path.is_absolute() else self.data_dir / path


def db_kind(url: str, what: str) -> str:
    """``"sqlite"`` or ``"postgresql"``; anything else cannot be backed up by Moiety."""
    try:
        backend = make_url(url).get_backend_name()
    except Exception:
        raise OpsError(f"The {what} URL is not a database URL: {shown(url)}") from None
    if backend not in ("sqlite", "postgresql"):
        raise OpsError(
            f"The {what} is {backend}; moiety backup handles SQLite and PostgreSQL. Back it up "
            "with that database's own tools."
        )
    if backend == "sqlite" and not make_url(url).database:
        raise OpsError(f"The {what} is an in-memory SQLite database: there is nothing to keep.")
    return backend


def shown(url: str | URL) -> str:
    """A database URL fit for a message or a log: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<an unreadable database URL>"
