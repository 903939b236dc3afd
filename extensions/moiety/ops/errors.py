"""The one error of the operations package: something a person has to fix, said plainly."""


class OpsError(Exception):
    """A backup, restore or check cannot go on; the message says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
