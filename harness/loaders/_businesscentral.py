"""The ERP's view of the firm on Business Central: companies, currencies, items, customers,
employees, projects, approved billable time and sales invoices with their lines.

Each legal entity is a company; every other record sits in the company of its legal
entity. Ids are GUIDs derived from the canonical ids (the same seed gives the same
GUIDs), numbers carry the firm's ERP numbers (customers ``20001``, projects ``300001``,
invoices ``400001``, employees their HCM id) so a stack can look them up by number.
Invoices are posted (Open or Paid) with ``remainingAmount`` and the customer's
``balanceDue`` consistent with what is still owed; a sales invoice's
``externalDocumentNumber`` is the canonical invoice id. Amounts are decimals in the
record's currency; a company's own currency is the blank local currency code.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from harness.data import Firm
from harness.data._model import (
    InvoiceLineKind,
    InvoiceStatus,
    OpportunityStage,
    TimeEntryStatus,
)

Batch = tuple[str, list[dict[str, Any]]]
_NS = uuid.UUID("5d1f6e1a-2b7c-4e43-9a0d-6c1b8e7f2a90")
MILESTONE_ITEM = "MILESTONE"


def guid(kind: str, canonical_id: str) -> str:
    """The record's GUID: stable for a canonical id, distinct per kind."""
    return str(uuid.uuid5(_NS, f"{kind}/{canonical_id}"))


def company_id(legal_entity_id: str) -> str:
    return guid("company", legal_entity_id)


def item_id(company: str, role_id: str) -> str:
    return guid("item", f"{company}/{role_id}")


