"""What the engine hands a dialect: the services its components are built from.

``Simulator`` builds one ``EngineServices`` and passes it to ``Dialect.attach``, the
dialect's composition root. Each component takes from it exactly what it uses (the
token store, the tenants, ...) in its constructor; nothing reaches back into the
``Simulator`` afterwards, so a component is built and tested without a running server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ._app import SimulatorSettings
    from ._auth import TokenStore
    from ._contracts import RequestContracts
    from ._events import Event, EventBus
    from ._http import Request, Response
    from ._tenants import Tenant, TenantRegistry


class Dispatch(Protocol):
    """Run a subrequest of ``parent`` through the vendor routes (``Simulator.dispatch``)."""

    def __call__(
        self, sub: Request, parent: Request | None = None, where: str = "$"
    ) -> Awaitable[Response]: ...


class Publish(Protocol):
    """Publish a non-record event (platform event, notification); payload built from its seq."""

    def __call__(
        self,
        tenant: Tenant,
        record_type: str,
        record_id: str,
        op: str,
        channel: str,
        payload_for_seq: Any,
    ) -> Event: ...


@dataclass(frozen=True, slots=True)
class EngineServices:
    """The engine's services a dialect's components may depend on (each names its own)."""

    tokens: TokenStore
    tenants: TenantRegistry
    events: EventBus
    #: engine settings a component reads (query budget, webhook policy, CA bundle, retention)
    settings: SimulatorSettings
    publish: Publish
    #: run a subrequest through the vendor routes (rules: ``Simulator.dispatch``)
    dispatch: Dispatch
    #: the simulator's own base URL, known once the server is bound ("" before)
    base_url: Callable[[], str]
    #: the served release's request checks (None when contract checks are off), for
    #: bodies nested in a request (composite subrequests, collection records, CSV headers)
    contracts: RequestContracts | None = None


class Limiter(Protocol):
    """A tenant's vendor limits as the admin API serves them (``/__admin/tenants/{t}/limits``)."""

    def to_dict(self) -> dict[str, Any]:
        """The limits and their current use, as JSON."""
        ...

    def configure(self, body: dict[str, Any]) -> None:
        """Change limits from an admin body; a bad value raises ConfigError or HttpError(400)."""
        ...
