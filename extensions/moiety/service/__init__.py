"""The Moiety service: a JupyterHub-managed Tornado app that owns the social data."""
