"""Coupa's rules on procurement documents: the values a document takes, its references,
the actions on it and the two-way match.

- A purchase order made through the API is an ``ExternalOrderHeader``; its lines are
  ``OrderQuantityLine`` (quantity x price) or ``OrderAmountLine`` (an amount, as for
  services); ``po-number`` is unique; a new order is ``issued``. ``issue``, ``cancel``
  and ``close`` are actions on it.
- A receipt (``receiving_transactions``) consumes an order line: a quantity, or an
  amount for an amount line; it cannot exceed what is left to receive.
- A supplier invoice starts as a ``draft``; its number is unique per supplier. On
  ``submit`` it is matched to its order lines (two-way match): within the order line's
  amount (plus the tolerance) it is ``approved``, else ``on_hold``. ``void`` undoes the
  match.
"""

from __future__ import annotations

from typing import Any

from simulators.engine import Tenant

from ._errors import invalid
from ._records import INVOICES, ORDERS, SUPPLIERS, order_and_line, save
from ._settings import CoupaSettings

SUPPLIER_STATUSES = ("active", "inactive", "draft")
PO_METHODS = ("cxml", "xml", "email", "integration", "prompt", "buy_online")
LINE_TYPES = ("OrderQuantityLine", "OrderAmountLine")


def money(value: Any, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise invalid(f"{name} must be a number")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise invalid(f"{name} must be a number, not {value!r}") from None
    if out != out or out in (float("inf"), float("-inf")) or abs(out) > 1e13:
        raise invalid(f"{name} is out of range")
    return round(out, 2)


def ref(value: Any, name: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, int | str) and not isinstance(value, bool):
        return {"id": value}
    raise invalid(f'{name} must be an object such as {{"id": 1}}')


class ProcurementRules:
    """What a document must satisfy before it is saved, and what an action changes."""

    def __init__(self, settings: CoupaSettings) -> None:
        self.settings = settings

    def custom(self, body: dict[str, Any]) -> dict[str, Any]:
        given = body.get("custom-fields") or {}
        if not isinstance(given, dict):
            raise invalid("custom-fields must be an object")
        unknown = sorted(set(given) - set(self.settings.custom_fields))
        if unknown:
            raise invalid(f"Unknown custom field(s): {', '.join(unknown)}")
        return {k: given.get(k) for k in self.settings.custom_fields}

    @staticmethod
    def currency_code(body: dict[str, Any]) -> str:
        return str(ref(body.get("currency") or {"code": "USD"}, "currency").get("code") or "USD")

    # -- suppliers -------------------------------------------------------------------

    def supplier_ref(self, tenant: Tenant, value: Any) -> dict[str, Any]:
        sref = ref(value, "supplier")
        if sref.get("id") is not None:
            rec = tenant.store.get(SUPPLIERS, str(sref["id"]))
        else:
            key = "number" if sref.get("number") else "name"
            if not sref.get(key):
                raise invalid("supplier needs an id, a number or a name")
            rec = next(
                (s for s in tenant.store.iter_type(SUPPLIERS) if s.get(key) == str(sref[key])),
                None,
            )
        if rec is None:
            raise invalid(f"Unable to find valid Supplier record for supplier with keys {sref}")
        return {"id": rec["id"], "name": rec["name"], "number": rec.get("number")}

    def supplier(self, tenant: Tenant, body: dict[str, Any]) -> tuple[str, str, str]:
        """A new supplier's (name, status, po-method), each checked."""
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
        return name, status, method

    # -- purchase orders -------------------------------------------------------------

    def order(
        self, tenant: Tenant, body: dict[str, Any]
    ) -> tuple[str, str, dict[str, Any], dict[str, Any], list[Any]]:
        """A new order's (type, po-number, supplier, currency, lines as given), each checked."""
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
        currency = ref(body.get("currency") or {"code": "USD"}, "currency")
        lines_in = body.get("order-lines")
        if not isinstance(lines_in, list) or not lines_in:
            raise invalid("Order lines can't be blank")
        return kind, number, supplier, currency, lines_in

    def order_line(
        self, tenant: Tenant, order_id: int, num: int, given: Any, currency: dict[str, Any]
    ) -> dict[str, Any]:
        if not isinstance(given, dict):
            raise invalid(f"order line {num} must be an object")
        given = {str(k).replace("_", "-"): v for k, v in given.items()}
        kind = str(given.get("type") or "OrderQuantityLine")
        if kind not in LINE_TYPES:
            raise invalid(f"order line {num}: type must be one of {', '.join(LINE_TYPES)}")
        price = money(given.get("price"), f"order line {num} price")
        if kind == "OrderQuantityLine":
            quantity: float | None = money(given.get("quantity"), f"order line {num} quantity")
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

    @staticmethod
    def order_action(rec: dict[str, Any], action: str) -> None:
        """``issue``, ``cancel`` or ``close`` applied to the order, when its status allows."""
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

    # -- receipts --------------------------------------------------------------------

    @staticmethod
    def receive(
        tenant: Tenant, body: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any], float, str, float]:
        """(order, line, amount, type, total) of a receipt; the line's received amount moves."""
        line_ref = ref(body.get("order-line"), "order-line")
        order, line = order_and_line(tenant, line_ref.get("id"))
        if order["status"] != "issued":
            raise invalid(f"Cannot receive against an order that is {order['status']}")
        if line["type"] == "OrderQuantityLine":
            amount = money(body.get("quantity"), "quantity")
            left = (line["quantity"] or 0) - line["received"]
            kind, total = "ReceivingQuantityConsumption", round(amount * line["price"], 2)
        else:
            amount = money(
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
        return order, line, amount, kind, total

    # -- invoices --------------------------------------------------------------------

    def invoice(self, tenant: Tenant, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """A new invoice's (number, supplier), checked: the number is unique per supplier among
        the invoices not voided."""
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
        return number, supplier

    @staticmethod
    def invoice_lines(
        tenant: Tenant, body: dict[str, Any], supplier: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lines_in = body.get("invoice-lines")
        if not isinstance(lines_in, list) or not lines_in:
            raise invalid("Invoice lines can't be blank")
        lines = []
        for num, given in enumerate(lines_in, 1):
            if not isinstance(given, dict):
                raise invalid(f"invoice line {num} must be an object")
            given = {str(k).replace("_", "-"): v for k, v in given.items()}
            line_id = given.get("order-line-id") or (
                ref(given["order-line"], "order-line").get("id")
                if given.get("order-line")
                else None
            )
            order, oline = order_and_line(tenant, line_id) if line_id is not None else (None, None)
            if order is not None and order["supplier"]["id"] != supplier["id"]:
                raise invalid(f"invoice line {num}: the order line belongs to another supplier")
            if (oline is not None and oline["type"] == "OrderAmountLine") or given.get(
                "type"
            ) == "InvoiceAmountLine":
                total = money(
                    given.get("total") if given.get("total") is not None else given.get("price"),
                    f"invoice line {num} total",
                )
                quantity, price, kind = None, total, "InvoiceAmountLine"
            else:
                quantity = money(given.get("quantity"), f"invoice line {num} quantity")
                price = money(
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
        return lines

    def invoice_action(self, tenant: Tenant, rec: dict[str, Any], action: str) -> None:
        """``submit`` (the two-way match) or ``void`` applied to the invoice."""
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

    def _match(self, tenant: Tenant, rec: dict[str, Any]) -> list[str]:
        """Two-way match; consumes the order lines when every line is within tolerance."""
        failures: list[str] = []
        touched: dict[int, dict[str, Any]] = {}
        for ln in rec["invoice-lines"]:
            if ln["order-line-id"] is None:
                continue
            order, oline = order_and_line(tenant, ln["order-line-id"])
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
                save(tenant, ORDERS, order, new=False)
        return failures

    @staticmethod
    def _unmatch(tenant: Tenant, rec: dict[str, Any]) -> None:
        for ln in rec["invoice-lines"]:
            if ln["order-line-id"] is None:
                continue
            order, oline = order_and_line(tenant, ln["order-line-id"])
            oline["invoiced"] = round(oline["invoiced"] - ln["total"], 2)
            save(tenant, ORDERS, order, new=False)
