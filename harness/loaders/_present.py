"""Whether simulators that outlive a run (``harness up`` elsewhere) already hold the firm.

A second run against the same simulators must not load the firm again (its ids exist),
and an empty tenant must get it. The check compares record counts per type with what
the firm's mappings would load (journeys only add records).
"""

from __future__ import annotations

from typing import Any

from harness.data import Firm

from ..stack._endpoints import simulator_endpoints
from ._load import MAPPINGS


def firm_present(firm: Firm, held: dict[str, dict[str, int]], endpoints: dict[str, Any]) -> bool:
    """``held``: system -> record type -> count, as the admin API reports the tenant.

    Totals per system are compared (a simulator may store a wire type under another name,
    e.g. Workday ``workers`` as ``Worker``): every system at least the firm's records.
    """
    for system, ep in simulator_endpoints(endpoints):
        mapping = MAPPINGS.get(ep["vendor"])
        if mapping is None:
            continue
        expected = sum(len(records) for _, records in mapping(firm))
        if sum(held.get(system, {}).values()) < expected:
            return False
    return True
