"""Domain exceptions: raised inside the service layer, turned into typed results at the edge.

The API maps each class to an `ErrorCode`; the CLI prints `message` on one line and exits 1.
Anything that is not one of these is a bug and is masked before it reaches a client.
"""

from __future__ import annotations


class MaestroError(Exception):
    """Base of the errors a user can cause and understand."""

    code = "INTERNAL"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(MaestroError):
    code = "INVALID_INPUT"


class NotFound(MaestroError):
    code = "NOT_FOUND"


class Conflict(MaestroError):
    code = "CONFLICT"


class Unauthenticated(MaestroError):
    """No credential, or one that is wrong, expired or revoked, where one is needed."""

    code = "UNAUTHENTICATED"


class Forbidden(MaestroError):
    code = "FORBIDDEN"


class StoreUnavailable(MaestroError):
    code = "STORE_UNAVAILABLE"


class Timeout(MaestroError):
    """The work did not finish within its time budget and was stopped."""

    code = "TIMEOUT"


class ServerAlreadyRunning(MaestroError):
    """A second server was asked to serve a data directory that one already serves."""

    code = "ALREADY_RUNNING"


class NoModel(MaestroError):
    """The question needs a trained model (or a task it could not learn): run `maestro train`."""

    code = "NO_MODEL"
