"""What a new Business Central tenant starts with: its company, journal and company information."""

from __future__ import annotations

import uuid

from simulators.engine import Tenant

from ._auth import BusinessCentralAuth
from ._edm import ENTITIES
from ._records import Records, company_guid
from ._wire import bc_datetime


def seed_tenant(
    tenant: Tenant, records: Records, auth: BusinessCentralAuth, company_name: str
) -> None:
    """The tenant's configured company, once (no events)."""
    cid = company_guid(tenant.name, company_name)
    if tenant.store.get("company", cid, include_deleted=True) is not None:
        return
    add_company(records, tenant, cid, company_name, company_name, auth.user_id(tenant))


def add_company(
    records: Records, tenant: Tenant, cid: str, name: str, display: str, user: str
) -> None:
    """A company with its default customer payment journal."""
    now = bc_datetime(tenant.clock.time())
    records.insert(
        tenant,
        ENTITIES["company"],
        cid,
        {
            "id": cid,
            "systemVersion": "26.0.30643.32481",
            "timestamp": int(tenant.clock.time() * 1000),
            "name": name[:30],
            "displayName": display,
            "businessProfileId": "",
            "systemCreatedAt": now,
            "systemCreatedBy": user,
            "systemModifiedBy": user,
        },
        origin="seed",
        emit=False,
    )
    records.insert(
        tenant,
        ENTITIES["customerPaymentJournal"],
        cid,
        {
            "id": str(uuid.uuid5(uuid.UUID(cid), "CASHRCPT/DEFAULT")),
            "code": "DEFAULT",
            "displayName": "Default Journal Batch",
        },
        origin="seed",
        emit=False,
    )
    # every company has its one company information record (country, local currency)
    records.insert(
        tenant,
        ENTITIES["companyInformation"],
        cid,
        {"id": company_information_id(cid), "displayName": display[:100]},
        origin="seed",
        emit=False,
    )


def company_information_id(company: str) -> str:
    """The id of a company's company information record (one per company)."""
    return str(uuid.uuid5(uuid.UUID(company), "companyInformation"))
