"""Settings of the ERP simulator (one object, validated once).

Facts the public documentation leaves open are settings here, defaulting to the most
likely value, so a run can be tuned to match a real account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from simulators.engine import settings_from_mapping

from ._variants import CONCURRENCY_RESPONSES, SUITEQL_TRANSIENT, SYNC_IDEMPOTENCY_KEY, check

ValidationMode = Literal["error", "warning", "ignore"]


@dataclass(slots=True)
class NetSuiteSettings:
    #: account id of the default tenant (realm of TBA signatures)
    account_id: str = "1234567_SB1"
    # TBA credentials of the default tenant (other tenants get random ones)
    consumer_key: str = "ns-sim-consumer-key-0000000000000000000000000000000000000000000000"
    consumer_secret: str = "ns-sim-consumer-secret-000000000000000000000000000000000000000000"
    token_id: str = "ns-sim-token-id-00000000000000000000000000000000000000000000000000000"
    token_secret: str = "ns-sim-token-secret-0000000000000000000000000000000000000000000000000"
    # OAuth 2.0 client credentials (M2M) of the default tenant
    oauth2_client_id: str = "ns-sim-oauth2-client-id-000000000000000000000000000000000000000000"
    certificate_id: str = "ns-sim-certificate-0001"
    #: key type of the generated certificate: "EC" (ES256) or "RSA" (PS256)
    key_type: Literal["EC", "RSA"] = "EC"
    #: where private key PEM files are written; None means a fresh temporary directory
    key_dir: Path | None = None
    access_token_seconds: int = 3600
    #: accepted clock skew of oauth_timestamp in seconds; None accepts any timestamp
    timestamp_tolerance_seconds: float | None = 300.0
    #: account-wide concurrent request slots (shared service tier: 5)
    concurrency_limit: int = 5
    #: artificial processing time per request (lets tests exceed the concurrency limit)
    processing_delay_ms: float = 0.0
    #: behaviour without an X-NetSuite-PropertyNameValidation header
    default_property_validation: ValidationMode = "warning"
    max_page_size: int = 1000
    default_page_size: int = 1000
    suiteql_max_rows: int = 100_000
    #: timeBill hours on the wire: a number (2.5) or a duration string ("2:30")
    hours_format: Literal["number", "duration"] = "number"
    #: SuiteQL renders dates in the user's date format preference
    suiteql_date_format: str = "M/D/YYYY"
    #: error code when SuiteQL is called without Prefer: transient
    transient_missing_code: str = "INVALID_HEADER"
    #: error code of a request over the concurrency limit (HTTP 429; unverified)
    concurrency_error_code: str = "CONCURRENCY_LIMIT_EXCEEDED"
    #: answer over the concurrency limit: "too_many_requests" (429 + concurrency_error_code),
    #: "invalid_login" (401 INVALID_LOGIN, as users report under load) or
    #: "request_limit_exceeded" (400 SSS_REQUEST_LIMIT_EXCEEDED, the RESTlet answer)
    concurrency_response: str = "too_many_requests"
    #: SuiteQL without Prefer: transient: "reject" (400, transient_missing_code) or "accept"
    suiteql_without_transient: str = "reject"
    #: X-NetSuite-Idempotency-Key on a synchronous request: "ignore" (runs, key unused) or
    #: "reject" (400 INVALID_HEADER with o:errorHeader)
    sync_idempotency_key: str = "ignore"

    def __post_init__(self) -> None:
        if self.concurrency_limit < 0:
            raise ValueError("concurrency_limit must be >= 0")
        if not 1 <= self.default_page_size <= self.max_page_size:
            raise ValueError("default_page_size must be between 1 and max_page_size")
        if self.key_type not in ("EC", "RSA"):
            raise ValueError("key_type must be 'EC' or 'RSA'")
        check("concurrency_response", self.concurrency_response, CONCURRENCY_RESPONSES)
        check("suiteql_without_transient", self.suiteql_without_transient, SUITEQL_TRANSIENT)
        check("sync_idempotency_key", self.sync_idempotency_key, SYNC_IDEMPOTENCY_KEY)
        if self.default_property_validation not in ("error", "warning", "ignore"):
            raise ValueError("default_property_validation must be error, warning or ignore")

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> NetSuiteSettings:
        """Settings from a mapping (a harness.toml section); an unknown key is an error."""
        return settings_from_mapping(cls, section, "netsuite", {"key_dir": Path})
