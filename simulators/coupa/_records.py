"""Suppliers, purchase orders, receipts and supplier invoices, with Coupa's rules.

- A purchase order made through the API is an ``ExternalOrderHeader``; its lines are
  ``OrderQuantityLine`` (quantity x price) or ``OrderAmountLine`` (an amount, as for
  services); ``po-number`` is unique; a new order is ``issued``. ``issue``, ``cancel``
  and ``close`` are actions on it.
- A receipt (``receiving_transactions``) consumes an order line: a quantity, or an
  amount for an amount line; it cannot exceed what is left to receive.
- A supplier invoice starts as a ``draft``; its number is unique per supplier. On
  ``submit`` it is matched to its order lines (two-way match): within the order line's
  amount (plus the tolerance) it is ``approved``, else ``on_hold``. ``void`` undoes the
  match. ``?exported=true`` on a PUT marks any document exported, as integrations do.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from simulators.engine import Tenant

from ._errors import bad_request, invalid, not_found
from ._query import Condition
from ._settings import CoupaSettings

SUPPLIERS, ORDERS, RECEIPTS, INVOICES = (
    "suppliers",
    "purchase_orders",
    "receiving_transactions",
    "invoices",
)
LINES = "order_lines"  # line id -> order id, for receipts and invoices
SUPPLIER_STATUSES = ("active", "inactive", "draft")
PO_METHODS = ("cxml", "xml", "email", "integration", "prompt", "buy_online")
LINE_TYPES = ("OrderQuantityLine", "OrderAmountLine")


def _now(tenant: Tenant) -> str:
    return datetime.fromtimestamp(tenant.clock.time(), UTC).isoformat(timespec="seconds")


def _money(value: Any, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise invalid(f"{name} must be a number")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise invalid(f"{name} must be a number, not {value!r}") from None
    if out != out or out in (float("inf"), float("-inf")) or abs(out) > 1e13:
        raise invalid(f"{name} is out of range")
    return round(out, 2)


def _ref(value: Any, name: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, int | str) and not isinstance(value, bool):
        return {"id": value}
    raise invalid(f'{name} must be an object such as {{"id": 1}}')


class Procurement:
    """The write and read rules of one tenant's procurement documents."""

    def __init__(self, settings: CoupaSettings) -> None:
        self.settings = settings

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

    def _save(self, tenant: Tenant, type_: str, rec: dict[str, Any], new: bool) -> dict[str, Any]:
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

    def mark_exported(
        self, tenant: Tenant, type_: str, rec: dict[str, Any], flag: str
    ) -> dict[str, Any]:
        if flag not in ("true", "false"):
            raise bad_request("exported must be true or false")
        rec["exported"] = flag == "true"
        if rec["exported"]:
            rec["last-exported-at"] = _now(tenant)
        return self._save(tenant, type_, rec, new=False)

    def _custom(self, body: dict[str, Any]) -> dict[str, Any]:
        given = body.get("custom-fields") or {}
        if not isinstance(given, dict):
            raise invalid("custom-fields must be an object")
        unknown = sorted(set(given) - set(self.settings.custom_fields))
        if unknown:
            raise invalid(f"Unknown custom field(s): {', '.join(unknown)}")
        return {k: given.get(k) for k in self.settings.custom_fields}

    # -- suppliers -------------------------------------------------------------------

    def supplier_ref(self, tenant: Tenant, value: Any) -> dict[str, Any]:
        ref = _ref(value, "supplier")
        if ref.get("id") is not None:
            rec = tenant.store.get(SUPPLIERS, str(ref["id"]))
        else:
            key = "number" if ref.get("number") else "name"
            if not ref.get(key):
                raise invalid("supplier needs an id, a number or a name")
            rec = next(
                (s for s in tenant.store.iter_type(SUPPLIERS) if s.get(key) == str(ref[key])), None
            )
        if rec is None:
            raise invalid(f"Unable to find valid Supplier record for supplier with keys {ref}")
        return {"id": rec["id"], "name": rec["name"], "number": rec.get("number")}

    def create_supplier(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        name = str(body.get("name") or "").strip()
        if not name:
            raise invalid("Name can't be blank")
        for other in tenant.store.iter_type(SUPPLIERS):
            if other["name"].lower() == name.lower():
                raise invalid("Name has already been taken")
            if body.get("number") and other.get("number") == str(body["number"]):
                raise invalid("Number has already been taken")
        status = str(body.get("status") or "active")
        if status not in SUPPLIER_STATUSES:
            raise invalid(f"Supplier status must be one of {', '.join(SUPPLIER_STATUSES)}")
        method = str(body.get("po-method") or "email")
        if method not in PO_METHODS:
            raise invalid(f"PO method must be one of {', '.join(PO_METHODS)}")
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
            return self._save(tenant, SUPPLIERS, rec, new=True)

    # -- purchase orders -------------------------------------------------------------

    def create_order(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        kind = str(body.get("type") or "ExternalOrderHeader")
        if kind != "ExternalOrderHeader":
            raise invalid("Only an ExternalOrderHeader can be created through the API")
        number = str(body.get("po-number") or "").strip()
        if not number:
            raise invalid("Po number can't be blank")
        if len(number) > 20:
            raise invalid("Po number is too long (maximum is 20 characters)")
        if any(o["po-number"] == number for o in tenant.store.iter_type(ORDERS)):
            raise invalid("Po number has already been taken")
        supplier = self.supplier_ref(tenant, body.get("supplier"))
        currency = _ref(body.get("currency") or {"code": "USD"}, "currency")
        lines_in = body.get("order-lines")
        if not isinstance(lines_in, list) or not lines_in:
            raise invalid("Order lines can't be blank")
        rid = self._next_id(tenant, ORDERS)
        lines = [self._order_line(tenant, rid, i, ln, currency) for i, ln in enumerate(lines_in, 1)]
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
            "custom-fields": self._custom(body),
        }
        with tenant.store.transaction():
            for ln in lines:
                tenant.store.insert(
                    LINES, str(ln["id"]), {"id": ln["id"], "order-id": rid}, "", emit=False
                )
            return self._save(tenant, ORDERS, rec, new=True)

    def _order_line(
        self, tenant: Tenant, order_id: int, num: int, given: Any, currency: dict[str, Any]
    ) -> dict[str, Any]:
        if not isinstance(given, dict):
            raise invalid(f"order line {num} must be an object")
        given = {str(k).replace("_", "-"): v for k, v in given.items()}
        kind = str(given.get("type") or "OrderQuantityLine")
        if kind not in LINE_TYPES:
            raise invalid(f"order line {num}: type must be one of {', '.join(LINE_TYPES)}")
        price = _money(given.get("price"), f"order line {num} price")
        if kind == "OrderQuantityLine":
            quantity: float | None = _money(given.get("quantity"), f"order line {num} quantity")
            assert quantity is not None
            if quantity <= 0:
                raise invalid(f"order line {num}: Quantity must be greater than 0")
            total = round(quantity * price, 2)
        else:
            quantity, total = None, price
        if price < 0:
            raise invalid(f"order line {num}: Price must be greater than or equal to 0")
        return {
            "id": tenant.store.next_sequence("coupa.order_lines"),
            "line-num": int(given.get("line-num") or num),
            "type": kind,
            "description": str(given.get("description") or "")[:255],
            "quantity": quantity,
            "price": price,
            "total": total,
            "received": 0.0,
            "invoiced": 0.0,
            "status": "created",
            "need-by-date": given.get("need-by-date"),
            "currency": {"code": str(currency.get("code") or "USD")},
            "order-header-id": order_id,
        }

    def order_action(self, tenant: Tenant, rec: dict[str, Any], action: str) -> dict[str, Any]:
        allowed = {
            "issue": ("draft", "buyer_hold", "supplier_hold"),
            "cancel": ("draft", "issued", "buyer_hold", "supplier_hold"),
            "close": ("issued",),
        }[action]
        if rec["status"] not in allowed:
            raise invalid(f"Cannot {action} an order that is {rec['status']}")
        if action == "cancel" and any(
            ln["received"] or ln["invoiced"] for ln in rec["order-lines"]
        ):
            raise invalid("Cannot cancel an order that has receipts or invoices")
        rec["status"] = {"issue": "issued", "cancel": "cancelled", "close": "closed"}[action]
        rec["internal-revision"] += 1
        with tenant.store.transaction():
            return self._save(tenant, ORDERS, rec, new=False)

    def _line(self, tenant: Tenant, line_id: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        link = tenant.store.get(LINES, str(line_id))
        if link is None:
            raise invalid(
                f"Unable to find valid OrderLine record for order-line with keys {{'id': {line_id!r}}}"
            )
        order = tenant.store.get(ORDERS, str(link["order-id"]))
        assert order is not None
        line = next(ln for ln in order["order-lines"] if ln["id"] == int(line_id))
        return order, line

    # -- receipts --------------------------------------------------------------------

    def create_receipt(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        line_ref = _ref(body.get("order-line"), "order-line")
        order, line = self._line(tenant, line_ref.get("id"))
        if order["status"] != "issued":
            raise invalid(f"Cannot receive against an order that is {order['status']}")
        if line["type"] == "OrderQuantityLine":
            amount = _money(body.get("quantity"), "quantity")
            left = (line["quantity"] or 0) - line["received"]
            kind, total = "ReceivingQuantityConsumption", round(amount * line["price"], 2)
        else:
            amount = _money(
                body.get("total") if body.get("total") is not None else body.get("price"), "total"
            )
            left = line["total"] - line["received"]
            kind, total = "ReceivingAmountConsumption", amount
        if amount <= 0:
            raise invalid("Quantity must be greater than 0")
        if amount > round(left, 2) + 1e-9:
            raise invalid(
                f"Receipt of {amount} exceeds the {round(left, 2)} left to receive on the order line"
            )
        line["received"] = round(line["received"] + amount, 2)
        line["status"] = (
            "received"
            if line["received"] >= (line["quantity"] or line["total"])
            else "partially_received"
        )
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
            self._save(tenant, ORDERS, order, new=False)
            return self._save(tenant, RECEIPTS, rec, new=True)

    # -- invoices --------------------------------------------------------------------

    def create_invoice(self, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
        number = str(body.get("invoice-number") or "").strip()
        if not number:
            raise invalid("Invoice # can't be blank")
        if not body.get("invoice-date"):
            raise invalid("Invoice date can't be blank")
        supplier = self.supplier_ref(tenant, body.get("supplier"))
        for other in tenant.store.iter_type(INVOICES):
            if (
                other["invoice-number"] == number
                and other["supplier"]["id"] == supplier["id"]
                and other["status"] != "voided"
            ):
                raise invalid("Invoice # has already been used")
        lines_in = body.get("invoice-lines")
        if not isinstance(lines_in, list) or not lines_in:
            raise invalid("Invoice lines can't be blank")
        lines = []
        for num, given in enumerate(lines_in, 1):
            if not isinstance(given, dict):
                raise invalid(f"invoice line {num} must be an object")
            given = {str(k).replace("_", "-"): v for k, v in given.items()}
            line_id = given.get("order-line-id") or (
                _ref(given["order-line"], "order-line").get("id")
                if given.get("order-line")
                else None
            )
            order, oline = self._line(tenant, line_id) if line_id is not None else (None, None)
            if order is not None and order["supplier"]["id"] != supplier["id"]:
                raise invalid(f"invoice line {num}: the order line belongs to another supplier")
            if (oline is not None and oline["type"] == "OrderAmountLine") or given.get(
                "type"
            ) == "InvoiceAmountLine":
                total = _money(
                    given.get("total") if given.get("total") is not None else given.get("price"),
                    f"invoice line {num} total",
                )
                quantity, price, kind = None, total, "InvoiceAmountLine"
            else:
                quantity = _money(given.get("quantity"), f"invoice line {num} quantity")
                price = _money(
                    given.get("price")
                    if given.get("price") is not None
                    else (oline or {}).get("price"),
                    f"invoice line {num} price",
                )
                total, kind = round(quantity * price, 2), "InvoiceQuantityLine"
            lines.append(
                {
                    "id": tenant.store.next_sequence("coupa.invoice_lines"),
                    "line-num": num,
                    "type": kind,
                    "description": str(
                        given.get("description") or (oline or {}).get("description") or ""
                    )[:255],
                    "quantity": quantity,
                    "price": price,
                    "total": total,
                    "order-line-id": oline["id"] if oline else None,
                    "po-number": order["po-number"] if order else None,
                }
            )
        rid = self._next_id(tenant, INVOICES)
        rec = {
            "id": rid,
            "invoice-number": number,
            "invoice-date": str(body["invoice-date"]),
            "status": "draft",
            "supplier": supplier,
            "currency": {
                "code": str(
                    _ref(body.get("currency") or {"code": "USD"}, "currency").get("code") or "USD"
                )
            },
            "invoice-lines": lines,
            "gross-total": round(sum(float(ln["total"] or 0) for ln in lines), 2),
            "tolerance-failures": [],
            "exported": False,
            "paid": False,
            "custom-fields": self._custom(body),
        }
        with tenant.store.transaction():
            return self._save(tenant, INVOICES, rec, new=True)

    def invoice_action(self, tenant: Tenant, rec: dict[str, Any], action: str) -> dict[str, Any]:
        if action == "submit":
            if rec["status"] != "draft":
                raise invalid(f"Cannot submit an invoice that is {rec['status']}")
            failures = self._match(tenant, rec)
            rec["tolerance-failures"] = failures
            rec["status"] = "on_hold" if failures else "approved"
        elif action == "void":
            if rec["status"] in ("voided",) or rec.get("paid"):
                raise invalid(
                    f"Cannot void an invoice that is {'paid' if rec.get('paid') else rec['status']}"
                )
            if rec["status"] == "approved":
                self._unmatch(tenant, rec)
            rec["status"] = "voided"
        with tenant.store.transaction():
            return self._save(tenant, INVOICES, rec, new=False)

    def _match(self, tenant: Tenant, rec: dict[str, Any]) -> list[str]:
        """Two-way match; consumes the order lines when every line is within tolerance."""
        failures: list[str] = []
        touched: dict[int, dict[str, Any]] = {}
        for ln in rec["invoice-lines"]:
            if ln["order-line-id"] is None:
                continue
            order, oline = self._line(tenant, ln["order-line-id"])
            order = touched.get(order["id"], order)
            oline = next(x for x in order["order-lines"] if x["id"] == ln["order-line-id"])
            ordered = oline["total"]
            amount = ln["total"]
            if oline["invoiced"] + amount > ordered * (1 + self.settings.invoice_tolerance) + 0.005:
                failures.append(
                    f"Line {ln['line-num']}: invoiced {oline['invoiced'] + amount:.2f} exceeds "
                    f"PO {order['po-number']} line {oline['line-num']} amount {ordered:.2f}"
                )
                continue
            oline["invoiced"] = round(oline["invoiced"] + amount, 2)
            touched[order["id"]] = order
        if not failures:
            for order in touched.values():
                self._save(tenant, ORDERS, order, new=False)
        return failures

    def _unmatch(self, tenant: Tenant, rec: dict[str, Any]) -> None:
        for ln in rec["invoice-lines"]:
            if ln["order-line-id"] is None:
                continue
            order, oline = self._line(tenant, ln["order-line-id"])
            oline["invoiced"] = round(oline["invoiced"] - ln["total"], 2)
            self._save(tenant, ORDERS, order, new=False)
