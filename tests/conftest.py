"""Moiety's test suite.

Fixtures come from plugin modules in ``tests/moiety_testing/`` (listed in ``pytest_plugins``):

- ``moiety_testing.hub``: ``hub`` (a real JupyterHub with the real proxy and the Moiety service,
  started by ``moiety demo`` from ``hub_config/`` on free ports in a temporary data directory);
  its methods log people in through the real login form, make tokens and start servers.
- ``moiety_testing.browser``: ``browser`` (Debian's Chromium driven by Playwright); helpers
  ``log_in`` (a context logged in through the hub's login page) and ``screenshot``.
- ``moiety_testing.database``: ``db_url`` (a fresh service database, SQLite and PostgreSQL).
- ``moiety_testing.projects``: ``activity_hub`` (a second hub with short activity periods, whose
  project servers reach the service through a relay tests can take down); helpers to open,
  kill and restart project servers, call them as a person, follow the live feed, and edit a
  notebook collaboratively over the real websocket (``YClient``).
"""

pytest_plugins = [
    "moiety_testing.database",
    "moiety_testing.hub",
    "moiety_testing.browser",
    "moiety_testing.projects",
]
