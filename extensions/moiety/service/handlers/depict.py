"""``GET /api/depict``: an SVG of a structure, drawn by the chemistry core.

Any logged-in hub user may call it (structures are not project data). Drawing, and even
parsing, happens in worker processes, each job within a budget of computation time
(``DepictionPool``), so a pathological structure never blocks the event loop nor fails anyone
else's drawing; structures over the depiction bounds (``limits.MAX_DRAWN_*``) answer 400 before
any layout, and jobs are taken in turn by caller. Answers are cached by canonical structure
(``DepictionCache``): a repeated request costs a dictionary lookup, and another way of writing
a structure already drawn is not drawn again. The pool and the cache are the app's
(``depiction_pool``, ``depiction_cache``, sized by its traitlets). The service process itself
never loads RDKit: only the workers do.

The SVG is served so that opened directly it can run nothing: ``nosniff`` and a CSP without
scripts. It is the caller's to cache for a day (``Cache-Control: private``).
"""

from __future__ import annotations

from ...core.chem.depict_cache import DepictionCache
from ...core.chem.depict_pool import DepictionPool
from ...core.chem.errors import ChemError, DepictionFailed, DepictionTimeout, InputTooLarge
from ...core.chem.limits import DEFAULT_SIZE, MAX_SIZE, MAX_TEXT_LENGTH, MIN_SIZE
from ...core.errors import InvalidInput, MoietyError, TooLarge
from ..base import APIHandler

CSP = "default-src 'none'; style-src 'unsafe-inline'"
CACHE_CONTROL = "private, max-age=86400"


class Unprocessable(MoietyError):
    status = 422
    code = "depiction-timeout"


class Unavailable(MoietyError):
    status = 503
    code = "depiction-failed"


def depiction_tools(moiety) -> tuple[DepictionPool, DepictionCache]:
    """The service's pool of drawing workers and its cache of drawings."""
    return moiety.depiction_pool, moiety.depiction_cache


def _single(arguments: dict[str, list[str]], name: str) -> str | None:
    values = arguments.get(name)
    if values is None:
        return None
    if len(values) != 1:
        raise InvalidInput(f"Give {name!r} once.", code="repeated-argument")
    return values[0]


def _size(arguments: dict[str, list[str]], name: str) -> int:
    text = _single(arguments, name)
    if text is None:
        return DEFAULT_SIZE
    if not text.isdigit() or not MIN_SIZE <= int(text) <= MAX_SIZE:
        raise InvalidInput(
            f"The {name} must be a whole number of pixels from {MIN_SIZE} to {MAX_SIZE}; "
            f"got {text[:20]!r}.",
            code="invalid-size",
        )
    return int(text)


def _service_error(error: ChemError) -> MoietyError:
    code = error.code.replace("_", "-")
    if isinstance(error, DepictionTimeout):
        return Unprocessable(str(error), code=code)
    if isinstance(error, DepictionFailed):
        return Unavailable(str(error), code=code)
    return InvalidInput(str(error), code=code)


class DepictHandler(APIHandler):
    def set_default_headers(self):
        super().set_default_headers()
        self.set_header("Content-Security-Policy", CSP)

    async def get(self):
        arguments = self.query_lists({"smiles", "width", "height"})
        smiles = _single(arguments, "smiles")
        if smiles is None or not smiles.strip():
            raise InvalidInput("Give the structure to draw as 'smiles'.", code="missing-smiles")
        if len(smiles) > MAX_TEXT_LENGTH:
            raise TooLarge(
                f"This SMILES has {len(smiles):,} characters; the limit is {MAX_TEXT_LENGTH:,}.",
                code=InputTooLarge.code.replace("_", "-"),
            )
        width, height = _size(arguments, "width"), _size(arguments, "height")
        pool, cache = depiction_tools(self.moiety)
        try:
            svg = await cache.depict(pool, smiles, width, height, owner=self.caller.name)
        except ChemError as error:
            raise _service_error(error) from None
        self.set_header("Content-Type", "image/svg+xml")
        self.set_header("Cache-Control", CACHE_CONTROL)
        self.finish(svg)


default_handlers = [(r"api/depict", DepictHandler)]
