"""Where kernel code runs: the notebook's path as jupyter_server tells the kernel, and the cell
id JupyterLab sends with each execution, read back as ipykernel keeps it."""

import pytest

from moiety.kernel.notebook import code_span, current_cell_id, notebook_path


@pytest.mark.parametrize(
    ("environ", "path"),
    [
        (
            {
                "JPY_SESSION_NAME": "/srv/p/egfr/notebooks/a.ipynb",
                "JUPYTERHUB_ROOT_DIR": "/srv/p/egfr",
            },
            "notebooks/a.ipynb",
        ),
        (
            {"JPY_SESSION_NAME": "/srv/p/egfr/a.ipynb", "JUPYTERHUB_ROOT_DIR": "/srv/p/egfr/"},
            "a.ipynb",
        ),
        ({"JPY_SESSION_NAME": "notebooks/a.ipynb"}, "notebooks/a.ipynb"),
        ({"JPY_SESSION_NAME": "RTC:notebooks/a.ipynb"}, "notebooks/a.ipynb"),
        ({"JPY_SESSION_NAME": "/srv/p/other/a.ipynb", "JUPYTERHUB_ROOT_DIR": "/srv/p/egfr"}, None),
        ({"JPY_SESSION_NAME": "/srv/p/egfr2/a.ipynb", "JUPYTERHUB_ROOT_DIR": "/srv/p/egfr"}, None),
        ({"JPY_SESSION_NAME": "/srv/p/egfr/a.ipynb"}, None),
        ({"JPY_SESSION_NAME": "../a.ipynb"}, None),
        ({"JPY_SESSION_NAME": "/srv/p/egfr", "JUPYTERHUB_ROOT_DIR": "/srv/p/egfr"}, None),
        ({"JPY_SESSION_NAME": ""}, None),
        ({}, None),
    ],
)
def test_the_notebook_path_is_relative_to_the_servers_root(environ, path):
    assert notebook_path(environ) == path


def test_code_spans_hold_any_backticks():
    assert code_span("a.ipynb") == "`a.ipynb`"
    assert code_span("a`b.ipynb") == "``a`b.ipynb``"
    assert code_span("`a``") == "``` `a`` ```"


class FakeKernel:
    def __init__(self, parent):
        self.parent = parent

    def get_parent(self):
        return self.parent


class FakeShell:
    def __init__(self, parent):
        self.kernel = FakeKernel(parent)


@pytest.mark.parametrize(
    ("parent", "cell_id"),
    [
        ({"metadata": {"cellId": "4f1c-9a"}, "header": {"msg_type": "execute_request"}}, "4f1c-9a"),
        ({"metadata": {}}, None),
        ({"metadata": {"cellId": 7}}, None),
        ({"metadata": {"cellId": "x" * 256}}, None),
        ({}, None),
    ],
)
def test_the_cell_id_comes_from_the_execute_request(monkeypatch, parent, cell_id):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: FakeShell(parent))
    assert current_cell_id() == cell_id


def test_outside_a_kernel_there_is_no_cell(monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert current_cell_id() is None
