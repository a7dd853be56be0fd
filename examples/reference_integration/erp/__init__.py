"""The ERP port: what the flows ask of the ERP, with one implementation per ERP vendor.

Flows speak of customers, jobs (projects), employees, time bills, expenses, invoices and
supplier bills; the port turns each into the vendor's wire calls. NetSuite (REST record
service with TBA, SuiteQL) is the default; Business Central (API v2.0, OData) is chosen by
``"vendor": "businesscentral"`` in the endpoints file's ``erp`` section (or
``RI_ERP_VENDOR``). Invoices come back in one view, NetSuite's names: ``id``, ``tranId``,
``status`` (text or ``{"refName"}``), ``total``, ``currency`` ``{"refName"}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from ..clients import BusinessCentralClient, NetSuiteClient
from ..settings import Settings
from ..store import Store

#: looks the entry's employee up (or creates it) only when a write needs it
Employee = Callable[[], Awaitable[str]]


class ErpPort(Protocol):
    """The ERP as the flows use it."""

    #: the PSA's external-reference service name for this ERP's records
    service: str

    async def customer(self, account: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """Upsert the CRM account's customer; (its id, the record for ``legal_entity``)."""
        ...

    async def legal_entity(self, customer: Mapping[str, Any] | None) -> dict[str, Any]:
        """``{"erp": fields the job takes from the customer, "psa": currency, rate card}``."""
        ...

    async def job(
        self, opp: Mapping[str, Any], customer_id: str, model: str, entity: dict[str, Any]
    ) -> str:
        """Upsert the opportunity's job (project); its id."""
        ...

    async def change_job(self, job_id: str, start: Any, amount: float, model: str) -> None:
        """A change order: the job's start date and budget."""
        ...

    async def employee(self, row: Mapping[str, Any]) -> str:
        """Upsert the HCM worker as an ERP employee; the key time bills name it by."""
        ...

    async def time_bill(
        self, te: Mapping[str, Any], project: Mapping[str, Any], employee: Employee
    ) -> int:
        """Write the approved PSA entry's time unless billed or unchanged; 1 when written."""
        ...

    async def expense(
        self, ex: Mapping[str, Any], project: Mapping[str, Any], employee: Employee, billable: bool
    ) -> None:
        """Record the PSA expense in the ERP (once)."""
        ...

    async def unbilled_time(
        self, project: Mapping[str, Any], through: str
    ) -> list[tuple[str, str | None]]:
        """(time bill id, PSA entry id) of the job's billable, unbilled time through a date."""
        ...

    async def time_invoice(
        self,
        key: str,
        project: Mapping[str, Any],
        through: str,
        bills: list[str],
        expenses: Mapping[str, Mapping[str, Any]],
    ) -> str:
        """The time-and-materials invoice for ``bills`` and ``expenses``, made once per key."""
        ...

    async def milestone_invoice(
        self, key: str, project: Mapping[str, Any], title: str, cents: int
    ) -> str:
        """One invoice line for a completed milestone, made once per key."""
        ...

    async def invoice(self, invoice_id: str) -> dict[str, Any] | None: ...

    async def invoice_by_key(self, key: str) -> dict[str, Any] | None: ...

    def newest(self, invoices: Mapping[str, Mapping[str, Any]]) -> str:
        """The id of the newest of the integration's invoices (id -> its store link)."""
        ...

    async def invoice_states(self, ids: list[str]) -> list[tuple[str, str]]:
        """(invoice id, a text that changes when the invoice does) for polling."""
        ...

    async def supplier_bill(
        self,
        supplier: Mapping[str, Any],
        invoice: Mapping[str, Any],
        lines: list[tuple[str, Mapping[str, Any]]],
    ) -> None:
        """A supplier invoice booked against the jobs its lines name."""
        ...

    async def credit(
        self, invoice_id: str, key: str, amount: float, reason: str, reference: str
    ) -> str | None:
        """A credit of ``amount`` applied to the invoice, made once per key; its id (None
        when the key was credited before)."""
        ...


def build_port(
    settings: Settings, client: NetSuiteClient | BusinessCentralClient, store: Store
) -> ErpPort:
    """The port for the client's ERP; ``store`` keeps what an ERP's records cannot."""
    if isinstance(client, BusinessCentralClient):
        from .businesscentral import BusinessCentralErp

        return BusinessCentralErp(settings, client, store)
    from .netsuite import NetSuiteErp

    return NetSuiteErp(settings, client)


__all__ = ["Employee", "ErpPort", "build_port"]
