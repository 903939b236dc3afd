"""The stored form of a notebook: nbstripout's stripping, done in this process.

:func:`stored_notebook` gives, byte for byte, what ``git add`` commits through the nbstripout
0.9 git filter configured as ``python -m nbstripout --keep-id``: the same reader
(``nbformat.reads`` without conversion, which also validates), the same ``strip_output`` options
as the command line's defaults, nbstripout's default extra metadata keys, and the same writer
(``nbformat.writes(nb) + "\\n"``). Cell ids are kept, so comments anchored to cells survive.

``keep_output=None`` is the command line's default: outputs are stripped unless the notebook's
metadata or a cell's tags ask to keep them, exactly as the filter does.
"""

import hashlib
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import nbformat
from nbstripout import strip_output

NOTEBOOK_SUFFIX = ".ipynb"

DEFAULT_EXTRA_KEYS = (
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
)
"""The keys nbstripout's command line always strips (``nbstripout._nbstripout.main``)."""

# warnings.catch_warnings swaps process-wide state; concurrent threads must not interleave it.
_warnings_guard = threading.Lock()


@contextmanager
def quiet_nbformat() -> Iterator[None]:
    """Ignore nbformat's UserWarnings (as nbstripout does), one thread at a time."""
    with _warnings_guard, warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        yield


def is_notebook(path: str) -> bool:
    return path.endswith(NOTEBOOK_SUFFIX)


def stored_notebook(data: bytes) -> tuple[bytes, str | None]:
    """``(stripped bytes, None)``, or ``(data, reason)`` when ``data`` cannot be stripped.

    A notebook that is not UTF-8, not JSON or not a notebook nbstripout understands is stored as
    it is (the filter would refuse it and ``git add`` would fail); the reason says why.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data, "it is not UTF-8 text"
    with quiet_nbformat():
        try:
            notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        except nbformat.reader.NotJSONError:
            return data, "it is not valid JSON"
        except Exception as exc:
            return data, f"it is not a notebook nbformat can read ({exc})"
        try:
            strip_output(
                notebook,
                keep_output=None,
                keep_count=False,
                keep_id=True,
                extra_keys=list(DEFAULT_EXTRA_KEYS),
            )
            stripped = _write_validated(notebook) + "\n"
        except Exception as exc:
            return data, f"nbstripout could not strip it ({exc})"
    return stripped.encode("utf-8"), None


def _write_validated(notebook: nbformat.NotebookNode) -> str:
    """``nbformat.writes(notebook)`` for a notebook ``nbformat.reads`` has just validated.

    ``writes`` validates again before writing; stripping cannot make a valid notebook invalid
    and the first validation already repaired what it repairs (duplicate cell ids), so the
    second would cost a third of the snapshot's time and change nothing.
    """
    version, _ = nbformat.reader.get_version(notebook)
    return nbformat.versions[version].writes_json(notebook)


def strip_for_storage(path: str, data: bytes) -> tuple[bytes, str | None]:
    """What a snapshot stores for ``path``: stripped if it is a notebook, else ``data``."""
    if is_notebook(path):
        return stored_notebook(data)
    return data, None


def blob_id(data: bytes) -> str:
    """The SHA-1 git object id of a blob with ``data`` (as ``git hash-object`` computes it)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
