"""Errors a person can act on. Handlers turn them into ``{"error", "message"}`` with a 4xx."""


class MoietyError(Exception):
    status = 400
    code = "bad-request"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidInput(MoietyError):
    code = "invalid"


class NotFound(MoietyError):
    status = 404
    code = "not-found"


class Forbidden(MoietyError):
    status = 403
    code = "forbidden"


class Conflict(MoietyError):
    status = 409
    code = "conflict"


class TooLarge(MoietyError):
    status = 413
    code = "too-large"


class NotLoggedIn(Forbidden):
    code = "session"
