"""Clients for the four systems' vendor APIs and their admin APIs, from the endpoints file.

The firm's people act through the vendor APIs with the credentials a user of that
vendor would hold: an OAuth client-credentials token for Salesforce, token-based
authentication for NetSuite, a bearer token for Kantata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..stack._endpoints import PERIPHERALS, admin_headers, simulator_endpoints
from ..stack._vendor_auth import tba_auth
from ..wiremock import WireMockAdmin
from ._admin import Admin
from ._errors import JourneyFailure
from ._wire import Deadline, Recorder, Wire, http_client


@dataclass(slots=True)
class Systems:
    """Vendor API clients (``crm``, ``erp``, ``psa``) and admin clients per system."""

    crm: Wire
    erp: Wire
    psa: Wire
    admin: dict[str, Admin]
    crm_api: str  # "/services/data/vNN.N"
    #: the collaboration and analytics stubs' WireMock, when the run has the peripherals
    peripherals: WireMockAdmin | None = None
    #: the procurement system's Core API (Coupa), when the stack has one
    procurement: Wire | None = None
    #: the endpoints file's ERP section (its ``vendor`` chooses the journeys' ERP reader)
    erp_endpoint: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        extra = (self.procurement,) if self.procurement is not None else ()
        for w in (self.crm, self.erp, self.psa, *extra, *(a.wire for a in self.admin.values())):
            w.close()


def _coupa(ep: dict[str, Any], verify: Any, recorder: Recorder, deadline: Deadline) -> Wire:
    """Coupa's Core API in JSON, logged in with the client-credentials grant."""
    wire = Wire(
        "procurement",
        http_client(ep["api_base"], verify, headers={"Accept": "application/json"}),
        recorder,
        deadline,
    )
    return _client_credentials(wire, ep)


def _erp(ep: dict[str, Any], verify: Any, recorder: Recorder, deadline: Deadline) -> Wire:
    """NetSuite with token-based authentication; Business Central with an Entra
    client-credentials token for its API scope."""
    if ep.get("vendor") != "businesscentral":
        return Wire(
            "erp", http_client(ep["rest_url"], verify, auth=tba_auth(ep)), recorder, deadline
        )
    return _client_credentials(
        Wire("erp", http_client(ep["api_url"], verify), recorder, deadline), ep, ep.get("scope")
    )


def _crm(ep: dict[str, Any], verify: Any, recorder: Recorder, deadline: Deadline) -> Wire:
    wire = Wire("crm", http_client(ep["base_url"], verify), recorder, deadline)
    return _client_credentials(wire, ep)


def _client_credentials(wire: Wire, ep: dict[str, Any], scope: str | None = None) -> Wire:
    """Log ``wire`` in with the OAuth 2.0 client-credentials grant; again when it expires."""

    def login() -> None:
        r = wire.call(
            "POST",
            ep["token_url"],
            data={
                "grant_type": "client_credentials",
                "client_id": ep["client_id"],
                "client_secret": ep["client_secret"],
                **({"scope": scope} if scope else {}),
            },
            expect=(200,),
            _again=True,
        )
        token = r.json().get("access_token")
        if not token:
            raise JourneyFailure(
                f"{wire.system} token endpoint answered without an access_token: {r.text[:200]}"
            )
        wire.client.headers["Authorization"] = f"Bearer {token}"

    login()
    wire.reauth = login
    return wire


def connect(
    endpoints: dict[str, Any], recorder: Recorder, deadline: Deadline, step_timeout: float
) -> Systems:
    """Log in to every system as the firm's users do."""
    verify: Any = endpoints.get("ca_bundle") or True
    missing = [s for s in ("crm", "erp", "psa", "hcm") if s not in endpoints]
    if missing:
        raise JourneyFailure(f"the endpoints file lacks {', '.join(missing)}")
    erp, psa = endpoints["erp"], endpoints["psa"]
    admin = {
        system: Admin(
            Wire(
                f"{system} admin",
                http_client(ep["admin_url"], verify, headers=admin_headers(ep)),
                recorder,
                deadline,
            ),
            ep.get("sim_tenant") or "default",
            step_timeout,
        )
        for system, ep in simulator_endpoints(endpoints)
    }
    for system, a in admin.items():
        a.system = system
    return Systems(
        crm=_crm(endpoints["crm"], verify, recorder, deadline),
        erp=_erp(erp, verify, recorder, deadline),
        psa=Wire(
            "psa",
            http_client(
                psa["api_base"], verify, headers={"Authorization": f"Bearer {psa['token']}"}
            ),
            recorder,
            deadline,
        ),
        admin=admin,
        erp_endpoint=dict(erp),
        crm_api=f"/services/data/v{endpoints['crm'].get('api_version', '60.0')}",
        peripherals=_peripherals(endpoints),
        procurement=(
            _coupa(endpoints["procurement"], verify, recorder, deadline)
            if isinstance(endpoints.get("procurement"), dict)
            and endpoints["procurement"].get("api_base")
            else None
        ),
    )


def _peripherals(endpoints: dict[str, Any]) -> WireMockAdmin | None:
    collab = (endpoints.get(PERIPHERALS) or {}).get("collab") or {}
    return WireMockAdmin(collab["admin_url"]) if collab.get("admin_url") else None
