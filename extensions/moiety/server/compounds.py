"""The compound endpoints of a project server: compound diff and substructure search.

Authorized like the other project endpoints (``@web.authenticated`` plus jupyter_server's
``@authorized``: the hub checks ``access:servers``); in a personal server they answer 404.
The chemistry core's errors (a file that is not a compound file, a SMARTS RDKit refuses, a
cursor this search did not make) answer 400 with the core's message, which carries RDKit's
reason; git's (unknown revision or path, unsafe path) answer as they do for ``/diff``.
"""

from __future__ import annotations

import contextlib

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..core.chem.errors import ChemError
from ..core.errors import InvalidInput, MoietyError
from .project_handlers import ProjectHandler

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
"""The search's bounds, as in ``core/chem/search.py`` (not imported: this module is loaded
by personal servers too, which need no RDKit)."""
QUERY_KINDS = ("smarts", "smiles")


@contextlib.contextmanager
def chem_errors():
    """The chemistry core's errors as 400 answers (codes with hyphens, as the server's)."""
    try:
        yield
    except ChemError as error:
        raise MoietyError(str(error), code=error.code.replace("_", "-")) from None


def compounds_of(handler: ProjectHandler):
    return handler.project_only().compounds


class CompoundDiffHandler(ProjectHandler):
    @web.authenticated
    @authorized
    async def get(self):
        """``path``, ``from`` (default HEAD), ``to`` (default WORKING, the working copy)."""
        compounds = compounds_of(self)
        args = self.query({"path", "from", "to"})
        if not args.get("path"):
            raise InvalidInput("Give the compound file to compare as the query argument 'path'.")
        with chem_errors():
            answer = await compounds.diff(
                args["path"], args.get("from", "HEAD"), args.get("to", "WORKING")
            )
        self.write_json(answer)


class CompoundSearchHandler(ProjectHandler):
    @web.authenticated
    @authorized
    async def get(self):
        """``smarts`` or ``smiles``, ``limit`` (1-10,000, default 100), ``cursor`` (``next``
        of the previous page): ``{items: [{path, record, name, smiles, properties}], next,
        commit}`` over the compound files at HEAD."""
        compounds = compounds_of(self)
        args = self.query({*QUERY_KINDS, "limit", "cursor"})
        given = [kind for kind in QUERY_KINDS if kind in args]
        if len(given) != 1:
            raise InvalidInput(
                "Give one substructure query: 'smarts' (a SMARTS pattern) or 'smiles'."
            )
        kind = given[0]
        limit = self.number(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        cursor = args.get("cursor") or None
        with chem_errors():
            answer = await compounds.search(args[kind], kind, limit, cursor)
        self.write_json(answer)


default_handlers = [
    (r"/moiety/api/compounds/diff", CompoundDiffHandler),
    (r"/moiety/api/compounds/search", CompoundSearchHandler),
]
