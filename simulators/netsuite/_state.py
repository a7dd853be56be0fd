"""One tenant's NetSuite state, built by ``NetSuiteDialect.new_state`` and rebuilt on reset
(credentials and the default service item also live in store meta)."""

from __future__ import annotations

from dataclasses import dataclass

from simulators.engine import ConcurrencyLimit, Tenant


@dataclass(slots=True)
class NetSuiteState:
    #: the account's concurrent request slots
    limit: ConcurrencyLimit
    #: the service item a timeBill without one gets (seeded per tenant)
    default_service_item: str | None = None
    #: whether the SuiteQL views exist on the tenant's connection
    suiteql_views: bool = False


def state_of(tenant: Tenant) -> NetSuiteState:
    st: NetSuiteState = tenant.state
    return st
