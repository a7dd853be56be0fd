"""The governanceLimits operation: the account's concurrency limit as integrations see it.

Shape as documented for GET /services/rest/system/v1/governanceLimits. The simulator has
no per-integration allocations, so every integration gets ``accountLimit`` and the whole
account limit is unallocated. Current usage (requests in flight, counting this one, and
requests rejected so far) travels in response headers, not in the documented body.
"""

from __future__ import annotations

from collections.abc import Callable

from simulators.engine import ConcurrencyLimit, Request, Response, Tenant

from ._wire import JSON_CT, json_response

GOVERNANCE_PATH = "/services/rest/system/v1/governanceLimits"
IN_FLIGHT_HEADER = "x-netsuite-concurrency-in-flight"
REJECTED_HEADER = "x-netsuite-concurrency-rejected"


class GovernanceLimits:
    """Reads the tenant's ConcurrencyLimit through the dialect's accessor."""

    def __init__(self, limit: Callable[[Tenant], ConcurrencyLimit]) -> None:
        self.limit = limit

    def get(self, req: Request) -> Response:
        assert req.tenant is not None
        lim = self.limit(req.tenant)
        body = {
            "accountConcurrencyLimit": lim.max,
            "accountUnallocatedConcurrencyLimit": lim.max,
            "integrationLimitType": "accountLimit",
        }
        return json_response(
            body,
            content_type=JSON_CT,
            headers=[
                (IN_FLIGHT_HEADER, str(lim.in_flight)),
                (REJECTED_HEADER, str(lim.rejected)),
            ],
        )
