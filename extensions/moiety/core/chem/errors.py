"""Errors of the chemistry core.

Each carries a ``code`` (the ``error`` field of the API's JSON answer) and a message a person can
act on; handlers turn them into 4xx answers.
"""


class ChemError(ValueError):
    """Base class of every error the chemistry core raises on bad input."""

    code = "chem_error"


class InvalidMolecule(ChemError):
    """RDKit refused a structure; ``reason`` is RDKit's own explanation."""

    code = "invalid_molecule"

    def __init__(
        self, text: str, reason: str, *, kind: str = "SMILES", position: int | None = None
    ):
        self.text = text
        self.reason = reason
        self.kind = kind
        self.position = position
        super().__init__(f"This {kind} could not be read: {reason}")

    def __reduce__(self):
        # Rebuilt from its own fields, so it crosses a process boundary (the depiction workers).
        return (type(self), (self.text, self.reason), dict(self.__dict__))


class InvalidQuery(InvalidMolecule):
    """A substructure query (SMARTS or SMILES) that RDKit refused."""

    code = "invalid_query"


class InputTooLarge(ChemError):
    """An input over one of the documented bounds, refused before any expensive work."""

    code = "input_too_large"


class InvalidSize(ChemError):
    """A depiction size outside the allowed bounds."""

    code = "invalid_size"


class DepictionFailed(ChemError):
    """The drawing worker stopped before it answered."""

    code = "depiction_failed"


class DepictionTimeout(DepictionFailed):
    """Drawing took longer than the worker's time limit (usually a pathological structure)."""

    code = "depiction_timeout"


class UnsupportedFile(ChemError):
    """A file that is not a compound file, or whose structure column cannot be found."""

    code = "unsupported_file"


class InvalidLimit(ChemError):
    """A result limit outside the allowed range."""

    code = "invalid_limit"


class InvalidCursor(ChemError):
    """A search cursor that this index did not produce."""

    code = "invalid_cursor"
