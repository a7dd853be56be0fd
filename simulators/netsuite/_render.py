"""Records as NetSuite's REST record service shows them: links, references, sublists.

Records are stored flat (references as ids, sublists as line lists); rendering wraps a
reference as ``{"links", "id", "refName"}`` and a sublist as a link-only or expanded
collection.
"""

from __future__ import annotations

from typing import Any

from simulators.engine import Tenant

from ._derived import derived, keep
from ._errors import invalid_parameter
from ._schema import FieldDef, RecordType, SublistDef
from ._values import duration_text

#: derived part of a rendered reference (with the base URL it links to)
_REF_KEY = "ns.ref"


def link(rel: str, href: str) -> dict[str, str]:
    return {"rel": rel, "href": href}


class RecordRenderer:
    """Renders stored records; ``hours_format`` is the settings' form of duration fields."""

    def __init__(self, types: dict[str, RecordType], hours_format: str) -> None:
        self.types = types
        self.hours_format = hours_format

    def find_ref(
        self, tenant: Tenant, targets: tuple[str, ...], rid: str
    ) -> tuple[RecordType, dict[str, Any]] | None:
        for name in targets:
            rt = self.types[name.lower()]
            data = tenant.store.get(rt.name, rid)
            if data is not None:
                return rt, data
        return None

    def record_url(self, base: str, rt: RecordType, rid: str) -> str:
        return f"{base}/record/v1/{rt.name}/{rid}"

    def ref_name(self, tenant: Tenant, rt: RecordType, data: dict[str, Any]) -> str:
        if rt.name == "job" and data.get("parent"):
            parent = tenant.store.get("customer", str(data["parent"]))
            own = data.get("entityId") or data.get("companyName") or data.get("id")
            if parent is not None:
                return f"{self.ref_name(tenant, self.types['customer'], parent)} : {own}"
        if rt.is_transaction:
            label = {
                "salesOrder": "Sales Order",
                "invoice": "Invoice",
                "expenseReport": "Expense Report",
                "customerPayment": "Payment",
                "creditMemo": "Credit Memo",
            }[rt.name]
            return f"{label} #{data.get('tranId') or data.get('id')}"
        if rt.name == "timeBill":
            return str(data.get("id"))
        for name in rt.ref_name_fields:
            if data.get(name):
                return str(data[name])
        if data.get("firstName") or data.get("lastName"):
            return f"{data.get('firstName') or ''} {data.get('lastName') or ''}".strip()
        return str(data.get("id"))

    def ref_obj(self, tenant: Tenant, f: FieldDef, value: Any, base: str) -> dict[str, Any]:
        sval = str(value)
        if f.choices:
            name = dict(f.choices).get(sval, sval)
            return {"id": sval, "refName": name}
        if not f.targets:
            return {"links": [], "id": sval}
        # the reference as rendered depends only on the record it names (a job's name also
        # on its parent: not cached), so the store's read cache keeps it until that changes
        first = self.types[f.targets[0].lower()]
        store = tenant.store
        part = (_REF_KEY, base)
        if first.name != "job":
            hit = derived(store, first.name, sval, part)
            if hit is not None:
                return dict(hit)
        found = self.find_ref(tenant, f.targets, sval)
        if found is None:
            return {"links": [], "id": sval}
        rt, data = found
        out = {
            "links": [link("self", self.record_url(base, rt, sval))],
            "id": sval,
            "refName": self.ref_name(tenant, rt, data),
        }
        if rt is first and rt.name != "job":
            keep(store, rt.name, sval, part, out)
            return dict(out)
        return out

    def render_value(self, tenant: Tenant, f: FieldDef, value: Any, base: str) -> Any:
        if f.is_ref:
            return self.ref_obj(tenant, f, value, base)
        if f.kind == "duration" and self.hours_format == "duration":
            return duration_text(float(value))
        return value

    def render(
        self,
        tenant: Tenant,
        rt: RecordType,
        data: dict[str, Any],
        base: str,
        *,
        fields: list[str] | None = None,
        expand: bool = False,
    ) -> dict[str, Any]:
        url = self.record_url(base, rt, data["id"])
        out: dict[str, Any] = {"links": [link("self", url)]}
        wanted = None
        if fields is not None:
            wanted = set()
            for name in fields:
                f = rt.field(name)
                sl = rt.sublist(name)
                if f is None and sl is None:
                    raise invalid_parameter(
                        f"Invalid 'fields' parameter value. Field '{name}' "
                        "does not exist on this record.",
                        extra={"o:errorQueryParam": "fields"},
                    )
                wanted.add((f or sl).name)  # type: ignore[union-attr]
            wanted.add("id")
        for f in rt.fields.values():
            value = data.get(f.name)
            if value is None or (wanted is not None and f.name not in wanted):
                continue
            out[f.name] = self.render_value(tenant, f, value, base)
        for sl in rt.sublists.values():
            if wanted is not None and sl.name not in wanted:
                continue
            out[sl.name] = self.render_sublist(
                tenant, sl, data.get(sl.name) or [], f"{url}/{sl.name}", base, expand
            )
        return out

    def render_sublist(
        self,
        tenant: Tenant,
        sl: SublistDef,
        lines: list[dict[str, Any]],
        url: str,
        base: str,
        expand: bool,
    ) -> dict[str, Any]:
        if not expand:
            return {"links": [link("self", url)]}
        items = []
        for line in lines:
            item: dict[str, Any] = {"links": [link("self", f"{url}/{line.get('line')}")]}
            for f in sl.fields.values():
                value = line.get(f.name)
                if value is not None:
                    item[f.name] = self.render_value(tenant, f, value, base)
            items.append(item)
        return {
            "links": [link("self", url)],
            "items": items,
            "totalResults": len(items),
            "count": len(items),
            "hasMore": False,
            "offset": 0,
        }
