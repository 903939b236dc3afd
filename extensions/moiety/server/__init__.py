"""The Moiety server extension, loaded by every single-user server.

In a project server (``MOIETY_PROJECT`` set by the hub) it also versions the project folder
and reports file activity to the service.
"""

from .app import MoietyServer


def _jupyter_server_extension_points():
    return [{"module": "moiety.server", "app": MoietyServer}]


__all__ = ["MoietyServer"]
