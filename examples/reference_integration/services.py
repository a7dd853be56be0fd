"""The clients, store and settings a flow works with, built once per service instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .clients import (
    BusinessCentralClient,
    KantataClient,
    NetSuiteClient,
    SalesforceClient,
    WorkdayClient,
)
from .clients.collab import PowerBIClient, SlackClient, TeamsClient
from .clients.coupa import CoupaClient
from .erp import ErpPort, build_port
from .settings import Settings
from .store import Store


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    crm: SalesforceClient
    #: the ERP vendor's client; flows reach the ERP through ``erp_port``
    erp: NetSuiteClient | BusinessCentralClient
    psa: KantataClient
    hcm: WorkdayClient
    #: the ERP as the flows use it (NetSuite or Business Central)
    erp_port: ErpPort
    #: the peripherals, when the endpoints file names them
    slack: SlackClient | None = None
    teams: TeamsClient | None = None
    powerbi: PowerBIClient | None = None
    coupa: CoupaClient | None = None
    #: small per-instance caches of vendor facts (the ERP service item id, ...)
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, store: Store) -> Services:
        ca, retry = settings.ca_bundle, settings.retry
        erp: NetSuiteClient | BusinessCentralClient = (
            BusinessCentralClient(settings.erp, ca, retry)
            if settings.erp_vendor == "businesscentral"
            else NetSuiteClient(settings.erp, ca, retry)
        )
        return cls(
            settings,
            store,
            SalesforceClient(settings.crm, ca, retry),
            erp,
            KantataClient(settings.psa, ca, retry),
            WorkdayClient(settings.hcm, ca, retry),
            build_port(settings, erp, store),
            slack=SlackClient(settings.collab, ca, retry)
            if settings.collab.get("slack_api_url")
            else None,
            teams=TeamsClient(settings.collab, ca, retry)
            if settings.collab.get("teams_webhook_url")
            else None,
            powerbi=PowerBIClient(settings.analytics, ca, retry)
            if settings.analytics.get("rows_url")
            else None,
            coupa=CoupaClient(settings.procurement, ca, retry)
            if settings.procurement.get("api_base")
            else None,
        )

    async def aclose(self) -> None:
        for client in (
            self.crm,
            self.erp,
            self.psa,
            self.hcm,
            self.slack,
            self.teams,
            self.powerbi,
            self.coupa,
        ):
            if client is not None:
                await client.aclose()
