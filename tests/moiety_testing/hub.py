"""Fixtures that start a real JupyterHub with the real proxy and the Moiety service."""
