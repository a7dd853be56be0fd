"""The endpoints file: how an integration stack under test finds its four systems.

``{"crm": {"vendor", "base_url", "admin_url", ...credentials}, "erp": ..., "ca_bundle"?}``
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from simulators.engine import DEFAULT_TENANT

from .._errors import ConfigurationError, StackError
from .._schema_input import check_document, read_document

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
        doc["ca_bundle"] = str(Path(stack.tls.ca_bundle).absolute())  # usable from any folder
    return doc


def write_endpoints(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(path)


def read_endpoints(path: Path) -> dict[str, Any]:
    """Read and check an endpoints file written by ``harness up`` (possibly elsewhere).

    A relative ``ca_bundle`` is taken relative to the file's folder.
    """
    doc = read_document(path, "endpoints file")
    check_document(doc, "endpoints", str(path))
    systems = [k for k, v in doc.items() if isinstance(v, dict) and "base_url" in v]
    if not systems:
        raise ConfigurationError(f"{path}: no systems (crm, erp, psa, hcm) in the endpoints file")
    bundle = doc.get("ca_bundle")
    if bundle:
        ca = Path(bundle) if Path(bundle).is_absolute() else path.parent / bundle
        if not ca.is_file():
            raise ConfigurationError(f"{path}: ca_bundle {bundle} is not a file")
        doc["ca_bundle"] = str(ca.absolute())
    return dict(doc)


def held_records(doc: dict[str, Any], timeout: float = 30.0) -> dict[str, dict[str, int]]:
    """Record counts per type of the run's tenant on each simulator already running."""
    verify: Any = doc.get("ca_bundle") or True
    out: dict[str, dict[str, int]] = {}
    with httpx.Client(verify=verify, trust_env=False, timeout=timeout) as client:
        for system, ep in doc.items():
            if not isinstance(ep, dict):
                continue
            tenant = ep.get("sim_tenant") or DEFAULT_TENANT
            token = ep.get("admin_token")  # simulators that guard their admin API
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            try:
                r = client.get(f"{ep['admin_url']}/tenants/{tenant}", headers=headers)
                r.raise_for_status()
                out[system] = {k: int(n) for k, n in (r.json().get("records") or {}).items()}
            except (httpx.HTTPError, ValueError, TypeError, AttributeError) as exc:
                raise StackError(
                    f"the {system} simulator at {ep['admin_url']} does not answer: {exc}",
                    hint="is harness up still running, and reachable from here?",
                ) from None
    return out
