"""One settings object, read once from the endpoints file and RI_* environment variables.

The endpoints file is what ``harness up --endpoints-file`` writes; a customer writes the
same shape for real systems::

    {"crm": {"base_url", "token_url", "client_id", "client_secret", "api_version"},
     "erp": {"rest_url", "account", "consumer_key", "consumer_secret", "token_id", "token_secret"},
            (NetSuite) or {"vendor": "businesscentral", "token_url", "client_id",
            "client_secret", "scope", "api_url", "company_id"} (Business Central),
     "psa": {"api_base", "token"},
     "hcm": {"token_url", "client_id", "client_secret", "refresh_token", "common_base_url",
             "report_url", "notification_username", "notification_password"},
     "ca_bundle": "optional CA file",
     "peripherals": {"collab": {"slack_api_url", "slack_bot_token", "slack_channel",
                                "slack_webhook_url"?, "teams_webhook_url"?},
                     "analytics": {"rows_url", "access_token"}}}   (optional)

``admin_url`` in a section (simulators only) lets the integration register its webhooks,
sending ``admin_token`` when the section has one;
without it the integration polls. Any key can be set or overridden by an environment
variable ``RI_<SYSTEM>_<KEY>`` (e.g. ``RI_ERP_ACCOUNT``); service settings are ``RI_*``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

SYSTEMS = ("crm", "erp", "psa", "hcm")
_REQUIRED = {
    "crm": ("token_url", "client_id", "client_secret"),
    "erp": ("rest_url", "account", "consumer_key", "consumer_secret", "token_id", "token_secret"),
    "psa": ("api_base", "token"),
    "hcm": ("token_url", "client_id", "client_secret", "refresh_token", "common_base_url"),
}
#: the ERP section's keys per ERP vendor (``erp.vendor``; NetSuite when absent)
_ERP_REQUIRED = {
    "netsuite": _REQUIRED["erp"],
    "businesscentral": ("token_url", "client_id", "client_secret", "api_url", "company_id"),
}
CRM_INTAKES = ("webhook", "cometd", "poll")
BILLING_MODELS = ("Time and Materials", "Fixed Fee", "Milestone", "Retainer")


@dataclass(frozen=True, slots=True)
class RetrySettings:
    """Backoff with full jitter; a vendor's Retry-After wins when it is longer."""

    attempts: int = 5  # per call, inside one task
    base_seconds: float = 0.2
    cap_seconds: float = 2.0
    task_attempts: int = 6  # per inbox task, then dead-letter
    task_base_seconds: float = 0.5
    task_cap_seconds: float = 10.0


