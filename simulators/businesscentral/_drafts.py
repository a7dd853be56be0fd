"""A sales or purchase document's draft number and status, set once when it is created."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import Tenant

if TYPE_CHECKING:
    from ._records import Records


def open_draft(
    records: Records,
    tenant: Tenant,
    company: str,
    rec: dict[str, Any],
    prev: dict[str, Any] | None,
    series: str,
    start: int,
) -> None:
    """Drop the bulk-load marker; a new document gets the next number of ``series`` and Draft."""
    rec.pop("_system", None)
    if prev is None:
        if not rec.get("number"):
            rec["number"] = records.next_number(tenant, company, series, width=6, start=start)
        rec["status"] = rec.get("status") or "Draft"
