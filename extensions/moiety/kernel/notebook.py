"""Where kernel code runs: its notebook's path in the project and the cell being run.

- The notebook: jupyter_server starts a notebook's kernel with ``JPY_SESSION_NAME`` in its
  environment (``SessionManager.get_kernel_env``): the session's API path, or, when JupyterLab
  names the session (it does), the notebook's absolute path on the server's disk. The path in
  the project is that path relative to the server's root, which the hub's spawner gives the
  server as ``JUPYTERHUB_ROOT_DIR``. A notebook renamed after its kernel started keeps the name
  it had then; a kernel started without a notebook (the console, the kernels API) has none.
- The cell: JupyterLab puts the cell's id in the metadata of each ``execute_request``
  (``cellId``, as @jupyterlab/cells does), which ipykernel keeps as the parent of the code it
  runs (``Kernel.get_parent``). Code run by a comm message (a button's click) has another
  parent, so a widget learns its cell when it is created or displayed.

Standard library only; IPython is imported only when a kernel asks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import PurePosixPath

_DRIVE = re.compile(r"^[\w-]+:(?!/)")
_BACKTICKS = re.compile(r"`+")


def notebook_path(environ: Mapping[str, str] | None = None) -> str | None:
    """The path of this kernel's notebook from the server's root (``notebooks/x.ipynb``), or
    None when the kernel does not know it or it lies outside the root."""
    environ = os.environ if environ is None else environ
    name = environ.get("JPY_SESSION_NAME", "").strip()
    if not name:
        return None
    if not os.path.isabs(name):
        relative = _DRIVE.sub("", name).lstrip("/")  # e.g. a collaborative drive's "RTC:"
    else:
        root = environ.get("JUPYTERHUB_ROOT_DIR", "").strip()
        if not root:
            return None
        root = os.path.realpath(os.path.expanduser(root))
        full = os.path.realpath(name)
        if os.path.commonpath([root, full]) != root:
            return None
        relative = os.path.relpath(full, root).replace(os.sep, "/")
    parts = PurePosixPath(relative).parts
    if not parts or any(part in ("", ".", "..") for part in parts):
        return None
    return "/".join(parts)


def current_cell_id() -> str | None:
    """The id of the notebook cell whose code is running now, if the front end said it."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - kernels have IPython
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    get_parent = getattr(kernel, "get_parent", None)
    if get_parent is None:
        return None
    try:
        parent = get_parent() or {}
    except LookupError:
        return None
    metadata = parent.get("metadata") or {}
    cell_id = metadata.get("cellId") if isinstance(metadata, dict) else None
    return cell_id if isinstance(cell_id, str) and 0 < len(cell_id) <= 255 else None


def code_span(text: str) -> str:
    """``text`` as a markdown code span, whatever backticks it holds."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
