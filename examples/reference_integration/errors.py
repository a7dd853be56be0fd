"""Typed errors: every failure says which system, what happened and what to do about it."""

from __future__ import annotations


class IntegrationError(Exception):
    """Root of every error the reference integration raises."""

    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint or self.hint

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{msg} ({self.hint})" if self.hint else msg


class ConfigurationError(IntegrationError):
    """Settings are missing or wrong; nothing was called."""


class VendorError(IntegrationError):
    """A vendor API refused a call. ``retryable`` errors are retried, the rest dead-letter."""

    def __init__(
        self,
        system: str,
        status: int,
        code: str,
        message: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(f"{system} answered {status} {code}: {message}", hint)
        self.system = system
        self.status = status
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after


class RateLimited(VendorError):
    """The vendor's own rate-limit or concurrency signal; retried after its delay."""

    def __init__(
        self, system: str, status: int, code: str, message: str, retry_after: float | None
    ) -> None:
        super().__init__(
            system,
            status,
            code,
            message,
            retryable=True,
            retry_after=retry_after,
            hint="slow down; the call is retried after the vendor's delay",
        )


class SessionExpired(VendorError):
    """The access token expired or was revoked; the client gets a new one and retries once."""

    def __init__(self, system: str, status: int, code: str, message: str) -> None:
        super().__init__(system, status, code, message, retryable=True)


class NotReady(IntegrationError):
    """A prerequisite is not there yet (e.g. time for a project not set up); retried later."""


class Unprocessable(IntegrationError):
    """The event cannot be processed as is; it goes to the dead-letter store for a person."""
