"""The concurrency governance limit as the engine's admin API serves it
(``/__admin/tenants/{t}/limits``, also under ``.../netsuite/limits``)."""

from __future__ import annotations

from typing import Any

from simulators.engine import ConcurrencyLimit

from ._errors import invalid_input


class ConcurrencyLimiter:
    """``{"concurrency", "in_flight", "rejected"}``; a PUT sets the limit or the calls in flight."""

    def __init__(self, limit: ConcurrencyLimit) -> None:
        self.limit = limit

    def to_dict(self) -> dict[str, Any]:
        lim = self.limit
        return {"concurrency": lim.max, "in_flight": lim.in_flight, "rejected": lim.rejected}

    def configure(self, body: dict[str, Any]) -> None:
        lim = self.limit
        try:
            if "concurrency" in body:
                lim.max = max(0, int(body["concurrency"]))
            if "in_flight" in body:
                lim.in_flight = max(0, int(body["in_flight"]))
        except (TypeError, ValueError):
            raise invalid_input("concurrency and in_flight must be integers") from None
