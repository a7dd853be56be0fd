"""Settings of the PSA simulator (one object, validated once).

Facts the public Kantata OX documentation leaves open are settings here, with the most
likely value as the default (see the project's vendor notes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulators.engine import settings_from_mapping

from ._limits import ENDPOINT_LIMITS, RETRY_AFTER, check


@dataclass(slots=True)
class KantataSettings:
    #: bearer token of the default tenant; other tenants get a random one
    token: str = "kantata-sim-token"
    #: OAuth application of the default tenant (authorization-code flow at /oauth/token)
    client_id: str = "kantata-sim-client"
    client_secret: str = "kantata-sim-secret"
    #: id and name of the account administrator the tokens act as
    api_user_id: str = "1"
    api_user_name: str = "Integration Admin"
    api_user_email: str = "integration@ps-harness.example"
    account_id: int = 100
    #: paging (Brainstem defaults); time_entries allows more per the vendor's gem
    default_per_page: int = 20
    max_per_page: int = 200
    time_entries_max_per_page: int = 5000
    max_bulk_create: int = 100
    #: sustained requests per second and burst per tenant before 429 (None: unlimited);
    #: Kantata publishes no numbers, both are guesses (docs/vendor-variants.md)
    rate_limit_per_second: float | None = 50.0
    rate_limit_burst: float = 200.0
    #: Retry-After on a 429: "off" (Kantata documents no such header) or "seconds"
    retry_after: str = "off"
    #: the operations Kantata names as limited on their own (GET/POST workspaces, custom
    #: field values, invitations, snapshots): "guessed" (buckets below) or "off"
    endpoint_limits: str = "guessed"
    #: guessed rate and burst of each per-endpoint bucket (Kantata publishes no numbers)
    endpoint_limit_per_second: float = 10.0
    endpoint_limit_burst: float = 50.0

    def __post_init__(self) -> None:
        check("retry_after", self.retry_after, RETRY_AFTER)
        check("endpoint_limits", self.endpoint_limits, ENDPOINT_LIMITS)
        if self.endpoint_limit_per_second <= 0 or self.endpoint_limit_burst < 1:
            raise ValueError("endpoint_limit_per_second must be > 0 and endpoint_limit_burst >= 1")

    #: new workspaces require timesheet approval unless the request says otherwise
    default_require_time_approvals: bool = True
    default_currency: str = "USD"
    #: scalar foreign keys (workspace_id, user_id ...) shown without ``include``; the
    #: vendor's reference says they appear only with their association included
    foreign_keys_without_include: bool = True
    #: subscribed events carry their payloads only when requested through optional_fields
    event_payloads_optional: bool = False
    #: unknown attributes in a create/update body: ignored (Rails strong parameters) or 422
    reject_unknown_fields: bool = False
    #: UTC offset of timestamps written, e.g. "+00:00" or "-07:00"
    utc_offset: str = "+00:00"

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> KantataSettings:
        """Settings from a mapping (a harness.toml section); an unknown key is an error."""
        return settings_from_mapping(cls, section, "kantata", None)
