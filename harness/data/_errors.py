"""Errors raised by the data layer.

Tree::

    DataError            any failure to build or write a generated firm
"""

from __future__ import annotations


class DataError(Exception):
    """A firm could not be generated or written; the message says what to change."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} ({hint})" if hint else message)