@dataclass(frozen=True, slots=True)
class Settings:
    crm: Mapping[str, Any]
    erp: Mapping[str, Any]
    psa: Mapping[str, Any]
    hcm: Mapping[str, Any]
    ca_bundle: str | None = None
    #: collaboration platform (Slack, Teams) for project and invoice notices; {} = none
    collab: Mapping[str, Any] = field(default_factory=dict)
    #: analytics ingest (Power BI push rows) for the utilization batch; {} = none
    analytics: Mapping[str, Any] = field(default_factory=dict)
    #: procurement system (Coupa) for subcontractor orders and supplier invoices; {} = none
    procurement: Mapping[str, Any] = field(default_factory=dict)
    #: hours a subcontractor's purchase order is raised for
    subcontract_po_hours: float = 160.0
    db_path: str = "reference_integration.sqlite3"
    host: str = "127.0.0.1"
    port: int = 8750
    #: how the vendors reach our webhooks; default http://{host}:{port}
    public_url: str | None = None
    #: "webhook" (subscribe through each simulator's admin_url) or "poll"
    mode: str = "webhook"
    #: how CRM changes come in: "webhook", "cometd" (Streaming API) or "poll"; None: as mode
    crm_intake: str | None = None
    #: the CDC channel the cometd intake subscribes to
    crm_channel: str = "/data/OpportunityChangeEvent"
    poll_seconds: float = 1.0
    #: inbox tasks run at once (tasks for the same record still run one at a time, in order);
    #: 4 keeps the integration's own ERP calls under NetSuite's default 5 concurrent requests
    worker_concurrency: int = 4
    #: run the time-and-materials billing run every N seconds (None: only when asked)
    billing_every_seconds: float | None = None
    staff_per_project: int = 2
    #: bill rate by job profile or business title; ``default_bill_rate`` otherwise
    bill_rates: Mapping[str, float] = field(default_factory=dict)
    default_bill_rate: float = 150.0
    #: Milestone deals: milestone names and shares of the amount
    milestone_plan: tuple[tuple[str, float], ...] = (
        ("Kickoff", 0.3),
        ("Delivery", 0.4),
        ("Acceptance", 0.3),
    )
    erp_subsidiary: str = "1"
    platform_event: str = "Project_Activated__e"
    crm_invoice_status_field: str = "Invoice_Status__c"
    #: where the CRM keeps the links: Opportunity -> PSA workspace and ERP job, Account -> ERP customer
    crm_workspace_field: str = "PSA_Project_Id__c"
    crm_job_field: str = "ERP_Project_Id__c"
    crm_customer_field: str = "ERP_Customer_Id__c"
    #: ERP external id of a PSA time entry's timeBill: prefix + the entry's id
    time_bill_prefix: str = "kantata-te-"
    retry: RetrySettings = field(default_factory=RetrySettings)
    log_level: str = "INFO"

    @property
    def webhook_base(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def crm_intake_mode(self) -> str:
        return self.crm_intake or self.mode

    def intake(self, system: str) -> str:
        """How one system's changes reach the integration: webhook, cometd or poll."""
        return self.crm_intake_mode if system == "crm" else self.mode

    def system(self, name: str) -> Mapping[str, Any]:
        return {"crm": self.crm, "erp": self.erp, "psa": self.psa, "hcm": self.hcm}[name]

    @property
    def erp_vendor(self) -> str:
        """The ERP's vendor: ``netsuite`` (default) or ``businesscentral``."""
        return str(self.erp.get("vendor") or "netsuite")

    def validate(self) -> Settings:
        if self.erp_vendor not in _ERP_REQUIRED:
            raise ConfigurationError(
                f"erp vendor {self.erp_vendor!r} is not known",
                hint="set the erp section's vendor (RI_ERP_VENDOR) to netsuite or businesscentral",
            )
        for system, keys in {**_REQUIRED, "erp": _ERP_REQUIRED[self.erp_vendor]}.items():
            missing = [k for k in keys if not self.system(system).get(k)]
            if missing:
                env = ", ".join(f"RI_{system.upper()}_{k.upper()}" for k in missing)
                raise ConfigurationError(
                    f"{system} settings lack {', '.join(missing)}",
                    hint=f"add them to the endpoints file's {system!r} section or set {env}",
                )
        if self.mode not in ("webhook", "poll"):
            raise ConfigurationError(f"mode must be webhook or poll, not {self.mode!r}")
        if self.worker_concurrency < 1:
            raise ConfigurationError(
                f"worker_concurrency must be 1 or more, not {self.worker_concurrency}",
                hint="RI_WORKER_CONCURRENCY=1 runs one task at a time",
            )
        if self.crm_intake_mode not in CRM_INTAKES:
            raise ConfigurationError(
                f"crm_intake must be one of {', '.join(CRM_INTAKES)}, not {self.crm_intake!r}"
            )
        if self.staff_per_project < 0:
            raise ConfigurationError("staff_per_project must be 0 or more")
        if abs(sum(share for _, share in self.milestone_plan) - 1.0) > 1e-6:
            raise ConfigurationError("milestone_plan shares must add up to 1")
        return self


def _env_sections(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {s: {} for s in SYSTEMS}
    for key, value in env.items():
        parts = key.split("_", 2)
        if len(parts) == 3 and parts[0] == "RI" and parts[1].lower() in SYSTEMS:
            out[parts[1].lower()][parts[2].lower()] = value
    return out


_SCALARS = {
    "RI_DB": ("db_path", str),
    "RI_HOST": ("host", str),
    "RI_PORT": ("port", int),
    "RI_PUBLIC_URL": ("public_url", str),
    "RI_MODE": ("mode", str),
    "RI_CRM_INTAKE": ("crm_intake", str),
    "RI_CRM_CHANNEL": ("crm_channel", str),
    "RI_POLL_SECONDS": ("poll_seconds", float),
    "RI_WORKER_CONCURRENCY": ("worker_concurrency", int),
    "RI_BILLING_EVERY_SECONDS": ("billing_every_seconds", float),
    "RI_STAFF_PER_PROJECT": ("staff_per_project", int),
    "RI_DEFAULT_BILL_RATE": ("default_bill_rate", float),
    "RI_CA_BUNDLE": ("ca_bundle", str),
    "RI_LOG_LEVEL": ("log_level", str),
    "RI_CRM_INVOICE_STATUS_FIELD": ("crm_invoice_status_field", str),
    "RI_CRM_WORKSPACE_FIELD": ("crm_workspace_field", str),
    "RI_CRM_JOB_FIELD": ("crm_job_field", str),
    "RI_CRM_CUSTOMER_FIELD": ("crm_customer_field", str),
    "RI_TIME_BILL_PREFIX": ("time_bill_prefix", str),
}


def load_settings(
    endpoints: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Settings from the endpoints file (or ``RI_ENDPOINTS``), the environment, then overrides."""
    env = os.environ if env is None else env
    path = endpoints or env.get("RI_ENDPOINTS")
    doc: dict[str, Any] = {}
    if path:
        try:
            doc = json.loads(Path(path).read_text())
        except FileNotFoundError:
            raise ConfigurationError(
                f"endpoints file {path} does not exist",
                hint="run `harness up --endpoints-file ep.json` or write the file yourself",
            ) from None
        except ValueError as exc:
            raise ConfigurationError(f"endpoints file {path} is not JSON: {exc}") from None
    from_env = _env_sections(env)
    sections = {s: {**(doc.get(s) or {}), **from_env[s]} for s in SYSTEMS}
    kwargs: dict[str, Any] = {**sections, "ca_bundle": doc.get("ca_bundle")}
    peripherals = doc.get("peripherals") or {}
    kwargs["collab"] = dict(peripherals.get("collab") or {})
    kwargs["analytics"] = dict(peripherals.get("analytics") or {})
    kwargs["procurement"] = dict(doc.get("procurement") or {})
    if sections["crm"].get("intake"):  # {"crm": {"intake": "cometd"}} in the endpoints file
        kwargs["crm_intake"] = str(sections["crm"]["intake"])
    known = {f.name for f in fields(Settings)}
    for var, (name, cast) in _SCALARS.items():
        if env.get(var):
            try:
                kwargs[name] = cast(env[var])
            except ValueError:
                raise ConfigurationError(
                    f"{var}={env[var]!r} is not a valid {cast.__name__}"
                ) from None
    unknown = set(overrides) - known
    if unknown:
        raise ConfigurationError(f"unknown settings {sorted(unknown)}")
    kwargs.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**kwargs).validate()


def with_port(settings: Settings, port: int) -> Settings:
    """The same settings once the server knows its real port (``--port 0``)."""
    return replace(settings, port=port)
