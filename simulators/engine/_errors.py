"""Error types of the simulator engine.

Hierarchy::

    SimulatorError                 root: anything the simulators raise on purpose
    ├── ConfigError                invalid simulator settings or admin request
    └── HttpError                  a request answered with a vendor error (status, code, message)
        └── NotFoundError          no such route, record or tenant
"""

from __future__ import annotations

from typing import Any, TypedDict


class SimulatorError(Exception):
    """Root of every error the simulators raise on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class ConfigError(SimulatorError):
    """Invalid settings or admin input; the admin API answers 400 with the message."""


class ErrorDetail(TypedDict, total=False):
    """What a vendor's named error factory passes on to ``HttpError`` besides the message."""

    fields: list[str] | None
    headers: dict[str, str] | None
    extra: dict[str, Any] | None


class HttpError(SimulatorError):
    """Raised by handlers; the dialect turns it into the vendor's error body.

    ``code`` is the vendor error code (e.g. ``REQUIRED_FIELD_MISSING``), ``fields`` the
    fields concerned, ``extra`` dialect-specific detail (e.g. NetSuite's ``o:errorPath``).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: list[str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.fields = fields or []
        self.headers = headers or {}
        self.extra = extra or {}

    def __repr__(self) -> str:
        """``HttpError(status=404, code='NOT_FOUND', message='...')`` in logs and pytest output."""
        name = type(self).__name__
        return f"{name}(status={self.status}, code={self.code!r}, message={self.message!r})"


class NotFoundError(HttpError):
    def __init__(self, code: str, message: str, **kw: Any) -> None:
        super().__init__(404, code, message, **kw)
