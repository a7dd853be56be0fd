"""The firm's journeys against the stack under test, one test per journey, marked by suite.

Run with ``python -m pytest scenarios`` (``-m "journey"``, ``--harness-target stack.toml``);
``HARNESS_SEED`` picks the firm. The same journeys ``harness run`` plays, judged by the
same invariants.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.journeys import INVARIANTS, JOURNEYS

CASES = [
    pytest.param(key, marks=pytest.mark.journey(spec.suite), id=key)
    for key, spec in JOURNEYS.items()
]


@pytest.mark.parametrize("journey", CASES)
def test_journey(harness_session: Any, journey: str) -> None:
    result = harness_session.play(journey)
    assert result.ok, "\n".join(result.failures)
    assert len(result.invariants) == len(INVARIANTS) + len(JOURNEYS[journey].invariants)
