"""The ERP's view of the firm: subsidiaries, customers, employees, projects, billable time, invoices.

Internal ids are the firm's ERP ids (subsidiaries, customers, jobs, invoices); records
without one get numbers in ranges NetSuite's shared id spaces leave free: employees
``100000 + n`` (entities: customers sit at 20000+, jobs at 300000+), service items
``1000 + n``, time bills the time entry's number. External ids carry the other systems'
keys: a customer's is its CRM account id, a job's the won opportunity's CRM id, an
employee's the HCM Employee_ID, a time bill's the PSA time entry id. Amounts are
decimals in the record's currency.

Invoices apply their time bills through the time sublist, so loading them marks that
time billed exactly as NetSuite does; milestone lines bill the milestone service item.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from harness.data import Firm
from harness.data._model import (
    BillingModel,
    Consultant,
    InvoiceLine,
    InvoiceLineKind,
    OpportunityStage,
    ProjectStatus,
    TimeEntryStatus,
)

from ._kantata import number

#: currencies every NetSuite account of the simulator starts with (ids fixed at tenant setup)
PRESET_CURRENCIES: dict[str, str] = {"USD": "1", "EUR": "2", "GBP": "3"}
#: the root subsidiary the firm's legal entities sit under
PARENT_SUBSIDIARY = "1"
EMPLOYEE_BASE = 100_000
ITEM_BASE = 1000
MILESTONE_ITEM = str(ITEM_BASE)
JOB_STATUS: dict[ProjectStatus, str] = {
    ProjectStatus.PLANNED: "5",  # Awarded
    ProjectStatus.ACTIVE: "2",  # In Progress
    ProjectStatus.COMPLETED: "1",  # Closed
}
BILLING_TYPES: dict[BillingModel, str] = {  # job.jobBillingType select ids
    BillingModel.TIME_AND_MATERIALS: "4",
    BillingModel.FIXED_FEE: "2",
    BillingModel.MILESTONE: "3",
    BillingModel.RETAINER: "2",
}

Batch = tuple[str, list[dict[str, Any]]]


def ref(rid: str | None) -> dict[str, str] | None:
    return {"id": rid} if rid is not None else None


def employee_id(c: Consultant) -> str:
    """NetSuite employee id: ``CON-000042`` -> ``100042`` (an employee's Employee_ID too)."""
    return str(EMPLOYEE_BASE + int(c.id.rsplit("-", 1)[1]))


def currency_ids(firm: Firm) -> dict[str, str]:
    """ISO code -> NetSuite currency id: the account's presets, then the firm's others in order."""
    out = {code: rid for code, rid in PRESET_CURRENCIES.items()}
    following = len(PRESET_CURRENCIES)
    for c in firm.currencies:
        if c.id not in out:
            following += 1
            out[c.id] = str(following)
    return out


def netsuite_batches(firm: Firm) -> Iterator[Batch]:
    """(record type, records) in load order: every reference before the record naming it."""
    minor = {c.id: c.minor_units for c in firm.currencies}

    def amount(value_minor: int | float, currency: str) -> float:
        return float(Decimal(str(value_minor)).scaleb(-minor[currency]))

    cur = currency_ids(firm)
    yield (
        "currency",
        [
            {
                "id": cur[c.id],
                "name": c.name,
                "symbol": c.id,
                "displaySymbol": c.symbol,
                "exchangeRate": float(c.usd_rate),
                "isBaseCurrency": False,
            }
            for c in firm.currencies
            if c.id not in PRESET_CURRENCIES
        ],
    )
    entities = {e.id: e for e in firm.legal_entities}
    yield (
        "subsidiary",
        [
            {
                "id": e.erp_id,
                "externalId": e.id,
                "name": e.name,
                "legalName": e.name,
                "parent": ref(PARENT_SUBSIDIARY),
                "currency": ref(cur[e.currency]),
                "country": e.country,
            }
            for e in firm.legal_entities
        ],
    )

    items = {r.id: str(ITEM_BASE + i) for i, r in enumerate(firm.roles, start=1)}
    base_card = firm.rate_cards[0]
    list_rates = {
        line.role_id: amount(line.bill_rate_minor, base_card.currency)
        for line in firm.rate_card_lines
        if line.rate_card_id == base_card.id
    }
    milestone_item: dict[str, Any] = {
        "id": MILESTONE_ITEM,
        "externalId": "MILESTONE",
        "itemId": "Milestone Billing",
        "displayName": "Milestone Billing",
        "salesDescription": "Fixed-fee milestone",
        "subsidiary": ref(PARENT_SUBSIDIARY),
        "includeChildren": True,
    }
    yield (
        "serviceItem",
        [
            milestone_item,
            *(
                {
                    "id": items[r.id],
                    "externalId": r.id,
                    "itemId": r.name,
                    "displayName": r.name,
                    "salesDescription": f"{r.name} (hourly)",
                    "rate": list_rates.get(r.id),
                    "subsidiary": ref(PARENT_SUBSIDIARY),
                    "includeChildren": True,
                }
                for r in firm.roles
            ),
        ],
    )

    consultants = {c.id: c for c in firm.consultants}
    # a supervisor must exist before the people reporting to them: managers are more senior
    yield (
        "employee",
        [
            {
                "id": employee_id(c),
                "externalId": c.hcm_id,
                "firstName": c.first_name,
                "lastName": c.last_name,
                "email": c.email,
                "title": c.title,
                "subsidiary": ref(entities[c.legal_entity_id].erp_id),
                "currency": ref(cur[c.currency]),
                "supervisor": ref(employee_id(consultants[c.manager_id]) if c.manager_id else None),
                "laborCost": amount(c.cost_rate_minor, c.currency),
                "hireDate": c.hire_date.isoformat(),
                "isJobResource": True,
            }
            for c in sorted(firm.consultants, key=lambda c: (-c.level, c.id))
        ],
    )

    won = {o.account_id for o in firm.opportunities if o.stage is OpportunityStage.CLOSED_WON} | {
        p.account_id for p in firm.projects
    }
    accounts = {a.id: a for a in firm.accounts}
    yield (
        "customer",
        [
            {
                "id": a.erp_id,
                "externalId": a.erp_external_id,
                "companyName": a.name,
                "subsidiary": ref(entities[a.legal_entity_id].erp_id),
                "currency": ref(cur[a.currency]),
                "url": a.website,
                "comments": f"{a.industry}; {a.city}, {a.country}",
            }
            for a in firm.accounts
            if a.id in won
        ],
    )
    yield (
        "job",
        [
            {
                "id": p.erp_id,
                "externalId": p.external_ref,
                "companyName": p.name,
                "parent": ref(accounts[p.account_id].erp_id),
                "subsidiary": ref(entities[p.legal_entity_id].erp_id),
                "currency": ref(cur[p.currency]),
                "entityStatus": ref(JOB_STATUS[p.status]),
                "startDate": p.start_date.isoformat(),
                "projectedEndDate": p.end_date.isoformat(),
                "endDate": p.end_date.isoformat() if p.status is ProjectStatus.COMPLETED else None,
                "projectManager": ref(
                    employee_id(consultants[p.project_manager_id])
                    if p.project_manager_id in consultants
                    else None
                ),
                "jobBillingType": ref(BILLING_TYPES[p.billing_model]),
                "comments": f"PSA workspace {p.psa_id}",
            }
            for p in firm.projects
        ],
    )

    projects = {p.id: p for p in firm.projects}
    assignments = {a.id: a for a in firm.assignments}
    bills: list[dict[str, Any]] = []
    time_of_line: dict[str, list[str]] = {}
    for t in firm.time_entries:
        if not (t.billable and t.status is TimeEntryStatus.APPROVED):
            continue
        p, a = projects[t.project_id], assignments[t.assignment_id]
        tid = number(t.id)  # the PSA time entry's id
        bills.append(
            {
                "id": tid,
                "externalId": tid,
                "employee": ref(employee_id(consultants[t.consultant_id])),
                "customer": ref(p.erp_id),
                "item": ref(items[a.role_id]),
                "hours": t.hours,
                "tranDate": t.work_date.isoformat(),
                "isBillable": True,
                "rate": amount(a.bill_rate_minor, a.currency),
                "approvalStatus": ref("3"),
                "supervisorApproval": True,
                "timeType": ref("A"),
            }
        )
        if t.invoice_line_id is not None:
            time_of_line.setdefault(t.invoice_line_id, []).append(tid)
    yield "timeBill", bills

    milestones = {m.id: m for m in firm.milestones}
    lines: dict[str, list[InvoiceLine]] = {}
    for line in firm.invoice_lines:
        lines.setdefault(line.invoice_id, []).append(line)
    invoices = []
    for inv in firm.invoices:
        item_lines: list[dict[str, Any]] = []
        time_lines: list[dict[str, Any]] = []
        for line in lines.get(inv.id, []):
            if line.kind is InvoiceLineKind.MILESTONE:
                m = milestones.get(line.milestone_id or "")
                item_lines.append(
                    {
                        "item": ref(MILESTONE_ITEM),
                        "description": m.name if m else "Milestone",
                        "quantity": 1.0,
                        "rate": amount(line.amount_minor, inv.currency),
                        "amount": amount(line.amount_minor, inv.currency),
                        "isBillable": True,
                    }
                )
            else:
                time_lines.extend(
                    {"doc": ref(tid), "apply": True} for tid in time_of_line.get(line.id, [])
                )
        invoices.append(
            {
                "id": inv.erp_id,
                "externalId": inv.id,
                "entity": ref(projects[inv.project_id].erp_id),
                "subsidiary": ref(entities[inv.legal_entity_id].erp_id),
                "currency": ref(cur[inv.currency]),
                "tranDate": inv.invoice_date.isoformat(),
                "dueDate": inv.due_date.isoformat(),
                "memo": f"Services {inv.period_start.isoformat()} to {inv.period_end.isoformat()}",
                "item": {"items": item_lines},
                "time": {"items": time_lines},
            }
        )
    yield "invoice", invoices
