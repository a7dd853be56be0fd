"""The endpoints file: how an integration stack under test finds its four systems.

``{"crm": {"vendor", "base_url", "admin_url", "admin_token", ...credentials}, "erp": ...,
"ca_bundle"?}``; written 0600, since it holds every credential and the run's admin token.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from simulators.engine import DEFAULT_TENANT

from .._errors import ConfigurationError, StackError
from .._schema_input import check_document, read_document

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
        if sim.settings.admin_token:
            doc[system]["admin_token"] = sim.settings.admin_token
        if sim.contracts is not None:  # the vendor release served (contracts/<vendor>/<release>)
            doc[system]["release"] = sim.contracts.release
    if stack.tls is not None:
        doc["ca_bundle"] = str(Path(stack.tls.ca_bundle).absolute())  # usable from any folder
    if stack.peripherals is not None:
        doc[PERIPHERALS] = stack.peripherals.endpoints()
    return doc


def simulator_endpoints(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The simulated systems of an endpoints document (not the CA or the peripherals)."""
    for system, ep in doc.items():
        if system != PERIPHERALS and isinstance(ep, dict):
            yield system, ep


def admin_headers(ep: dict[str, Any]) -> dict[str, str]:
    """The headers an admin call to the system ``ep`` describes needs (its admin token)."""
    token = ep.get("admin_token")
    return {"Authorization": f"Bearer {token}"} if token else {}


def write_endpoints(path: Path, doc: dict[str, Any]) -> None:
    """Write the document readable by its owner only: it holds every credential."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(doc, indent=2) + "\n")
    os.chmod(tmp, 0o600)  # whatever the umask
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
        for system, ep in simulator_endpoints(doc):
            tenant = ep.get("sim_tenant") or DEFAULT_TENANT
            headers = admin_headers(ep)  # simulators that guard their admin API
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
