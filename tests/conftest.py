"""Moiety's test suite.

Fixtures come from plugin modules in ``tests/moiety_testing/`` (listed in ``pytest_plugins``):

- ``moiety_testing.hub``: ``hub`` (a real JupyterHub with the real proxy and the Moiety service,
  started from ``hub_config/`` in a temporary data directory), ``login`` (a logged-in
  ``requests`` session for a demo user).
"""

pytest_plugins = ["moiety_testing.database", "moiety_testing.hub"]
