"""Business rules NetSuite enforces on save: defaults from related records, subsidiary and
currency consistency, transaction totals, and billing time exactly once.

Called by RecordService inside the write transaction, so a refused save changes nothing.
``data`` is the document about to be stored ({} on delete), ``previous`` the stored one.
The rules of a type that is not a transaction only read (RecordService creates such a
record, its id reserved already, as one insert without a transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import HttpError, Tenant

from ._credits import CreditRules
from ._derived import live_row, live_value
from ._errors import invalid_content, user_error
from ._payments import PaymentRules, invoice_status
from ._records import stamp
from ._schema import RecordType
from ._state import state_of
from ._values import money

if TYPE_CHECKING:
    from ._records import WriteContext

DEFAULT_ITEM_KEY = "ns.default_service_item"


def _user_error(detail: str, path: str | None = None) -> HttpError:
    extra = {"o:errorPath": path} if path else {}
    return user_error(f"Error while accessing a resource. {detail}", extra=extra)


def _invalid_ref(value: str, field_name: str, path: str) -> HttpError:
    return invalid_content(
        f"Error while accessing a resource. You have entered an Invalid Field "
        f"Value {value} for the following field: {field_name}",
        extra={"o:errorPath": path},
    )


class BusinessRules:
    def __init__(self, *, require_time_approval: bool = False) -> None:
        self.require_time_approval = require_time_approval
        self.payments = PaymentRules(self)
        self.credits = CreditRules(self, self.payments)
        #: record type -> its own checks, run before the transaction rules
        self.by_type: dict[str, Callable[[Tenant, dict[str, Any], dict[str, Any] | None], None]] = {
            "customer": self._customer,
            "employee": self._employee,
            "contact": self._contact,
            "job": self._job,
            "projectTask": self._projectTask,
            "serviceItem": self._serviceItem,
            "timeBill": self._timeBill,
        }

    def __call__(
        self,
        tenant: Tenant,
        rt: RecordType,
        data: dict[str, Any],
        previous: dict[str, Any] | None,
        ctx: WriteContext,
    ) -> None:
        handler = self.by_type.get(rt.name)
        if not data:  # delete
            if rt.name == "timeBill" and previous and previous.get("isBilled"):
                raise _user_error("This time entry has been billed and cannot be deleted.")
            if rt.name == "invoice" and previous:
                if float(previous.get("amountPaid") or 0.0) > 0:
                    raise _user_error(
                        "This record cannot be deleted because it has dependent records."
                    )
                self._release_time(tenant, previous, set())
            if rt.name == "customerPayment" and previous:
                self.payments.release(tenant, previous)
            if rt.name == "creditMemo" and previous:
                self.credits.release(tenant, previous)
            return
        if rt.name == "customerPayment":
            self.payments.save(tenant, data, previous)
            return
        if handler is not None:
            handler(tenant, data, previous)
        if rt.is_transaction:
            self._transaction(tenant, rt, data, previous)
        if rt.name == "creditMemo":
            self.credits.save(tenant, data, previous)

    # -- helpers ---------------------------------------------------------------------

    def get(self, tenant: Tenant, type_: str, rid: Any) -> dict[str, Any] | None:
        raw = live_row(tenant.store, type_, str(rid)) if rid is not None else None
        return orjson.loads(raw) if raw is not None else None

    def today(self, tenant: Tenant) -> str:
        return datetime.fromtimestamp(tenant.clock.time(), UTC).strftime("%Y-%m-%d")

    def customer_of(
        self, tenant: Tenant, entity_id: str, field_name: str = "entity"
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """(customer, job or None) for a transaction's entity (a customer or a project)."""
        cust = self.get(tenant, "customer", entity_id)
        if cust is not None:
            return cust, None
        job = self.get(tenant, "job", entity_id)
        if job is None:
            raise _invalid_ref(entity_id, field_name, field_name)
        parent = self.get(tenant, "customer", job.get("parent"))
        if parent is None:
            raise _invalid_ref(entity_id, field_name, field_name)
        return parent, job

    def subsidiary_currency(self, tenant: Tenant, sub_id: Any) -> Any:
        if sub_id is None:
            return None
        return live_value(tenant.store, "subsidiary", str(sub_id), "currency")

    # -- entities --------------------------------------------------------------------

    def _customer(
        self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        data.setdefault("isPerson", False)
        if data.get("currency") is None:
            data["currency"] = self.subsidiary_currency(tenant, data.get("subsidiary"))
        if not data.get("entityId"):
            name = data.get("companyName") or " ".join(
                x for x in (data.get("firstName"), data.get("lastName")) if x
            )
            data["entityId"] = name or f"CUST{data['id']}"
        data.setdefault("balance", 0.0)

    def _employee(
        self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        if data.get("currency") is None:
            data["currency"] = self.subsidiary_currency(tenant, data.get("subsidiary"))
        if not data.get("entityId"):
            name = " ".join(x for x in (data.get("firstName"), data.get("lastName")) if x)
            data["entityId"] = name or f"EMP{data['id']}"

    def _contact(
        self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        if not data.get("entityId"):
            name = " ".join(x for x in (data.get("firstName"), data.get("lastName")) if x)
            data["entityId"] = name or f"CONTACT{data['id']}"
        if data.get("subsidiary") is None and data.get("company") is not None:
            comp = self.get(tenant, "customer", data["company"]) or self.get(
                tenant, "job", data["company"]
            )
            if comp is not None:
                data["subsidiary"] = comp.get("subsidiary")

    def _job(self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None) -> None:
        parent = self.get(tenant, "customer", data.get("parent"))
        if parent is not None:
            if data.get("subsidiary") is None:
                data["subsidiary"] = parent.get("subsidiary")
            elif str(data["subsidiary"]) != str(parent.get("subsidiary")):
                raise _user_error(
                    f"Invalid subsidiary reference key {data['subsidiary']} for entity "
                    f"{parent['id']}.",
                    "subsidiary",
                )
            if data.get("currency") is None:
                data["currency"] = parent.get("currency")
        if not data.get("entityId"):
            data["entityId"] = data.get("companyName") or f"PRJ{data['id']}"
        data.setdefault("entityStatus", "2")

    def _projectTask(
        self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        data.setdefault("status", "NOTSTART")
        data.setdefault("dateCreated", data.get("lastModifiedDate"))

    def _serviceItem(
        self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        data.setdefault("isInactive", False)

    # -- time ------------------------------------------------------------------------

    def _timeBill(
        self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        if previous and previous.get("isBilled"):
            for name in ("hours", "rate", "customer", "isBillable", "employee", "item"):
                if data.get(name) != previous.get(name):
                    raise _user_error("This time entry has been billed and cannot be edited.", name)
        emp = self.get(tenant, "employee", data.get("employee"))
        if emp is not None:
            data["subsidiary"] = emp.get("subsidiary")
        if data.get("item") is None:
            data["item"] = state_of(tenant).default_service_item
        if data.get("rate") is None:
            item = self.get(tenant, "serviceItem", data.get("item"))
            if item is not None and item.get("rate") is not None:
                data["rate"] = item["rate"]
        if data.get("isBillable") is None:
            data["isBillable"] = data.get("customer") is not None
        if data.get("isBillable") and data.get("customer") is None:
            raise _user_error("Please enter value(s) for: Customer.", "customer")
        data.setdefault("tranDate", self.today(tenant))
        data.setdefault("approvalStatus", "2" if self.require_time_approval else "3")
        data.setdefault("timeType", "A")
        data.setdefault("isBilled", False)
        data.setdefault("dateCreated", data.get("lastModifiedDate"))

    # -- transactions ----------------------------------------------------------------

    def _transaction(
        self, tenant: Tenant, rt: RecordType, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        if data.get("entity") is None:
            return  # check_required reports it
        if rt.name in ("expenseReport", "vendorBill"):  # the employee's or vendor's books
            owner_type = "employee" if rt.name == "expenseReport" else "vendor"
            owner = self.get(tenant, owner_type, data["entity"]) or {}
            sub, cur = owner.get("subsidiary"), owner.get("currency")
        else:
            cust, job = self.customer_of(tenant, str(data["entity"]))
            if job is not None:
                data["job"] = job["id"]
            sub, cur = cust.get("subsidiary"), cust.get("currency")
            entity_label = cust["id"]
            if data.get("subsidiary") is None:
                data["subsidiary"] = sub
            elif sub is not None and str(data["subsidiary"]) != str(sub):
                raise _user_error(
                    f"Invalid subsidiary reference key {data['subsidiary']} for entity "
                    f"{entity_label}.",
                    "subsidiary",
                )
            if data.get("currency") is None:
                data["currency"] = cur or self.subsidiary_currency(tenant, data.get("subsidiary"))
            elif cur is not None and str(data["currency"]) != str(cur):
                raise _user_error(
                    f"Invalid currency reference key {data['currency']} for entity {entity_label}.",
                    "currency",
                )
        if data.get("subsidiary") is None:
            data["subsidiary"] = sub
        if data.get("currency") is None:
            data["currency"] = cur or self.subsidiary_currency(tenant, data.get("subsidiary"))
        data.setdefault("tranDate", self.today(tenant))
        if not data.get("tranId"):
            data["tranId"] = (
                f"{rt.tran_prefix}{tenant.store.next_sequence(f'ns:tranid:{rt.name}', 1001)}"
            )
        data.setdefault("exchangeRate", 1.0)
        status = {
            "salesOrder": "B",
            "invoice": "A",
            "expenseReport": "B",
            "vendorBill": "A",
            "creditMemo": "A",
        }[rt.name]
        data.setdefault("status", status)
        total = 0.0
        for i, line in enumerate(data.get("item") or []):
            total += self._item_line(tenant, line, i)
        for line in data.get("expense") or []:
            total += float(line.get("amount") or 0.0)
        if rt.name == "invoice":
            total += self._time_lines(tenant, data, previous)
            if data.get("dueDate") is None:
                tran = datetime.strptime(data["tranDate"], "%Y-%m-%d")
                data["dueDate"] = (tran + timedelta(days=30)).strftime("%Y-%m-%d")
        data["subtotal"] = money(total)
        data["total"] = money(total)
        if rt.name == "invoice":  # payments applied before this edit still count
            paid = float(data.get("amountPaid") or 0.0)
            data["amountRemaining"] = money(max(0.0, total - paid))
            data["status"] = invoice_status(total, paid)
        if rt.name == "expenseReport":
            data.setdefault("approvalStatus", "2")

    def _item_line(self, tenant: Tenant, line: dict[str, Any], index: int) -> float:
        item = self.get(tenant, "serviceItem", line.get("item"))
        if line.get("quantity") is None:
            line["quantity"] = 1.0
        if line.get("rate") is None and item is not None and item.get("rate") is not None:
            line["rate"] = item["rate"]
        if line.get("amount") is None or ("rate" in line and line.get("rate") is not None):
            rate = line.get("rate")
            if rate is not None:
                line["amount"] = money(float(line["quantity"]) * float(rate))
        if line.get("amount") is None:
            line["amount"] = 0.0
        if item is not None and not line.get("description"):
            line["description"] = item.get("salesDescription") or item.get("displayName")
        return float(line["amount"])

    def _time_lines(
        self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> float:
        """Apply billable time to the invoice; refuse time billed elsewhere or not billable to this entity."""
        total = 0.0
        applied: set[str] = set()
        cust, job = self.customer_of(tenant, str(data["entity"]))
        allowed = {str(cust["id"])} | ({str(job["id"])} if job else set())
        if job is None:  # a customer's invoice may bill any of its projects' time
            allowed |= set(tenant.store.find_ids("job", "parent", cust["id"]))
        for i, line in enumerate(data.get("time") or []):
            if line.get("apply") is None:
                line["apply"] = True
            tid = str(line.get("doc"))
            tb = self.get(tenant, "timeBill", tid)
            path = f"time.items[{i}].doc"
            if tb is None:
                raise _invalid_ref(tid, "doc", path)
            if not line["apply"]:
                continue
            if tid in applied:
                raise _invalid_ref(tid, "doc", path)
            billed_here = str(tb.get("invoice")) == str(data.get("id"))
            if (
                (tb.get("isBilled") and not billed_here)
                or not tb.get("isBillable")
                or str(tb.get("customer")) not in allowed
                or (self.require_time_approval and tb.get("approvalStatus") != "3")
            ):
                raise _invalid_ref(tid, "doc", path)
            applied.add(tid)
            line["employee"] = tb.get("employee")
            line["item"] = tb.get("item")
            line["quantity"] = tb.get("hours")
            if line.get("rate") is None:
                line["rate"] = tb.get("rate") or 0.0
            line["amount"] = money(float(tb.get("hours") or 0.0) * float(line["rate"]))
            line["billedDate"] = data.get("tranDate")
            total += float(line["amount"])
        self._release_time(tenant, previous or {}, applied)
        for tid in applied:
            tb = self.get(tenant, "timeBill", tid)
            if tb is not None and not (
                tb.get("isBilled") and str(tb.get("invoice")) == str(data["id"])
            ):
                self._mark(tenant, tb, True, str(data["id"]))
        return total

    def _release_time(self, tenant: Tenant, previous: dict[str, Any], keep: set[str]) -> None:
        for line in previous.get("time") or []:
            tid = str(line.get("doc"))
            if tid in keep or not line.get("apply"):
                continue
            tb = self.get(tenant, "timeBill", tid)
            if tb is not None and str(tb.get("invoice")) == str(previous.get("id")):
                self._mark(tenant, tb, False, None)

    def _mark(self, tenant: Tenant, tb: dict[str, Any], billed: bool, invoice: str | None) -> None:
        prev = dict(tb)
        tb["isBilled"] = billed
        tb["invoice"] = invoice
        now, modstamp = stamp(tenant)
        tb["lastModifiedDate"] = now
        tenant.store.update(
            "timeBill",
            str(tb["id"]),
            tb,
            prev,
            modstamp,
            changed_fields=["isBilled", "invoice"],
            at=tenant.clock.time(),
            origin="rest",
        )
