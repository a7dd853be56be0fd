"""WireMock stub mappings from a simulator tenant's current state.

For teams that already run WireMock in their pipelines: every read a stack makes of the
tenant (records by id, lists, describes, metadata) is made against the simulator with the
vendor's own authentication, and each 2xx answer becomes one mapping file with the
vendor's headers and body. The simulator's own address in bodies and headers becomes
``{{request.baseUrl}}``, so the mappings answer correctly wherever WireMock runs.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .._errors import ConfigurationError
from ._reads import PLANS, iter_reads, read_plan

#: response headers that describe one connection or one moment, not the vendor's answer
_DROP_HEADERS = {
    "connection",
    "content-length",
    "date",
    "keep-alive",
    "server",
    "transfer-encoding",
}
_NAMESPACE = uuid.UUID("6f1c2a40-7d0e-4b7e-9a55-2f0c7b1d9e31")
_SLUG = re.compile(r"[^A-Za-z0-9]+")


@dataclass(slots=True)
class ExportReport:
    system: str
    vendor: str
    out_dir: Path
    written: int = 0
    skipped: list[str] = field(default_factory=list)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _template(text: str, origin: str) -> tuple[str, bool]:
    """Put ``{{request.baseUrl}}`` where the simulator's origin was; escape other braces."""
    if origin not in text:
        return text, False
    return text.replace("{{", "\\{{").replace(origin, "{{request.baseUrl}}"), True


def mapping_for(
    system: str, url: str, resp: httpx.Response, origin: str, auth_pattern: str
) -> dict[str, Any]:
    body, templated = _template(resp.text, origin)
    headers: dict[str, str] = {}
    for name, value in resp.headers.items():
        if name.lower() in _DROP_HEADERS:
            continue
        value, hdr_templated = _template(value, origin)
        templated = templated or hdr_templated
        headers[name] = value
    response: dict[str, Any] = {"status": resp.status_code, "headers": headers, "body": body}
    if templated:
        response["transformers"] = ["response-template"]
    return {
        "id": str(uuid.uuid5(_NAMESPACE, f"{system} GET {url}")),
        "name": f"{system} GET {url}",
        "request": {
            "method": "GET",
            "url": url,
            "headers": {"Authorization": {"matches": auth_pattern}},
        },
        "response": response,
        "persistent": True,
        "metadata": {"exported-from": system},
    }


def export_wiremock(
    endpoints: dict[str, Any], system: str, out_dir: Path, *, limit: int = 50
) -> ExportReport:
    """Write ``out_dir/mappings/*.json`` for ``system`` of the endpoints document."""
    ep = endpoints.get(system)
    if not isinstance(ep, dict) or "vendor" not in ep:
        known = [
            k for k, v in endpoints.items() if isinstance(v, dict) and v.get("vendor") in PLANS
        ]
        raise ConfigurationError(
            f"the endpoints file has no system {system!r}", hint=f"choose from {', '.join(known)}"
        )
    if ep["vendor"] not in PLANS:
        raise ConfigurationError(
            f"no WireMock export for vendor {ep['vendor']!r}",
            hint=f"exports exist for {', '.join(PLANS)}",
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigurationError(f"--out {out_dir} is a file", hint="name a folder")
    mappings_dir = out_dir / "mappings"
    mappings_dir.mkdir(parents=True, exist_ok=True)
    report = ExportReport(system, ep["vendor"], out_dir)
    origin = _origin(ep["base_url"])
    verify: Any = endpoints.get("ca_bundle") or True
    with httpx.Client(verify=verify, trust_env=False, timeout=30.0) as client:
        plan = read_plan(client, ep, limit)
        for index, (url, resp) in enumerate(iter_reads(client, origin, plan)):
            if not 200 <= resp.status_code < 300:
                report.skipped.append(f"GET {url} answered {resp.status_code}")
                continue
            mapping = mapping_for(system, url, resp, origin, plan.auth_pattern)
            slug = _SLUG.sub("-", url).strip("-")[-80:]
            path = mappings_dir / f"{system}-{index:05d}-{slug}.json"
            path.write_text(json.dumps(mapping, indent=2, ensure_ascii=False) + "\n")
            report.written += 1
    return report