def businesscentral_batches(firm: Firm) -> Iterator[Batch]:
    """(entity type, records) in load order: every reference before the record naming it."""
    minor = {c.id: c.minor_units for c in firm.currencies}

    def amount(value_minor: int | float, currency: str) -> float:
        return float(Decimal(str(value_minor)).scaleb(-minor[currency]))

    entities = {e.id: e for e in firm.legal_entities}
    yield (
        "company",
        [
            {"id": company_id(e.id), "name": e.name[:30], "displayName": e.name}
            for e in firm.legal_entities
        ],
    )
    yield (
        "companyInformation",
        [
            {"companyId": company_id(e.id), "country": e.country, "currencyCode": e.currency}
            for e in firm.legal_entities
        ],
    )

    def local(code: str, legal_entity_id: str) -> str:
        """A currency code as the company writes it: blank for its own currency."""
        return "" if code == entities[legal_entity_id].currency else code

    yield (
        "currency",
        [
            {
                "companyId": company_id(e.id),
                "id": guid("currency", f"{e.id}/{c.id}"),
                "code": c.id,
                "displayName": c.name[:30],
                "symbol": c.symbol,
            }
            for e in firm.legal_entities
            for c in firm.currencies
            if c.id != e.currency
        ],
    )
    base_card = firm.rate_cards[0]
    list_rates = {
        line.role_id: amount(line.bill_rate_minor, base_card.currency)
        for line in firm.rate_card_lines
        if line.rate_card_id == base_card.id
    }
    items: list[dict[str, Any]] = []
    for e in firm.legal_entities:
        cid = company_id(e.id)
        items.append(
            {
                "companyId": cid,
                "id": item_id(cid, MILESTONE_ITEM),
                "number": MILESTONE_ITEM,
                "displayName": "Milestone Billing",
                "type": "Service",
                "baseUnitOfMeasureCode": "EACH",
            }
        )
        items.extend(
            {
                "companyId": cid,
                "id": item_id(cid, r.id),
                "number": r.id[:20],
                "displayName": r.name[:100],
                "type": "Service",
                "unitPrice": list_rates.get(r.id, 0.0),
                "baseUnitOfMeasureCode": "HOUR",
            }
            for r in firm.roles
        )
    yield "item", items

    yield (
        "employee",
        [
            {
                "companyId": company_id(c.legal_entity_id),
                "id": guid("employee", c.id),
                "number": c.hcm_id[:20],
                "givenName": c.first_name[:30],
                "surname": c.last_name[:30],
                "jobTitle": c.title[:30],
                "email": c.email[:80],
                "employmentDate": c.hire_date.isoformat(),
                "country": c.country[:10],
            }
            for c in firm.consultants
        ],
    )

    projects = {p.id: p for p in firm.projects}
    accounts = {a.id: a for a in firm.accounts}
    won = {o.account_id for o in firm.opportunities if o.stage is OpportunityStage.CLOSED_WON} | {
        p.account_id for p in firm.projects
    }
    lines_of: dict[str, list[Any]] = {}
    for line in firm.invoice_lines:
        lines_of.setdefault(line.invoice_id, []).append(line)
    owed: dict[str, float] = {}
    for inv in firm.invoices:
        if inv.status is InvoiceStatus.OPEN:
            acc = projects[inv.project_id].account_id
            owed[acc] = owed.get(acc, 0.0) + amount(inv.total_minor, inv.currency)
    yield (
        "customer",
        [
            {
                "companyId": company_id(a.legal_entity_id),
                "id": guid("customer", a.id),
                "number": a.erp_id[:20],
                "displayName": a.name[:100],
                "type": "Company",
                "addressLine1": a.street[:100],
                "city": a.city[:30],
                "country": a.country[:10],
                "website": a.website[:80],
                "currencyCode": local(a.currency, a.legal_entity_id),
                "balanceDue": round(owed.get(a.id, 0.0), 2),
            }
            for a in firm.accounts
            if a.id in won
        ],
    )
    yield (
        "project",
        [
            {
                "companyId": company_id(p.legal_entity_id),
                "id": guid("project", p.id),
                "number": p.erp_id[:20],
                "displayName": p.name[:100],
            }
            for p in firm.projects
        ],
    )

    consultants = {c.id: c for c in firm.consultants}
    yield (
        "timeRegistrationEntry",
        [
            {
                "companyId": company_id(projects[t.project_id].legal_entity_id),
                "id": guid("time", t.id),
                "employeeId": guid("employee", t.consultant_id),
                "jobId": guid("project", t.project_id),
                "date": t.work_date.isoformat(),
                "quantity": t.hours,
                "status": "Approved",
            }
            for t in firm.time_entries
            if t.billable
            and t.status is TimeEntryStatus.APPROVED
            and consultants[t.consultant_id].legal_entity_id
            == projects[t.project_id].legal_entity_id
        ],
    )

    assignments = {a.id: a for a in firm.assignments}
    milestones = {m.id: m for m in firm.milestones}
    invoices = []
    for inv in firm.invoices:
        p = projects[inv.project_id]
        cid = company_id(inv.legal_entity_id)
        lines = []
        for i, line in enumerate(lines_of.get(inv.id, []), start=1):
            if line.kind is InvoiceLineKind.MILESTONE:
                m = milestones.get(line.milestone_id or "")
                lines.append(
                    {
                        "id": guid("invoiceline", line.id),
                        "sequence": i * 10000,
                        "lineType": "Item",
                        "itemId": item_id(cid, MILESTONE_ITEM),
                        "description": (m.name if m else "Milestone")[:100],
                        "quantity": 1,
                        "unitPrice": amount(line.amount_minor, inv.currency),
                    }
                )
            else:
                role = assignments[line.assignment_id or ""].role_id
                lines.append(
                    {
                        "id": guid("invoiceline", line.id),
                        "sequence": i * 10000,
                        "lineType": "Item",
                        "itemId": item_id(cid, role),
                        "quantity": line.hours,
                        "unitPrice": amount(line.rate_minor, inv.currency),
                    }
                )
        total = amount(inv.total_minor, inv.currency)
        paid = inv.status is InvoiceStatus.PAID
        invoices.append(
            {
                "companyId": cid,
                "id": guid("invoice", inv.id),
                "number": inv.erp_id[:20],
                "externalDocumentNumber": inv.id[:35],
                "customerId": guid("customer", p.account_id),
                "customerNumber": accounts[p.account_id].erp_id[:20],
                "invoiceDate": inv.invoice_date.isoformat(),
                "postingDate": inv.invoice_date.isoformat(),
                "dueDate": inv.due_date.isoformat(),
                "currencyCode": local(inv.currency, inv.legal_entity_id),
                "status": "Paid" if paid else "Open",
                "totalAmountExcludingTax": total,
                "totalAmountIncludingTax": total,
                "remainingAmount": 0.0 if paid else total,
                "salesInvoiceLines": lines,
            }
        )
    yield "salesInvoice", invoices


def businesscentral_companies(firm: Firm) -> dict[str, Any]:
    """The ERP endpoint keys that place a stack in the firm's companies: ``company_id`` of
    the first legal entity and ``companies`` (billing country -> company id and its own
    currency) for a stack that books each customer in its country's legal entity."""
    return {
        "company_id": company_id(firm.legal_entities[0].id),
        "companies": {
            e.country: {"id": company_id(e.id), "currency": e.currency, "name": e.name}
            for e in firm.legal_entities
        },
    }
