"""Admin bulk load for Business Central: entities as stored, read-only fields included."""

from __future__ import annotations

from typing import Any

from simulators.engine import Tenant

from ._auth import BusinessCentralAuth
from ._edm import BY_SET, DOCUMENT_LINES, ENTITIES, EntityDef
from ._errors import bad_request
from ._records import Records, coerce, company_guid
from ._seed import add_company, company_information_id


def bulk_load(
    service: Records,
    auth: BusinessCentralAuth,
    company_name: str,
    tenant: Tenant,
    record_type: str,
    records: list[dict[str, Any]],
) -> list[str]:
    """Load entities as stored, read-only fields included (status, totals, balances).

    Each record may name its company with ``companyId`` (default: the seeded company);
    sales and purchase invoices may carry their lines (``salesInvoiceLines``,
    ``purchaseInvoiceLines``).
    """
    ent = ENTITIES.get(record_type) or BY_SET.get(record_type)
    if ent is None:
        raise bad_request(
            f"unknown record type {record_type!r}; use one of {', '.join(sorted(ENTITIES))}",
        )
    ids: list[str] = []
    default_company = company_guid(tenant.name, company_name)
    with tenant.store.transaction():
        for i, body in enumerate(records):
            body = dict(body)
            company = str(body.pop("companyId", default_company)).lower()
            if ent.name == "company":
                cid = str(body.get("id") or company_guid(tenant.name, str(body.get("name"))))
                add_company(
                    service,
                    tenant,
                    cid,
                    str(body.get("name") or ""),
                    str(body.get("displayName") or body.get("name") or ""),
                    auth.user_id(tenant),
                )
                ids.append(cid)
                continue
            if tenant.store.get("company", company) is None:
                raise bad_request(
                    f"record {i}: company {company!r} does not exist; load it first",
                )
            line_ent = ENTITIES[DOCUMENT_LINES.get(ent.name, "salesInvoiceLine")]
            lines = body.pop(line_ent.set_name, None) if ent.name in DOCUMENT_LINES else None
            data = _bulk_clean(ent, body, i)
            if ent.name == "companyInformation":  # the company's one record, updated
                info = service.get(tenant, ent, company, company_information_id(company))
                data.pop("id", None)
                ids.append(service.update(tenant, ent, info, data, origin="bulk")["id"])
                continue
            data["_system"] = True
            rec = service.insert(tenant, ent, company, data, origin="bulk", emit=False)
            for j, line in enumerate(lines or []):
                ld = _bulk_clean(line_ent, dict(line), j)
                ld["documentId"] = rec["id"]
                ld["_system"] = True
                service.insert(tenant, line_ent, company, ld, origin="bulk", emit=False)
            ids.append(rec["id"])
    return ids


def _bulk_clean(ent: EntityDef, body: dict[str, Any], i: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in body.items():
        p = ent.prop(name)
        if p is None:
            raise bad_request(f"record {i}: {ent.name} has no property {name!r}")
        out[name] = coerce(p, value)
    return out
