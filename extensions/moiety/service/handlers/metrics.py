"""``GET /services/moiety/metrics``: Prometheus metrics (text format), outside ``/api``.

Readable with any hub token the service accepts (``access:services!service=moiety``, which
every user has): the numbers are counts and timings, never names or contents. A scraper uses a
token of its own hub service or user with that scope.
"""

from tornado import web

from ..base import BaseHandler
from ..metrics import CONTENT_TYPE


class MetricsHandler(BaseHandler):
    def get(self):
        if self.current_user is None:
            raise web.HTTPError(
                403, "Send a hub API token with access to the moiety service to read metrics."
            )
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(self.moiety.metrics.exposition())

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(exc, "log_message", None) or "The metrics could not be read."
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code}: {message}\n")


default_handlers = [(r"metrics", MetricsHandler)]
