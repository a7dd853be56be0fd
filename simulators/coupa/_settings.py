"""Settings of the procurement simulator (Coupa Core API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulators.engine import settings_from_mapping


@dataclass(frozen=True, slots=True)
class CoupaSettings:
    #: OAuth 2.0 client of the default tenant (Setup > OAuth2/OpenID Connect Clients)
    client_id: str = "coupa-sim-client-0000000000000000"
    client_secret: str = "coupa-sim-secret-000000000000000000000000"
    #: access tokens last 24 hours (Coupa advises refreshing every 20)
    token_ttl_seconds: float = 86_400.0
    #: Coupa: 25 requests per second per instance, bursts of 20 queued
    rate_limit_per_second: float = 25.0
    rate_limit_burst: int = 20
    #: at most 50 records a GET returns (``limit`` and ``offset`` page through the rest)
    page_size: int = 50
    #: custom fields an order or invoice header may carry (``custom-fields``)
    custom_fields: tuple[str, ...] = ("project-code", "erp-job", "psa-assignment")
    #: a matched invoice within this share above the order line is approved on submit
    invoice_tolerance: float = 0.0
    scopes: tuple[str, ...] = field(
        default=(
            "core.supplier.read",
            "core.supplier.write",
            "core.purchase_order.read",
            "core.purchase_order.write",
            "core.inventory.receiving.read",
            "core.inventory.receiving.write",
            "core.invoice.read",
            "core.invoice.write",
        )
    )

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> CoupaSettings:
        """Settings from a config section; an unknown key is an error, not ignored."""
        return settings_from_mapping(cls, section, "coupa")
