"""The interface a vendor dialect implements on top of the engine.

A dialect owns the vendor's wire format: routes, auth, id formats, envelopes, error
bodies, limits and the shape of change events. Hooks default to sensible no-ops so a
dialect overrides only what its vendor does differently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._delivery import RetryPolicy
from ._errors import HttpError
from ._http import Request, Response, Router
from ._store import MEMORY_PAGE_SIZE, Change

if TYPE_CHECKING:
    from ._services import EngineServices, Limiter
    from ._tenants import Tenant


class Dialect:
    """Base class of the four vendor dialects."""

    #: vendor name, e.g. "salesforce"
    vendor: str = "generic"
    #: system role in the firm, e.g. "crm"
    system: str = "generic"
    #: whether ``change_event`` reads ``change.previous`` (events are built lazily, so a
    #: dialect that doesn't need it lets retained events hold one record instead of two)
    event_needs_previous: bool = True
    #: how webhook deliveries are retried before they become dead letters (None: the
    #: engine's default, for vendors that document no push retry schedule)
    delivery_policy: RetryPolicy | None = None
    #: SQLite page size of the dialect's in-memory stores (see ``_store.MEMORY_PAGE_SIZE``)
    memory_page_size: int = MEMORY_PAGE_SIZE
    #: whether the stores keep the (type, modstamp) index (``_store.MODSTAMP_INDEX``): only
    #: for a vendor whose API reads records in modstamp order; the others save its upkeep
    modstamp_index: bool = True

    def attach(self, services: EngineServices) -> None:
        """The composition root: build the components that need the engine's services.

        Called once by ``Simulator`` before ``routes``; each component takes from
        ``services`` only what it uses.
        """

    # -- wiring ----------------------------------------------------------------------

    def routes(self, router: Router) -> None:
        """Register the vendor's routes."""

    def setup_tenant(self, tenant: Tenant) -> None:
        """Prepare a new tenant: indexes, default records, limits, credentials."""

    def new_state(self, tenant: Tenant) -> Any:
        """The tenant's dialect state, built anew on creation and on every reset (a
        dataclass of the dialect's own; state that must survive a reset lives in store meta)."""
        return {}

    def reset_tenant(self, tenant: Tenant) -> None:
        """After the tenant's records were cleared: a new dialect state, then setup again."""
        tenant.state = self.new_state(tenant)
        self.setup_tenant(tenant)

    # -- per request -----------------------------------------------------------------

    def authenticate(self, req: Request) -> Tenant:
        """Resolve the caller's tenant from its credentials or raise HttpError(401)."""
        raise HttpError(401, "UNAUTHORIZED", "authentication is not configured")

    def admit(self, req: Request, tenant: Tenant) -> Response | None:
        """Rate limits and quotas: a response to send instead of handling, or None."""
        return None

    def creates(self, req: Request) -> bool:
        """Whether a create-or-update write (an upsert) would create its record: the
        contract then holds it to the create schema (``request_if_new``)."""
        return False

    def release(self, req: Request, tenant: Tenant | None) -> None:
        """Called after every handled request (release a concurrency slot, ...)."""

    def decorate(self, req: Request, resp: Response, tenant: Tenant | None) -> None:
        """Add headers every response carries (e.g. Sforce-Limit-Info)."""

    def error_response(self, err: HttpError, req: Request | None = None) -> Response:
        """The vendor's error body for an HttpError."""
        return Response.json({"error": err.code, "message": err.message}, err.status)

    def not_found(self, req: Request) -> HttpError:
        return HttpError(404, "NOT_FOUND", "The requested resource does not exist")

    def method_not_allowed(self, req: Request) -> HttpError:
        return HttpError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{req.method}' not allowed")

    def payload_too_large(self, req: Request, limit: int) -> HttpError:
        return HttpError(413, "REQUEST_ENTITY_TOO_LARGE", f"The request body exceeds {limit} bytes")

    # -- events ----------------------------------------------------------------------

    def wants_event(self, tenant: Tenant, change: Change) -> bool:
        """Cheap check whether ``change`` makes an event at all (the payload is built lazily)."""
        return True

    def change_event(
        self, tenant: Tenant, change: Change, seq: int
    ) -> tuple[str, dict[str, Any]] | None:
        """(channel, payload) of the change event for ``change``, or None for no event."""
        return None

    # -- admin -----------------------------------------------------------------------

    def bulk_load(
        self, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
    ) -> list[str]:
        """Load records (vendor field names) without change events; returns their ids."""
        raise HttpError(400, "UNSUPPORTED", f"bulk load is not supported by {self.vendor}")

    def credentials(self, tenant: Tenant, base_url: str) -> dict[str, Any]:
        """What a client needs to reach ``tenant`` (written to the endpoints file)."""
        return {}

    def limiter(self, tenant: Tenant) -> Limiter | None:
        """The tenant's vendor limits the engine serves at ``/__admin/tenants/{t}/limits``."""
        return None

    def admin_routes(self, router: Router) -> None:
        """Register vendor-specific admin routes (limits, platform events, ...) under /__admin/."""

    def describe(self) -> dict[str, Any]:
        """Dialect facts for the admin health page."""
        return {}
