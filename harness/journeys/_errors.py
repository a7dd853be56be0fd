"""Errors of a journey: a step or an invariant that did not hold.

These are findings about the system under test, not misuse of the harness: the runner
records them in the journey's result (exit code 1) instead of letting them escape.
"""

from __future__ import annotations

from .._errors import HarnessError


class JourneyFailure(HarnessError):
    """A journey step failed: a vendor call was refused or an expected effect never came."""


class WaitTimeout(JourneyFailure):
    """A wait-for long-poll on a simulator ended without a match."""


class TargetDown(JourneyFailure):
    """The stack under test crashed at start-up or never got healthy: the gate fails."""
