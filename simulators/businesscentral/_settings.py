"""Settings of the Business Central simulator (one object, validated once).

Documented facts are defaults; what the public documentation leaves open is a named
setting whose docstring says it is a guess, so a run can be tuned to a real environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulators.engine import settings_from_mapping


@dataclass(slots=True)
class BusinessCentralSettings:
    #: Microsoft Entra tenant id of the default tenant (other tenants get derived ones)
    aad_tenant_id: str = "7e5f0b1c-3a7d-4c1e-9d2b-5b0c2a6f1e01"
    #: environment name in the URL (production or a sandbox name)
    environment: str = "production"
    #: app registration of the default tenant (client credentials)
    client_id: str = "3c1a9b52-7d44-4f0e-8e2a-6a9d0c5e7b11"
    client_secret: str = "bc-sim-client-secret-00000000000000000000"
    #: name of the company every tenant starts with
    company_name: str = "CRONUS USA, Inc."
    access_token_seconds: int = 3599
    #: OData requests per user in a sliding window (documented: 6,000 per 5 minutes)
    rate_limit_requests: int = 6000
    rate_limit_window_seconds: float = 300.0
    #: concurrent requests per user (documented: 5; up to 95 more are queued, not refused)
    max_concurrent_requests: int = 5
    #: Retry-After seconds sent with a 429; the documentation does not promise the header
    #: (a guess: set to 0 to leave it out)
    retry_after_seconds: int = 30
    #: error code of a throttled request (a guess: the public pages give only the status)
    throttle_error_code: str = "Application_TooManyRequests"
    #: server-driven page size (documented maximum 20,000 entities per page)
    max_page_size: int = 20_000
    #: PATCH and DELETE without If-Match are refused (BadRequest_InvalidToken)
    require_if_match: bool = True
    #: webhook subscriptions expire after three days unless renewed
    subscription_days: float = 3.0
    #: subscriptions per environment (documented: 200)
    max_subscriptions: int = 200
    #: notifications are gathered this long before a batch is sent (the service waits
    #: up to about 30 seconds; the simulator defaults to one second to keep runs short)
    notification_delay_seconds: float = 1.0
    #: more changes than this in one batch become one "collection" notification
    collection_threshold: int = 1000
    #: HTTP status of a duplicate key (a guess: the documentation names only the code)
    duplicate_key_status: int = 400

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> BusinessCentralSettings:
        """Settings from a mapping (a settings-file section); an unknown key is an error."""
        return settings_from_mapping(cls, m, "businesscentral")

    def __post_init__(self) -> None:
        if self.rate_limit_requests < 1 or self.rate_limit_window_seconds <= 0:
            raise ValueError("rate_limit_requests and rate_limit_window_seconds must be positive")
        if self.max_concurrent_requests < 1:
            raise ValueError("max_concurrent_requests must be at least 1")
        if not 1 <= self.max_page_size <= 20_000:
            raise ValueError("max_page_size must be between 1 and 20000")
        if self.notification_delay_seconds < 0:
            raise ValueError("notification_delay_seconds must be >= 0")
