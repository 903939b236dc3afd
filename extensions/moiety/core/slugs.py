"""Project slugs: the short names that are a project's folder, URL part and account name."""

import re

from .errors import InvalidInput

_SLUG = re.compile(r"[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*")
MIN_LENGTH = 2
MAX_LENGTH = 40

RULES = (
    f"a slug is {MIN_LENGTH} to {MAX_LENGTH} characters of lowercase letters, digits and single "
    "dashes, starting with a letter and not ending with a dash (for example 'egfr-sar2')"
)


class InvalidSlug(InvalidInput, ValueError):
    """A project slug that does not follow :data:`RULES`."""

    code = "invalid-slug"


def validate_slug(slug: object) -> str:
    """Return ``slug`` unchanged if it is a valid project slug, else raise :class:`InvalidSlug`."""
    if not isinstance(slug, str):
        raise InvalidSlug(f"The project slug must be text; {RULES}.")
    if not MIN_LENGTH <= len(slug) <= MAX_LENGTH or not _SLUG.fullmatch(slug):
        raise InvalidSlug(f"{slug!r} is not a valid project slug: {RULES}.")
    return slug
