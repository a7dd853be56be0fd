"""Suppliers, purchase orders, receipts and supplier invoices: the documents as stored.

The service builds each document, runs Coupa's rules on it (``_rules.py``, given at
construction) and saves it; ``?exported=true`` on a PUT marks any document exported, as
integrations do.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from simulators.engine import Tenant

from ._errors import bad_request, invalid, not_found
from ._query import Condition
from ._settings import CoupaSettings

if TYPE_CHECKING:
    from ._rules import ProcurementRules

SUPPLIERS, ORDERS, RECEIPTS, INVOICES = (
    "suppliers",
    "purchase_orders",
    "receiving_transactions",
    "invoices",
)
LINES = "order_lines"  # line id -> order id, for receipts and invoices


def _now(tenant: Tenant) -> str:
    return datetime.fromtimestamp(tenant.clock.time(), UTC).isoformat(timespec="seconds")


def save(tenant: Tenant, type_: str, rec: dict[str, Any], new: bool) -> dict[str, Any]:
    """Stamp and store one document (inserted when ``new``)."""
    now = _now(tenant)
    rec["updated-at"] = now
    if new:
        rec["created-at"] = now
        tenant.store.insert(type_, str(rec["id"]), rec, now, at=tenant.clock.time())
    else:
        prev = tenant.store.get(type_, str(rec["id"])) or {}
        tenant.store.update(
            type_,
            str(rec["id"]),
            rec,
            prev,
            now,
            changed_fields=[k for k in rec if rec.get(k) != prev.get(k)],
            at=tenant.clock.time(),
        )
    return rec


def order_and_line(tenant: Tenant, line_id: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The order holding an order line, and the line."""
    link = tenant.store.get(LINES, str(line_id))
    if link is None:
        raise invalid(
            f"Unable to find valid OrderLine record for order-line with keys {{'id': {line_id!r}}}"
        )
    order = tenant.store.get(ORDERS, str(link["order-id"]))
    assert order is not None
    line = next(ln for ln in order["order-lines"] if ln["id"] == int(line_id))
    return order, line


class Procurement:
    """The write and read paths of one tenant's procurement documents."""

    def __init__(self, settings: CoupaSettings, rules: ProcurementRules) -> None:
        self.settings = settings
        #: Coupa's rules, run on every document before it is saved
        self.rules = rules

    # -- shared ----------------------------------------------------------------------

    def _next_id(self, tenant: Tenant, type_: str) -> int:
        return tenant.store.next_sequence(f"coupa.{type_}")

    def get(self, tenant: Tenant, type_: str, rid: str, label: str) -> dict[str, Any]:
        rec = tenant.store.get(type_, rid) if rid.isdigit() else None
        if rec is None:
            raise not_found(label, rid)
        return rec

    def query(
        self, tenant: Tenant, type_: str, conds: list[Condition], limit: int, offset: int
    ) -> list[dict[str, Any]]:
        """Matching records in id order (a scan: procurement volumes are small)."""
        matched = (r for r in self._in_id_order(tenant, type_) if all(c.holds(r) for c in conds))
        out = []
        for i, rec in enumerate(matched):
            if i < offset:
                continue
            out.append(rec)
            if len(out) >= limit:
                break
        return out

    def _in_id_order(self, tenant: Tenant, type_: str) -> Iterator[dict[str, Any]]:
        return iter(sorted(tenant.store.iter_type(type_), key=lambda r: int(r["id"])))

    def mark_exported(
        self, tenant: Tenant, type_: str, rec: dict[str, Any], flag: str
    ) -> dict[str, Any]:
        if flag not in ("true", "false"):
            raise bad_request("exported must be true or false")
        rec["exported"] = flag == "true"
        if rec["exported"]:
            rec["last-exported-at"] = _now(tenant)
        return save(tenant, type_, rec, new=False)

    # -- suppliers -------------------------------------------------------------------

    def create_supplier(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        name, status, method = self.rules.supplier(tenant, body)
        rid = self._next_id(tenant, SUPPLIERS)
        rec = {
            "id": rid,
            "name": name,
            "display-name": body.get("display-name") or name,
            "number": str(body["number"]) if body.get("number") else str(rid),
            "status": status,
            "po-method": method,
            "po-email": body.get("po-email"),
            "tax-id": body.get("tax-id"),
            "primary-contact": body.get("primary-contact"),
            "primary-address": body.get("primary-address"),
            "payment-term": body.get("payment-term"),
        }
        with tenant.store.transaction():
            return save(tenant, SUPPLIERS, rec, new=True)

    # -- purchase orders -------------------------------------------------------------

    def create_order(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        kind, number, supplier, currency, lines_in = self.rules.order(tenant, body)
        rid = self._next_id(tenant, ORDERS)
        lines = [
            self.rules.order_line(tenant, rid, i, ln, currency) for i, ln in enumerate(lines_in, 1)
        ]
        rec = {
            "id": rid,
            "po-number": number,
            "type": kind,
            "status": "issued",
            "version": 1,
            "internal-revision": 1,
            "exported": False,
            "supplier": supplier,
            "currency": {"code": str(currency.get("code") or "USD")},
            "ship-to-attention": body.get("ship-to-attention"),
            "order-lines": lines,
            "custom-fields": self.rules.custom(body),
        }
        with tenant.store.transaction():
            for ln in lines:
                tenant.store.insert(
                    LINES, str(ln["id"]), {"id": ln["id"], "order-id": rid}, "", emit=False
                )
            return save(tenant, ORDERS, rec, new=True)

    def order_action(self, tenant: Tenant, rec: dict[str, Any], action: str) -> dict[str, Any]:
        self.rules.order_action(rec, action)
        with tenant.store.transaction():
            return save(tenant, ORDERS, rec, new=False)

    # -- receipts --------------------------------------------------------------------

    def create_receipt(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        order, line, amount, kind, total = self.rules.receive(tenant, body)
        rid = self._next_id(tenant, RECEIPTS)
        rec = {
            "id": rid,
            "type": kind,
            "status": "created",
            "quantity": amount if kind == "ReceivingQuantityConsumption" else None,
            "price": line["price"],
            "total": total,
            "transaction-date": body.get("transaction-date") or _now(tenant),
            "order-line": {
                "id": line["id"],
                "line-num": line["line-num"],
                "order-header-id": order["id"],
            },
            "exported": False,
        }
        with tenant.store.transaction():
            save(tenant, ORDERS, order, new=False)
            return save(tenant, RECEIPTS, rec, new=True)

    # -- invoices --------------------------------------------------------------------

    def create_invoice(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        number, supplier = self.rules.invoice(tenant, body)
        lines = self.rules.invoice_lines(tenant, body, supplier)
        rid = self._next_id(tenant, INVOICES)
        rec = {
            "id": rid,
            "invoice-number": number,
            "invoice-date": str(body["invoice-date"]),
            "status": "draft",
            "supplier": supplier,
            "currency": {"code": self.rules.currency_code(body)},
            "invoice-lines": lines,
            "gross-total": round(sum(float(ln["total"] or 0) for ln in lines), 2),
            "tolerance-failures": [],
            "exported": False,
            "paid": False,
            "custom-fields": self.rules.custom(body),
        }
        with tenant.store.transaction():
            return save(tenant, INVOICES, rec, new=True)

    def invoice_action(self, tenant: Tenant, rec: dict[str, Any], action: str) -> dict[str, Any]:
        self.rules.invoice_action(tenant, rec, action)
        with tenant.store.transaction():
            return save(tenant, INVOICES, rec, new=False)
