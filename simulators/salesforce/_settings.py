"""Settings of the CRM simulator (one object, validated once)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulators.engine import ConfigError, settings_from_mapping

from ._schema import (
    CustomFieldConfig,
    CustomObjectConfig,
    build_schema,
    default_custom_fields,
    parse_custom_config,
)
from .streaming._config import OutboundMessageConfig, StreamingSettings


@dataclass(slots=True)
class PlatformEventConfig:
    """A platform event ``Name__e`` and its custom fields (name -> Salesforce type)."""

    name: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class SalesforceSettings:
    api_version: int = 68  # Winter '27
    min_version: int = 31  # 30.0 and older retired (410)
    #: errorCode of the REST 410 for a retired version. Salesforce's help article says
    #: "REST API returns 410: GONE"; restforce issue #941 shows ``errorCode: "GONE"`` in the
    #: body. ``UNSUPPORTED_API_VERSION`` is the SOAP code. The message text is unverified.
    retired_version_error_code: str = "GONE"
    #: HTTP status of a composite request over 25 subrequests. The body is the vendor's
    #: compositeResponse envelope (one item, referenceId null, httpStatusCode 400); the
    #: outer status is not shown in any public source, 200 follows from the envelope.
    composite_limit_status: int = 200
    client_id: str = "3MVG9simulatorConsumerKeyDefault"
    client_secret: str = "simulator-consumer-secret"
    username: str = "integration@ps-harness.example"
    password: str = "harness-password"
    security_token: str = "SIMTOKEN"
    #: session lifetime; Salesforce's default session timeout is two hours
    session_seconds: float | None = 7200.0
    #: password policy: wrong passwords in a row before a lockout (Salesforce default 10; 0: never)
    max_login_attempts: int = 10
    #: how long a locked-out user stays locked (Salesforce default 15 minutes; tenant clock)
    lockout_minutes: float = 15.0
    #: connected app option: every refresh grant returns a new refresh token, the old one dies
    refresh_token_rotation: bool = False
    daily_api_requests: int = 100_000
    api_bursts: int | None = None
    query_batch_default: int = 2000
    custom_fields: list[CustomFieldConfig] = field(default_factory=default_custom_fields)
    custom_objects: list[CustomObjectConfig] = field(default_factory=list)
    platform_events: list[PlatformEventConfig] = field(default_factory=list)
    #: objects with Change Data Capture enabled; None means every object
    cdc_objects: list[str] | None = None
    max_open_cursors: int = 200
    #: Streaming API (CometD) timing, replay retention, per-client buffer, delivery faults
    streaming: StreamingSettings = field(default_factory=StreamingSettings)
    #: Outbound Messages: SOAP notifications sent when records meet a rule's criteria
    outbound_messages: list[OutboundMessageConfig] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> SalesforceSettings:
        """Settings from a mapping (a harness.toml ``[crm]`` section); an unknown key is an
        error. Custom fields come on top of the defaults; custom objects, fields and
        platform events are checked against the schema here, not at the first request."""
        try:
            custom_fields, custom_objects = parse_custom_config(section)
            build_schema(custom_fields, custom_objects)  # unknown objects, bad names
        except (TypeError, KeyError, ValueError) as exc:
            raise ConfigError(f"invalid salesforce settings: {exc}") from None
        convert = {
            "custom_fields": lambda _: default_custom_fields() + custom_fields,
            "custom_objects": lambda _: custom_objects,
            "platform_events": _platform_events,
            "streaming": lambda m: settings_from_mapping(
                StreamingSettings, m, "salesforce streaming"
            ),
            "outbound_messages": lambda ms: [OutboundMessageConfig(**m) for m in ms],
        }
        return settings_from_mapping(cls, section, "salesforce", convert)


def _platform_events(value: Any) -> list[PlatformEventConfig]:
    """``[{name = "X__e", fields = {Field__c = "string"}}]``."""
    return [PlatformEventConfig(p["name"], dict(p.get("fields", {}))) for p in value]
