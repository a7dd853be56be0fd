"""The Core API's handlers: list, show, create, update and the document actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulators.engine import Request, Response, Tenant

from . import _query
from ._auth import CoupaAuth
from ._errors import bad_request
from ._records import INVOICES, ORDERS, RECEIPTS, SUPPLIERS, Procurement
from ._render import body_of, render
from ._settings import CoupaSettings


@dataclass(frozen=True, slots=True)
class Resource:
    """One collection of the Core API: its store type, XML root names and OAuth scope."""

    collection: str
    root: str
    label: str
    scope: str

    @property
    def roots(self) -> str:
        return f"{self.root}s"


RESOURCES = (
    Resource(SUPPLIERS, "supplier", "Supplier", "core.supplier"),
    Resource(ORDERS, "order-header", "OrderHeader", "core.purchase_order"),
    Resource(RECEIPTS, "inventory-transaction", "InventoryTransaction", "core.inventory.receiving"),
    Resource(INVOICES, "invoice-header", "InvoiceHeader", "core.invoice"),
)


class Handlers:
    def __init__(self, service: Procurement, settings: CoupaSettings) -> None:
        self.service = service
        self.settings = settings

    @staticmethod
    def _tenant(req: Request) -> Tenant:
        assert req.tenant is not None  # the engine authenticated the request
        return req.tenant

    def list(self, req: Request, res: Resource) -> Response:
        CoupaAuth.require(req, f"{res.scope}.read")
        conds, limit, offset = _query.parse(req.query_pairs(), self.settings.page_size)
        found = self.service.query(self._tenant(req), res.collection, conds, limit, offset)
        return render(req, res.roots, found)

    def show(self, req: Request, res: Resource) -> Response:
        CoupaAuth.require(req, f"{res.scope}.read")
        rec = self.service.get(self._tenant(req), res.collection, req.params["id"], res.label)
        return render(req, res.root, rec)

    def create(self, req: Request, res: Resource) -> Response:
        CoupaAuth.require(req, f"{res.scope}.write")
        body = body_of(req)
        tenant = self._tenant(req)
        make = {
            SUPPLIERS: self.service.create_supplier,
            ORDERS: self.service.create_order,
            RECEIPTS: self.service.create_receipt,
            INVOICES: self.service.create_invoice,
        }[res.collection]
        return render(req, res.root, make(tenant, body), 201)

    def update(self, req: Request, res: Resource) -> Response:
        """``?exported=true|false`` marks the document; other changes are not taken here."""
        CoupaAuth.require(req, f"{res.scope}.write")
        tenant = self._tenant(req)
        rec = self.service.get(tenant, res.collection, req.params["id"], res.label)
        flag = req.arg("exported")
        if flag is None:
            raise bad_request(
                f"Updating a {res.label} through the API takes ?exported=true|false or one of its "
                "actions"
            )
        return render(req, res.root, self.service.mark_exported(tenant, res.collection, rec, flag))

    def action(self, req: Request, res: Resource, action: str) -> Response:
        CoupaAuth.require(req, f"{res.scope}.write")
        tenant = self._tenant(req)
        rec = self.service.get(tenant, res.collection, req.params["id"], res.label)
        out: dict[str, Any]
        if res.collection == ORDERS:
            out = self.service.order_action(tenant, rec, action)
        else:
            out = self.service.invoice_action(tenant, rec, action)
        return render(req, res.root, out)
