"""The endpoints file: how an integration stack under test finds its four systems.

``{"crm": {"vendor", "base_url", "admin_url", ...credentials}, "erp": ..., "ca_bundle"?}``
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulators.engine import DEFAULT_TENANT

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
        if sim.contracts is not None:  # the vendor release served (contracts/<vendor>/<release>)
            doc[system]["release"] = sim.contracts.release
    if stack.tls is not None:
        doc["ca_bundle"] = str(stack.tls.ca_bundle)
    return doc


def write_endpoints(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(path)
