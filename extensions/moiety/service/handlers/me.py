"""``GET /api/me``: who the caller is, in Moiety's terms."""

from ..base import APIHandler


class MeHandler(APIHandler):
    async def get(self):
        self.write_json(self.caller.as_json())


class HealthHandler(APIHandler):
    requires_login = False

    async def get(self):
        from ... import __version__

        self.write_json({"name": "moiety", "version": __version__, "ok": True})


default_handlers = [(r"api/me", MeHandler), (r"api/health", HealthHandler)]
