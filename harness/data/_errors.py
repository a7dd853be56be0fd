"""Errors raised by the data layer.

Tree::

    HarnessError         (harness._errors) root of every error the harness raises
    └── DataError        a firm could not be generated or written
"""

from __future__ import annotations

from harness._errors import HarnessError


class DataError(HarnessError):
    """A firm could not be generated or written; the hint says what to change."""
