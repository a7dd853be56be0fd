"""One org's (tenant's) Salesforce state, built by ``SalesforceDialect.new_state`` and
rebuilt on reset. What must outlive a reset or a restart (the id space, credentials,
refresh tokens, lockouts) is in store meta as well."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulators.engine import RollingQuota, Tenant

if TYPE_CHECKING:
    from .bulk1._model import Job as Bulk1Job
    from .bulk2._jobs import Job as Bulk2Job
    from .streaming._outbound import OutboundLog
    from .streaming._replay_ids import ChannelReplayIds
    from .streaming._sessions import TenantStreams


@dataclass(slots=True)
class SalesforceState:
    #: the daily API request allocation and its use
    quota: RollingQuota
    #: the org's record id space (no two orgs of one simulator share an id)
    id_space: int | None = None
    org_id: str | None = None
    #: the integration user every write is made by
    user_id: str = ""
    standard_pricebook: str | None = None
    #: the connected app and user credentials
    credentials: dict[str, str] | None = None
    #: open query cursors (nextRecordsUrl), oldest first
    cursors: OrderedDict[str, Any] = field(default_factory=OrderedDict)
    bulk1_jobs: dict[str, Bulk1Job] = field(default_factory=dict)
    bulk2_jobs: dict[str, Bulk2Job] = field(default_factory=dict)
    #: Streaming API clients (None: no client yet), replay ids per channel, outbound messages
    streams: TenantStreams | None = None
    replay_ids: ChannelReplayIds | None = None
    outbound: OutboundLog | None = None


def state_of(tenant: Tenant) -> SalesforceState:
    st: SalesforceState = tenant.state
    return st
