"""A project's compound settings: which column of a table holds SMILES, and whether identity
uses the canonical tautomer.

They live in the ``[compounds]`` table of ``moiety.toml`` at the root of the project folder (a
file people edit in JupyterLab and snapshot with the project)::

    [compounds]
    tautomers = true                  # canonical tautomer in identities (default: the server's)

    [compounds.smiles_columns]        # pattern = column; the first pattern that matches wins
    "data/assays/*.csv" = "Structure (SMILES)"
    "vendor.tsv" = "MOL"

A pattern with a ``/`` is matched against the file's path from the project root, one without
against the file name alone, with shell wildcards (``*`` also crosses folders, ``?``,
``[abc]``), case-sensitively. Only ``.csv`` and ``.tsv`` files have columns; a table no pattern
names has its SMILES column found by itself. ``SettingsFile`` reads them from the working
copy, again whenever the file changes. Plain Python, no RDKit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from ..repo.errors import RepoError
from ..repo.worktree import MODE_SYMLINK, read_working, working_stat
from .errors import ChemError

SETTINGS_FILE = "moiety.toml"
MAX_SETTINGS_BYTES = 64 * 1024
MAX_PATTERNS = 1_000
MAX_TEXT = 1_024
TABLE_SUFFIXES = (".csv", ".tsv")
KNOWN = ("smiles_columns", "tautomers")


class InvalidSettings(ChemError):
    """The project's ``moiety.toml`` cannot be used; the message says where and why."""

    code = "invalid_settings"


@dataclass(frozen=True, slots=True)
class CompoundSettings:
    """``tautomers``: identities use the canonical tautomer; ``smiles_columns``: ``(pattern,
    column)`` pairs, in the order given."""

    tautomers: bool = False
    smiles_columns: tuple[tuple[str, str], ...] = ()

    def smiles_column(self, path: str) -> str | None:
        """The SMILES column named for ``path`` (a path from the project root), or None."""
        pure = PurePosixPath(path)
        if pure.suffix.lower() not in TABLE_SUFFIXES:
            return None
        for pattern, column in self.smiles_columns:
            if fnmatchcase(path if "/" in pattern else pure.name, pattern):
                return column
        return None


def _fail(problem: str) -> InvalidSettings:
    return InvalidSettings(f"{SETTINGS_FILE}: {problem}")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise _fail(f"{what} must be a non-empty text of at most {MAX_TEXT} characters.")
    return value


def parse_settings(
    data: bytes | str, defaults: CompoundSettings = CompoundSettings()
) -> CompoundSettings:
    """The compound settings of a ``moiety.toml`` text; what it does not say comes from
    ``defaults``. Raises InvalidSettings with the problem and how to fix it."""
    if isinstance(data, bytes):
        if len(data) > MAX_SETTINGS_BYTES:
            raise _fail(f"the file is larger than {MAX_SETTINGS_BYTES // 1024} KiB.")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _fail("the file is not UTF-8 text.") from None
    try:
        document = tomllib.loads(data)
    except tomllib.TOMLDecodeError as error:
        raise _fail(f"this is not valid TOML ({error}).") from None
    table = document.get("compounds", {})
    if not isinstance(table, dict):
        raise _fail("'compounds' must be a table: write [compounds] on a line of its own.")
    unknown = sorted(set(table) - set(KNOWN))
    if unknown:
        raise _fail(
            f"[compounds] has no setting {unknown[0]!r}; the settings are " + ", ".join(KNOWN) + "."
        )
    tautomers = table.get("tautomers", defaults.tautomers)
    if not isinstance(tautomers, bool):
        raise _fail("'tautomers' in [compounds] must be true or false.")
    columns = table.get("smiles_columns", {})
    if not isinstance(columns, dict):
        raise _fail(
            "'smiles_columns' must be a table of file patterns and column names, e.g. "
            '[compounds.smiles_columns] then "data/*.csv" = "Structure".'
        )
    if len(columns) > MAX_PATTERNS:
        raise _fail(f"[compounds.smiles_columns] may name at most {MAX_PATTERNS} patterns.")
    pairs = tuple(
        (_text(pattern, "A file pattern"), _text(column, f"The column for {pattern!r}").strip())
        for pattern, column in columns.items()
    )
    return CompoundSettings(tautomers, pairs or defaults.smiles_columns)


class SettingsFile:
    """The compound settings of a project folder's ``moiety.toml``, read again only when the
    file changed (its size, times or inode). ``settings`` holds the last good ones (``defaults``
    while there is no file). Not thread-safe: call from one thread at a time."""

    def __init__(self, root: Path, defaults: CompoundSettings = CompoundSettings()):
        self.root = root
        self.defaults = defaults
        self.settings = defaults
        self._seen: tuple | bool | None = False
        self._error: InvalidSettings | None = None

    def read(self) -> CompoundSettings:
        """The settings in force; raises InvalidSettings while the file cannot be used."""
        try:
            info = working_stat(self.root, SETTINGS_FILE)
        except RepoError:
            info = None
        seen = None if info is None else (info.st_mtime_ns, info.st_ctime_ns, info.st_size)
        if info is not None:
            seen = (*seen, info.st_ino)
        if seen != self._seen:
            self._seen = seen
            settings, self._error = self._load(info)
            if settings is not None:
                self.settings = settings
        if self._error is not None:
            raise self._error.with_traceback(None)
        return self.settings

    def _load(self, info) -> tuple[CompoundSettings | None, InvalidSettings | None]:
        if info is None:
            return self.defaults, None
        if info.st_size > MAX_SETTINGS_BYTES:
            return None, _fail(f"the file is larger than {MAX_SETTINGS_BYTES // 1024} KiB.")
        try:
            working = read_working(self.root, SETTINGS_FILE)
        except RepoError as error:
            return None, _fail(str(error))
        if working is None:
            return self.defaults, None
        if working.mode == MODE_SYMLINK:
            return None, _fail("it is a symbolic link; make it a file in the project folder.")
        try:
            return parse_settings(working.data, self.defaults), None
        except InvalidSettings as error:
            return None, error
