"""Invoice line items beyond time and expenses: additional items and fixed fee items.

Both are created through the invoice (``additional_items`` / ``fixed_fee_items`` nested
params of ``POST /invoices``, as the vendor's gem specification lists them), are read at
``/additional_items`` and ``/fixed_fee_items``, side-load from the invoice
(``include=additional_items,fixed_fee_items``) and count toward its balance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._coerce import Problems
from ._model import Assoc, Resource

if TYPE_CHECKING:
    from ._records import Ctx, Records

PENDING = "_pending_items"
_READ = frozenset({"list", "get"})
_FIELDS = {
    "additional_items": ("additional_item_ids", ("notes", "amount_in_cents", "taxable")),
    "fixed_fee_items": ("fixed_fee_item_ids", ("notes", "amount_in_cents", "taxable", "story_id")),
}


def invoice_item_resources() -> list[Resource]:
    common = {
        "notes": None,
        "amount_in_cents": 0,
        "taxable": False,
        "currency": None,
        "workspace_id": None,
        "invoice_id": None,
        "created_at": None,
        "updated_at": None,
    }
    return [
        Resource(
            "additional_items",
            "additional_item",
            "AdditionalItem",
            stored=dict(common),
            create={},
            update={},
            assocs={
                "workspace": Assoc("workspaces", "workspace_id"),
                "invoice": Assoc("invoices", "invoice_id"),
            },
            ops=_READ,
            events=False,
        ),
        Resource(
            "fixed_fee_items",
            "fixed_fee_item",
            "FixedFeeItem",
            stored={**common, "story_id": None},
            create={},
            update={},
            assocs={
                "workspace": Assoc("workspaces", "workspace_id"),
                "story": Assoc("stories", "story_id"),
                "invoice": Assoc("invoices", "invoice_id"),
            },
            ops=_READ,
            events=False,
        ),
    ]


class InvoiceItemRules:
    """Checks the nested items on create; writes them once the invoice has its id."""

    r: Records

    def nested_items(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> int:
        """Validate ``additional_items`` / ``fixed_fee_items``; their total in cents."""
        total = 0
        pending: dict[str, list[dict[str, Any]]] = {}
        for collection, (_, keys) in _FIELDS.items():
            items = v.get(collection) or []
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                problems.append((collection, f"{collection} must be a list of objects"))
                continue
            for i, item in enumerate(items):
                amount = item.get("amount_in_cents")
                if isinstance(amount, bool) or not isinstance(amount, int):
                    problems.append((collection, f"{collection}[{i}] needs amount_in_cents"))
                    continue
                story = item.get("story_id")
                if collection == "fixed_fee_items":
                    found = self.r.get(ctx, "stories", str(story)) if story else None
                    if found is None or found.get("workspace_id") not in rec["workspace_ids"]:
                        problems.append(
                            (collection, f"{collection}[{i}] needs a story of the project")
                        )
                        continue
                total += amount
                pending.setdefault(collection, []).append({k: item.get(k) for k in keys})
        if pending:
            rec[PENDING] = pending
        return total

    def write_items(self, ctx: Ctx, rec: dict[str, Any]) -> None:
        pending = rec.pop(PENDING, None)
        if not pending:
            return
        fields: dict[str, Any] = {PENDING: None}
        for collection, items in pending.items():
            res = self.r.catalog.by_collection[collection]
            ids = []
            for item in items:
                row = {
                    **item,
                    "story_id": str(item["story_id"]) if item.get("story_id") else None,
                    "taxable": bool(item.get("taxable")),
                    "currency": rec.get("currency"),
                    "workspace_id": rec["workspace_ids"][0],
                    "invoice_id": rec["id"],
                }
                if collection == "additional_items":
                    row.pop("story_id")
                ids.append(self.r.insert(ctx, res, row)["id"])
            fields[_FIELDS[collection][0]] = ids
            rec[_FIELDS[collection][0]] = ids
        self.r.patch(ctx, "invoices", rec["id"], **fields)
