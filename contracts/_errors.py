"""The contracts package's one error type."""

from __future__ import annotations


class ContractError(Exception):
    """A contract, release name or release profile that cannot be used; says what and how to fix."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message
