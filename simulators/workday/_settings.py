"""Settings of the HCM simulator: one object, validated once.

Workday publishes little about limits, token lifetimes or RaaS rendering details, so
every such choice is a setting here, defaulting to the most likely behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulators.engine import settings_from_mapping

#: fields a RaaS column can draw from (see _raas.py for what each one means)
REPORT_FIELDS = (
    "Employee_ID",
    "Worker",
    "Worker_WID",
    "First_Name",
    "Last_Name",
    "Email",
    "Phone",
    "Worker_Type",
    "Business_Title",
    "Job_Profile",
    "Job_Profile_ID",
    "Supervisory_Organization",
    "Supervisory_Organization_ID",
    "Cost_Center",
    "Cost_Center_ID",
    "Location",
    "Country",
    "Skills",
    "Cost_Rate",
    "Cost_Rate_Currency",
    "FTE",
    "Scheduled_Weekly_Hours",
    "Hire_Date",
    "Termination_Date",
    "Manager_ID",
    "Manager_Name",
    "Active",
)


@dataclass(slots=True)
class ReportColumn:
    """One column of a custom report: its alias on the wire and the field it shows."""

    alias: str
    source: str


@dataclass(slots=True)
class ReportConfig:
    """A web-service-enabled advanced custom report over workers (RaaS)."""

    owner: str
    name: str
    columns: list[ReportColumn]
    #: prompts the report declares; Effective_as_of_Date, Include_Terminated_Workers,
    #: Supervisory_Organization!WID and Employee_ID are understood
    prompts: list[str] = field(
        default_factory=lambda: ["Effective_as_of_Date", "Include_Terminated_Workers"]
    )
    include_terminated: bool = False

    def validate(self) -> None:
        unknown = [c.source for c in self.columns if c.source not in REPORT_FIELDS]
        if unknown:
            raise ValueError(
                f"report {self.name}: unknown source fields {unknown}; allowed: {list(REPORT_FIELDS)}"
            )


#: report fields the default staffing report leaves out (names apart, the ids of references)
_NOT_IN_DEFAULT_REPORT = frozenset(
    {
        "First_Name",
        "Last_Name",
        "Phone",
        "Job_Profile_ID",
        "Supervisory_Organization_ID",
        "Cost_Center_ID",
    }
)


def default_reports() -> list[ReportConfig]:
    cols = [f for f in REPORT_FIELDS if f not in _NOT_IN_DEFAULT_REPORT]
    return [
        ReportConfig(
            owner="ISU_PSHarness",
            name="PSH_Worker_Staffing_Data",
            columns=[ReportColumn(c, c) for c in cols],
        )
    ]


NOTIFICATION_FORMATS = ("soap", "json")


def _reports(value: Any) -> list[ReportConfig]:
    """``[{owner, name, columns = [{alias, source}], prompts?, include_terminated?}]``."""
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise ValueError("reports must be a list of tables")
    return [
        ReportConfig(
            **{k: v for k, v in r.items() if k != "columns"},
            columns=[ReportColumn(**c) for c in r.get("columns", [])],
        )
        for r in value
    ]


@dataclass(slots=True)
class WorkdaySettings:
    #: Workday tenant name of the engine's default tenant; other engine tenants are
    #: ``tenant_prefix + name`` (the {tenant} segment of every URL)
    tenant_name: str = "psharness_default"
    tenant_prefix: str = "psharness_"
    client_id: str = "NzQ5YjA4ZDYtcHNoYXJuZXNzLWNsaWVudA"
    client_secret: str = "psharness-client-secret"
    refresh_token: str = "psharness-default-refresh-token-0000000000000000000000000000"
    isu_username: str = "ISU_PSHarness"
    isu_password: str = "psharness-isu-password"
    #: access token lifetime; Workday does not publish it ([?], one hour assumed)
    access_token_seconds: float | None = 3600.0
    #: Workday's documented token response has no expires_in; clients that need it can turn it on
    include_expires_in: bool = False
    rotate_refresh_token: bool = False
    default_limit: int = 20
    max_limit: int = 100
    #: a limit outside 1..max_limit: "reject" (400 on the field) or "clamp" (Workday's
    #: published specs give the bounds, not the answer; docs/vendor-variants.md)
    limit_out_of_range: str = "reject"
    #: errors[].field in validation errors; Workday's published error model has only
    #: errors[].error, so a client reading "field" may break in production
    validation_error_field: bool = True
    #: versions of the older global form /ccx/api/{version}/{tenant}/workers (faros uses v4)
    global_versions: tuple[str, ...] = ("v1", "v2", "v3", "v4")
    common_version: str = "v1"
    staffing_versions: tuple[str, ...] = ("v6", "v7")
    #: rate limit: unpublished by Workday, off by default; 429 + Retry-After when hit
    rate_limit_per_second: float | None = None
    rate_limit_burst: int = 20
    #: a worker stays active through the termination date (the last day of work)
    terminated_after_termination_date: bool = True
    #: RaaS renders every value as text and multi-instance fields joined with this
    raas_multi_value_separator: str = "; "
    reports: list[ReportConfig] = field(default_factory=default_reports)
    #: refuse request fields Workday does not define (400), rather than ignore them
    reject_unknown_fields: bool = True
    #: notification delivery format: "soap" posts Workday's ``Receive_Notification`` envelope
    #: with a WS-Security UsernameToken (as Workday's outbound subscriptions do,
    #: _soap_notify.py); "json" posts the same facts as a JSON object (_notifications.py)
    notification_format: str = "soap"
    #: the Notification User Name / Password of the subscription's endpoint (Edit
    #: Subscriptions), sent in the WS-Security header for the listener to check
    notification_username: str = "psharness-notifications"
    notification_password: str = "psharness-notification-password"

    @property
    def clamp_limit(self) -> bool:
        return self.limit_out_of_range == "clamp"

    def validate(self) -> None:
        if not 1 <= self.default_limit <= self.max_limit:
            raise ValueError("default_limit must lie between 1 and max_limit")
        if self.limit_out_of_range not in ("reject", "clamp"):
            raise ValueError(
                f"limit_out_of_range must be reject or clamp, not {self.limit_out_of_range!r}"
            )
        if self.notification_format not in NOTIFICATION_FORMATS:
            raise ValueError(
                f"notification_format must be one of {', '.join(NOTIFICATION_FORMATS)}, "
                f"not {self.notification_format!r}"
            )
        names = set()
        for r in self.reports:
            r.validate()
            if (r.owner, r.name) in names:
                raise ValueError(f"duplicate report {r.owner}/{r.name}")
            names.add((r.owner, r.name))

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> WorkdaySettings:
        """Settings from a mapping (a harness.toml section); an unknown key is an error."""
        return settings_from_mapping(cls, section, "workday", {"reports": _reports})
