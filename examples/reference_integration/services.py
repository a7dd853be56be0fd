"""The clients, store and settings a flow works with, built once per service instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .clients import KantataClient, NetSuiteClient, SalesforceClient, WorkdayClient
from .settings import Settings
from .store import Store


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    crm: SalesforceClient
    erp: NetSuiteClient
    psa: KantataClient
    hcm: WorkdayClient
    #: small per-instance caches of vendor facts (the ERP service item id, ...)
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, store: Store) -> Services:
        ca, retry = settings.ca_bundle, settings.retry
        return cls(
            settings,
            store,
            SalesforceClient(settings.crm, ca, retry),
            NetSuiteClient(settings.erp, ca, retry),
            KantataClient(settings.psa, ca, retry),
            WorkdayClient(settings.hcm, ca, retry),
        )

    async def aclose(self) -> None:
        for client in (self.crm, self.erp, self.psa, self.hcm):
            await client.aclose()
