"""Error types of the harness.

Hierarchy::

    HarnessError             root: every error the harness raises on purpose
    ├── ConfigurationError   settings or command-line input that cannot work
    └── StackError           a simulator or the system under test failed to start or answer
"""

from __future__ import annotations


class HarnessError(Exception):
    """Root of the harness's errors; carries a hint saying what to do next."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class ConfigurationError(HarnessError):
    """Settings or command-line input that cannot work."""


class StackError(HarnessError):
    """A simulator or the system under test failed to start or to answer."""
