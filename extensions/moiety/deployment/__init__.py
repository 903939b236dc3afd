"""How a Moiety deployment is described (``hub_config/moiety.toml``) and turned into hub config."""

from .settings import Deployment, load_deployment

__all__ = ["Deployment", "load_deployment"]
