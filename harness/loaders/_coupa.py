"""Procurement's view of the firm: each contractor is a subcontractor supplier in Coupa, and
each of a contractor's assignments is an external purchase order for its planned hours.

Suppliers are numbered ``SUB-<HCM id>`` (the contractor's Employee_ID) with the
contractor's e-mail as the primary contact and PO e-mail; a purchase order is
``PO-<PSA assignment id>`` with one quantity line (planned hours at the contractor's cost
rate) and the project's ERP job and PSA ids in its custom fields, so a stack can find
the order from either side.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from harness.data import Firm
from harness.data._model import WorkerType


def coupa_batches(firm: Firm) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    contractors = {c.id: c for c in firm.consultants if c.worker_type is WorkerType.CONTRACTOR}
    suppliers = [
        {
            "name": f"{c.first_name} {c.last_name} Consulting",
            "number": f"SUB-{c.hcm_id}",
            "status": "active",
            "po-method": "email",
            "po-email": c.email,
            "primary-contact": {
                "email": c.email,
                "name-given": c.first_name,
                "name-family": c.last_name,
            },
            "payment-term": {"code": "Net 30"},
        }
        for c in contractors.values()
    ]
    yield "suppliers", suppliers
    projects = {p.id: p for p in firm.projects}
    orders = []
    for a in firm.assignments:
        c = contractors.get(a.consultant_id)
        project = projects.get(a.project_id)
        if c is None or project is None:
            continue
        weeks = Decimal((a.end_date - a.start_date).days + 1) / 7
        hours = (Decimal(str(a.hours_per_week)) * weeks).quantize(Decimal("0.01"))
        if hours <= 0:
            continue
        orders.append(
            {
                "po-number": f"PO-{a.psa_id}"[:20],
                "supplier": {"number": f"SUB-{c.hcm_id}"},
                "currency": {"code": c.currency},
                "custom-fields": {
                    "erp-job": project.erp_id,
                    "project-code": project.psa_id,
                    "psa-assignment": a.psa_id,
                },
                "order-lines": [
                    {
                        "type": "OrderQuantityLine",
                        "description": f"{c.first_name} {c.last_name}: {project.name}"[:255],
                        "quantity": float(hours),
                        "price": c.cost_rate_minor / 100,
                        "need-by-date": a.end_date.isoformat(),
                    }
                ],
            }
        )
    yield "purchase_orders", orders
