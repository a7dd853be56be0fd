"""The endpoints file: how an integration stack under test finds its four systems.

``{"crm": {"vendor", "base_url", "admin_url", ...credentials}, "erp": ..., "ca_bundle"?}``
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulators.engine import DEFAULT_TENANT

#: the endpoints-file key of the systems that run on WireMock (collaboration, analytics)
PERIPHERALS = "peripherals"

if TYPE_CHECKING:
    from ._launcher import Stack


def endpoints_document(stack: Stack, tenant: str = DEFAULT_TENANT) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for system, srv in stack.servers.items():
        sim = srv.sim
        t = sim.tenants.get_or_create(tenant)
        doc[system] = {
            "vendor": sim.dialect.vendor,
            "base_url": srv.base_url,
            "admin_url": f"{srv.base_url}/__admin",
            "sim_tenant": tenant,  # the simulator tenant (admin API); "tenant" may be the vendor's own
            "tenant": tenant,
            **sim.dialect.credentials(t, srv.base_url),
        }
    if stack.tls is not None:
        doc["ca_bundle"] = str(stack.tls.ca_bundle)
    if stack.peripherals is not None:
        doc[PERIPHERALS] = stack.peripherals.endpoints()
    return doc


def simulator_endpoints(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The simulated systems of an endpoints document (not the CA or the peripherals)."""
    for system, ep in doc.items():
        if system != PERIPHERALS and isinstance(ep, dict):
            yield system, ep


def write_endpoints(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(path)
