"""Record a live sandbox through WireMock's recorder; keep the traffic, not the secrets.

WireMock proxies every request it receives to ``upstream`` and, when the recording
stops, returns one stub mapping per distinct request. Those mappings are redacted
(secrets removed, personal data replaced) and written three ways:

- ``mappings/``: WireMock stub mappings, to replay the sandbox offline;
- ``examples/``: one request/response example per endpoint shape (ids as ``{id}``),
  for the contracts;
- ``fixtures/``: the records read by id, per record type, in the body the admin API's
  bulk load takes (``POST /__admin/tenants/{t}/records/{type}``), for the simulators.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .._errors import StackError
from ._admin import WireMockAdmin
from ._redact import SECRET_HEADERS, redact, redact_value
from ._runtime import WireMockRuntime
from ._server import WireMockServer

_SF_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_SLUG = re.compile(r"[^A-Za-z0-9]+")


@dataclass(slots=True)
class RecordReport:
    upstream: str
    out_dir: Path
    mappings: int = 0
    examples: int = 0
    fixtures: dict[str, int] = field(default_factory=dict)


def _is_id(segment: str) -> bool:
    stem = segment.removesuffix(".json")
    if stem.isdigit() or _HEX32.match(stem):
        return True
    return bool(_SF_ID.match(stem)) and any(c.isdigit() for c in stem) and stem != stem.lower()


def shape_of(path: str) -> tuple[str, str | None]:
    """The path with ids as ``{id}``, and the record type before the last id (if any)."""
    parts = path.split("/")
    rtype = None
    for i, seg in enumerate(parts):
        if seg and _is_id(seg):
            if i > 0 and not _is_id(parts[i - 1]):
                rtype = parts[i - 1]
            parts[i] = "{id}" + (".json" if seg.endswith(".json") else "")
    return "/".join(parts), rtype


def _body_text(response: dict[str, Any]) -> str | None:
    if "body" in response:
        return str(response["body"])
    if "base64Body" in response:
        try:
            return base64.b64decode(response["base64Body"]).decode()
        except (ValueError, UnicodeDecodeError):
            return None
    if "jsonBody" in response:
        return json.dumps(response["jsonBody"])
    return None


def _redact_text(text: str) -> str:
    try:
        return json.dumps(redact(json.loads(text)), ensure_ascii=False)
    except ValueError:
        pass
    if "=" in text and not any(c.isspace() for c in text.strip()):  # form-encoded
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            return urlencode([(k, redact_value(k, v)) for k, v in pairs])
    return str(redact(text))


def redact_mapping(mapping: dict[str, Any]) -> dict[str, Any]:
    """A recorded mapping without credentials or personal data."""
    req = dict(mapping.get("request") or {})
    req["headers"] = {
        k: v for k, v in (req.get("headers") or {}).items() if k.lower() not in SECRET_HEADERS
    }
    if not req["headers"]:
        del req["headers"]
    patterns = []
    for pat in req.get("bodyPatterns") or []:
        patterns.append(
            {k: (_redact_text(v) if isinstance(v, str) else redact(v)) for k, v in pat.items()}
        )
    if patterns:
        req["bodyPatterns"] = patterns
    if "url" in req:
        parts = urlsplit(req["url"])
        query = urlencode([(k, redact_value(k, v)) for k, v in parse_qsl(parts.query)])
        req["url"] = parts.path + (f"?{query}" if query else "")
    resp = dict(mapping.get("response") or {})
    text = _body_text(resp)
    for key in ("body", "base64Body", "jsonBody"):
        resp.pop(key, None)
    if text is not None:
        resp["body"] = _redact_text(text)
    resp["headers"] = {
        k: redact_value(k, v)
        for k, v in (resp.get("headers") or {}).items()
        if k.lower() not in SECRET_HEADERS
    }
    return {**mapping, "request": req, "response": resp}


def _records_of(body: Any, rtype: str) -> list[dict[str, Any]]:
    """The records one GET-by-id answer holds (Kantata envelopes hold them by collection)."""
    if isinstance(body, dict) and isinstance(body.get(rtype), dict) and "results" in body:
        return [dict(r) for r in body[rtype].values() if isinstance(r, dict)]
    if isinstance(body, dict):
        return [{k: v for k, v in body.items() if k not in ("attributes", "links")}]
    return []


def write_outputs(mappings: list[dict[str, Any]], out_dir: Path, report: RecordReport) -> None:
    for sub in ("mappings", "examples", "fixtures"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    examples: dict[str, dict[str, Any]] = {}
    fixtures: dict[str, dict[str, dict[str, Any]]] = {}
    for index, raw in enumerate(mappings):
        m = redact_mapping(raw)
        req, resp = m["request"], m["response"]
        url = req.get("url") or req.get("urlPath") or ""
        path = urlsplit(url).path
        slug = _SLUG.sub("-", f"{req.get('method', 'ANY')} {path}").strip("-")[-80:]
        (out_dir / "mappings" / f"{index:05d}-{slug}.json").write_text(
            json.dumps(m, indent=2, ensure_ascii=False) + "\n"
        )
        report.mappings += 1
        shape, rtype = shape_of(path)
        key = f"{req.get('method', 'ANY')} {shape}"
        body: Any = None
        if resp.get("body") is not None:
            try:
                body = json.loads(resp["body"])
            except ValueError:
                body = resp["body"]
        examples.setdefault(
            key,
            {
                "request": {"method": req.get("method"), "path": shape},
                "response": {"status": resp.get("status"), "body": body},
            },
        )
        if (
            rtype
            and req.get("method") == "GET"
            and resp.get("status") == 200
            and "{id}" in shape.rsplit("/", 1)[-1]
        ):
            for rec in _records_of(body, rtype):
                rid = str(rec.get("Id") or rec.get("id") or len(fixtures.get(rtype, {})))
                fixtures.setdefault(rtype, {})[rid] = rec
    for key, example in sorted(examples.items()):
        name = _SLUG.sub("-", key).strip("-")[-100:]
        (out_dir / "examples" / f"{name}.json").write_text(
            json.dumps(example, indent=2, ensure_ascii=False) + "\n"
        )
    report.examples = len(examples)
    for rtype, recs in sorted(fixtures.items()):
        (out_dir / "fixtures" / f"{rtype}.json").write_text(
            json.dumps({"records": list(recs.values())}, indent=2, ensure_ascii=False) + "\n"
        )
        report.fixtures[rtype] = len(recs)


def record(
    runtime: WireMockRuntime,
    upstream: str,
    out_dir: Path,
    drive: Callable[[str], None],
    *,
    trust_all_upstream_certificates: bool = False,
    log_path: Path | None = None,
) -> RecordReport:
    """Proxy ``upstream`` through WireMock's recorder while ``drive(proxy_url)`` runs."""
    extra = ("--trust-all-proxy-targets",) if trust_all_upstream_certificates else ()
    server = WireMockServer(runtime, extra_args=extra, log_path=log_path).start()
    try:
        admin = WireMockAdmin(server.admin_url)
        admin.start_recording(
            {
                "targetBaseUrl": upstream.rstrip("/"),
                "captureHeaders": {"Accept": {}, "Content-Type": {}},
                "requestBodyPattern": {"matcher": "auto"},
                "persist": False,
                "repeatsAsScenarios": False,
            }
        )
        try:
            drive(server.base_url)
        finally:
            mappings = admin.stop_recording()
    finally:
        server.stop()
    if not mappings:
        raise StackError(
            f"nothing was recorded from {upstream}",
            hint="send the stack's or client's requests to the proxy URL while recording",
        )
    report = RecordReport(upstream, out_dir)
    write_outputs(mappings, out_dir, report)
    return report
