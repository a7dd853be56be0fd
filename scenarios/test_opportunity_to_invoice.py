"""Opportunity to invoice, one deal per billing model, against the embedded stack.

Run with ``python -m pytest scenarios``; ``HARNESS_SEED`` picks the firm. The same
journeys ``harness run`` plays, judged by the same invariants.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.journeys import SUITES
from harness.journeys._invariants import INVARIANTS


@pytest.mark.parametrize("journey", list(SUITES["billing"]))
def test_opportunity_to_invoice(harness_session: Any, journey: str) -> None:
    result = harness_session.play(journey)
    assert result.ok, "\n".join(result.failures)
    assert all(i.ok for i in result.invariants) and len(result.invariants) == len(INVARIANTS)
