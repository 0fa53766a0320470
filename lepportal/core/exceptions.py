"""The one exception type for broken business rules. Views map it to a 400 (or 409 for
conflicts) with its message shown to the user; the API maps it to an error body."""

from __future__ import annotations


class ApplicationError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
