"""``moiety.post``: share text and molecules to the project feed from kernel code.

Kernels of a hub's single-user server inherit its hub token (``JUPYTERHUB_API_TOKEN``) and the
service's address (``MOIETY_SERVICE_API_URL``). In a project server (``MOIETY_PROJECT`` set)
the token is the project account's, so a post goes to that project, by that account, and says
which of the project's notebooks posted it (a last line "Posted from `notebooks/x.ipynb`",
see ``notebook.notebook_path``); in a personal server it is the owner's, who names one of
their projects, and the post is theirs (their private notebook's path is not shown).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from ..client import ServiceClient
from ..core.markup import TAG_PATTERN
from .molecules import molecule_entries, smiles_block
from .notebook import code_span, notebook_path


class NotInHub(RuntimeError):
    """Kernel code that is not running in a Moiety hub's server tried to reach the service."""


def service_client() -> ServiceClient:
    try:
        return ServiceClient.from_environment()
    except RuntimeError:
        raise NotInHub(
            "moiety.post works in notebooks of a Moiety hub: this kernel was not started by a "
            "hub's server (MOIETY_SERVICE_API_URL and JUPYTERHUB_API_TOKEN are not set)."
        ) from None


def target_project(project: str | None) -> str:
    """The project a post from this kernel goes to."""
    here = os.environ.get("MOIETY_PROJECT") or None
    if here is not None:
        if project not in (None, here):
            raise ValueError(
                f"This notebook runs in the project server of {here!r}; it posts there as the "
                f"project. Post to {project!r} from a notebook of your own server or of that "
                "project."
            )
        return here
    if not project:
        raise ValueError(
            "Say which project to post to, e.g. moiety.post('...', project='egfr-sar'): this "
            "notebook runs in your own server, not in a project's."
        )
    return project


def _tags(tags: Iterable[str] | str | None) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = [tags]
    found = []
    for tag in tags:
        text = str(tag).strip().removeprefix("#")
        if not TAG_PATTERN.fullmatch(text):
            raise ValueError(
                f"{tag!r} is not a tag: a tag starts with a letter, then letters, digits, "
                "'_' or '-' (e.g. 'hit-to-lead')."
            )
        found.append(text)
    return found


def attribution() -> str | None:
    """The line that says which of the project's notebooks posts (project servers only)."""
    if not os.environ.get("MOIETY_PROJECT"):
        return None
    path = notebook_path()
    return f"Posted from {code_span(path)}" if path else None


def compose(
    text: str,
    molecules: Iterable[Any] | None = None,
    tags: Any = None,
    source: str | None = None,
) -> str:
    """The markdown body of a post: the text, the molecules' smiles block, the tags, then
    ``source`` (the attribution line) when given."""
    if not isinstance(text, str):
        raise TypeError(f"The text of a post is a string, not {type(text).__name__}.")
    parts = [text.strip()]
    entries = molecule_entries(molecules)
    if entries:
        parts.append(smiles_block(entries))
    tags = _tags(tags)
    if tags:
        parts.append(" ".join(f"#{tag}" for tag in tags))
    if source and any(parts):
        parts.append(source)
    return "\n\n".join(part for part in parts if part)


def post(
    text: str,
    molecules: Iterable[Any] | None = None,
    tags: Iterable[str] | str | None = None,
    project: str | None = None,
) -> dict:
    """Post ``text`` (markdown), with ``molecules`` and ``tags``, to a project's feed.

    Molecules are SMILES strings, RDKit molecules or ``(name, smiles)`` pairs; tags are words
    such as ``"hit-to-lead"`` (the ``#`` is added). In a project's server the post goes to that
    project, by the project account, and names the notebook it came from; in your own server,
    give ``project``. Returns the created
    event. Raises NotInHub outside a Moiety hub, ValueError for input it can tell is wrong, and
    ``moiety.client.MoietyAPIError`` with the service's explanation when the service refuses.
    """
    body = compose(text, molecules, tags, attribution())
    if not body:
        raise ValueError("A post needs some text, molecules or tags.")
    slug = target_project(project)
    return service_client().post("posts", {"project": slug, "body": body})
