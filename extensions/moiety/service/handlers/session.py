"""The page that opens a browser session with the service.

JupyterHub sets the service's ``_xsrf`` cookie only on navigation requests, which ``fetch`` can
never make. The JupyterLab extension therefore loads this page in a hidden iframe: the hub's
OAuth dance happens inside it, and the page hands the XSRF token to its parent window by
``postMessage`` to its own origin only.
"""

import json
from html import escape

from tornado import web

from ..base import BaseHandler

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Moiety session</title></head>
<body data-session="{session}">
<script>
  const session = JSON.parse(document.body.dataset.session);
  if (window.parent !== window) {{
    window.parent.postMessage(
      Object.assign({{type: "moiety:session"}}, session), window.location.origin);
  }}
  document.body.textContent = "Signed in to Moiety as " + session.user + ".";
</script>
</body></html>
"""


class SessionHandler(BaseHandler):
    @web.authenticated
    def get(self):
        session = {"xsrf": self.xsrf_token.decode("ascii"), "user": self.current_user["name"]}
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; frame-ancestors 'self'",
        )
        self.finish(PAGE.format(session=escape(json.dumps(session), quote=True)))


default_handlers = [(r"session", SessionHandler)]
