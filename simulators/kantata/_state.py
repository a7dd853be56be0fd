"""One tenant's Kantata state, built by ``KantataDialect.new_state`` and rebuilt on reset.

What must outlive a reset (the tenant's token) is written to store meta on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.engine import Tenant, TokenBucket

from ._limits import EndpointBuckets


@dataclass(slots=True)
class KantataState:
    #: the account id every record of the tenant carries
    account_id: int | None = None
    #: where the tenant's record ids start (tenants never share an id)
    id_base: int = 0
    #: the tenant's OAuth client and bearer token
    credentials: dict[str, Any] | None = None
    #: the general rate limit (None: not created yet, or no limit configured)
    bucket: TokenBucket | None = None
    #: the per-endpoint limits, created on first use
    endpoint_buckets: EndpointBuckets | None = None
    #: collection -> the last id handed out, read from the store on first use (``_ids``)
    ids: dict[str, int] = field(default_factory=dict)
    #: the highest workspace id a time entry, expense, submission or story points at; None:
    #: read from the store when next needed (``_linked``)
    linked_top: int | None = None


def state_of(tenant: Tenant) -> KantataState:
    st: KantataState = tenant.state
    return st
