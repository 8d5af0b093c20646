"""Typed errors of the emulated API. One handler in :mod:`mock_server.api` renders them."""

from __future__ import annotations


class ApiError(Exception):
    """An error with an HTTP status, rendered in the real API's ``{"message": ...}`` shape."""

    status = 500

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(ApiError):
    """Invalid input. ``model_state`` maps each bad parameter or field to what is wrong with it."""

    status = 400

    def __init__(self, model_state: dict[str, list[str]], message: str | None = None) -> None:
        super().__init__(message or "The request is invalid.")
        self.model_state = model_state

    @classmethod
    def for_field(cls, name: str, problem: str) -> BadRequest:
        """Build the error for a single bad field."""
        return cls({name: [problem]})


class Problems:
    """The problems found in a request body, collected so that one 400 names every bad field."""

    def __init__(self) -> None:
        self.state: dict[str, list[str]] = {}

    def add(self, name: str, problem: str) -> None:
        """Record ``problem`` against the field ``name``."""
        self.state.setdefault(name, []).append(problem)

    def __contains__(self, name: str) -> bool:
        return name in self.state

    def raise_any(self) -> None:
        """Raise :class:`BadRequest` with everything recorded, if anything was."""
        if self.state:
            raise BadRequest(self.state)


class Unauthorized(ApiError):
    """A missing or unusable key, or an action beyond the caller's access.

    ``reason`` is a short machine-readable cause; the body keeps the real API's generic message.
    """

    status = 401
    DENIED = "Authorization has been denied for this request."

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(self.DENIED, status=status)
        self.reason = reason


class NotFound(ApiError):
    """An unknown organisation, record or route."""

    status = 404


class QuotaExceeded(ApiError):
    """A call over the organisation's daily quota. ``retry_after`` is seconds until it resets."""

    status = 429

    def __init__(self, message: str, retry_after: int, *, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class NotImplementedOperation(ApiError):
    """An operation of the real API that the emulator deliberately does not perform."""

    status = 501

    def __init__(self, operation: str) -> None:
        super().__init__(
            f"synergy-mock does not implement {operation}. "
            "See docs/fidelity.md for what is emulated."
        )
