"""``harness contracts verify``: read a live sandbox (describe, metadata catalog, a few
records) and report, per object, how it drifted from its contract. Only GET requests and
the vendor's token request are sent; nothing is written.

Salesforce and NetSuite describe their objects (describe, metadata catalog), so fields,
types and required flags are compared; Kantata and Workday publish no describe, so a
few records of each collection are read and their fields and JSON types compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from contracts import SALESFORCE_TEXT_TYPES, Contract, json_type

from .._errors import ConfigurationError, StackError

#: Salesforce field types whose values are JSON strings
_SF_TEXT = {"id", "reference", *SALESFORCE_TEXT_TYPES, "date", "datetime", "time"}


@dataclass(slots=True)
class ObjectDrift:
    name: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retyped: list[str] = field(default_factory=list)
    newly_required: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def drifted(self) -> bool:
        return bool(self.added or self.removed or self.retyped or self.newly_required)


@dataclass(slots=True)
class DriftReport:
    vendor: str
    release: str
    base_url: str
    objects: list[ObjectDrift] = field(default_factory=list)

    @property
    def drifted(self) -> bool:
        return any(o.drifted for o in self.objects)

    def lines(self) -> list[str]:
        out = [f"{self.vendor} at {self.base_url} against contract {self.release}:"]
        for o in self.objects:
            if not o.drifted:
                out.append(f"  {o.name}: no drift{(' (' + o.note + ')') if o.note else ''}")
                continue
            out.append(f"  {o.name}: DRIFT")
            for label, names in (
                ("added", o.added),
                ("removed", o.removed),
                ("retyped", o.retyped),
                ("newly required", o.newly_required),
            ):
                if names:
                    out.append(f"    {label}: {', '.join(names)}")
        n = sum(1 for o in self.objects if o.drifted)
        out.append(f"{n} of {len(self.objects)} object(s) drifted")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "release": self.release,
            "base_url": self.base_url,
            "drifted": self.drifted,
            "objects": [
                {
                    "name": o.name,
                    "drifted": o.drifted,
                    "added": o.added,
                    "removed": o.removed,
                    "retyped": o.retyped,
                    "newly_required": o.newly_required,
                    "note": o.note,
                }
                for o in self.objects
            ],
        }


def _types(schema: dict[str, Any]) -> set[str]:
    if "anyOf" in schema:
        return set().union(*(_types(s) for s in schema["anyOf"]))
    t = schema.get("type")
    if t is None:
        return {"object"}
    out = {t} if isinstance(t, str) else set(t)
    return out - {"null"}


def _compare(
    name: str,
    contract: dict[str, Any],
    live: dict[str, set[str]],
    live_required: set[str] | None,
    sampled: bool,
) -> ObjectDrift:
    record = contract.get("record", {})
    props = record.get("properties", {})
    required = set(contract.get("create", {}).get("required", []))
    d = ObjectDrift(name)
    ignore = {"attributes", "links", "refName"}
    for f, types in sorted(live.items()):
        if f in ignore:
            continue
        if f not in props:
            d.added.append(f)
            continue
        want = _types(props[f])
        if types and want and not (types & want) and not ("integer" in types and "number" in want):
            d.retyped.append(f"{f} ({'/'.join(sorted(want))} -> {'/'.join(sorted(types))})")
    if not sampled:
        d.removed = sorted(f for f in props if f not in live and f not in ignore)
    if live_required is not None:
        d.newly_required = sorted(live_required - required)
    if sampled:
        d.note = "fields from sampled records"
    return d


def _credentials(endpoints: Path, vendor: str) -> dict[str, Any]:
    try:
        doc = json.loads(endpoints.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"{endpoints}: not a readable endpoints file: {exc}") from None
    for section in doc.values():
        if isinstance(section, dict) and section.get("vendor") == vendor:
            return section
    raise ConfigurationError(
        f"{endpoints} has no {vendor} section", hint="write one with harness up --endpoints-file"
    )


def served_release(endpoints: Path, vendor: str) -> str | None:
    """The release an endpoints file says its simulator serves (None: not said)."""
    release = _credentials(endpoints, vendor).get("release")
    return str(release) if release else None


def _rebase(url: str, base_url: str) -> str:
    """The credential file's URL moved onto --base-url (same path)."""
    p = urlsplit(url)
    return base_url.rstrip("/") + p.path + (f"?{p.query}" if p.query else "")


def verify(vendor: str, base_url: str, endpoints: Path, contract: Contract) -> DriftReport:
    ep = _credentials(endpoints, vendor)
    verify_tls: Any = (
        ep.get("ca_bundle") or json.loads(endpoints.read_text()).get("ca_bundle") or True
    )
    report = DriftReport(vendor, contract.release, base_url)
    try:
        with httpx.Client(base_url=base_url, verify=verify_tls, timeout=30.0) as client:
            objects = contract.objects()
            if vendor == "salesforce":
                _salesforce(client, ep, base_url, objects, report)
            elif vendor == "netsuite":
                _netsuite(client, ep, base_url, objects, report)
            elif vendor == "kantata":
                _sampled(
                    client,
                    {"Authorization": f"Bearer {ep['token']}"},
                    "/api/v1/{name}?per_page=5",
                    objects,
                    report,
                    _kantata_records,
                )
            elif vendor == "workday":
                token = _workday_token(client, ep, base_url)
                path = urlsplit(ep["common_base_url"]).path + "/{name}?limit=5"
                _sampled(
                    client,
                    {"Authorization": f"Bearer {token}"},
                    path,
                    objects,
                    report,
                    lambda b, n: list(b.get("data") or []),
                )
            else:
                raise ConfigurationError(f"verify does not know vendor {vendor!r}")
    except httpx.HTTPError as exc:
        raise StackError(f"{vendor} at {base_url} did not answer: {exc}") from None
    return report


def _get(client: httpx.Client, url: str, headers: dict[str, str]) -> Any:
    r = client.get(url, headers=headers)
    if r.status_code != 200:
        return None
    return r.json()


def _salesforce(
    client: httpx.Client,
    ep: dict[str, Any],
    base_url: str,
    objects: dict[str, Any],
    report: DriftReport,
) -> None:
    r = client.post(
        _rebase(ep["token_url"], base_url),
        data={
            "grant_type": "client_credentials",
            "client_id": ep["client_id"],
            "client_secret": ep["client_secret"],
        },
    )
    if r.status_code != 200:
        raise StackError(f"salesforce token request answered {r.status_code}: {r.text[:200]}")
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    ver = ep.get("api_version", "60.0")
    for name, defs in sorted(objects.items()):
        doc = _get(client, f"/services/data/v{ver}/sobjects/{name}/describe", h)
        if doc is None:
            report.objects.append(ObjectDrift(name, removed=["(object not described)"]))
            continue
        live: dict[str, set[str]] = {}
        req: set[str] = set()
        for f in doc.get("fields", []):
            t = f.get("type")
            js = (
                "string"
                if t in _SF_TEXT
                else "boolean"
                if t == "boolean"
                else "integer"
                if t in ("int", "long")
                else "number"
                if t in ("double", "currency", "percent")
                else "object"
            )
            live[f["name"]] = {js}
            if (
                f.get("createable")
                and not f.get("nillable")
                and not f.get("defaultedOnCreate")
                and t != "boolean"
            ):
                req.add(f["name"])
        props = defs.get("record", {}).get("properties", {})
        custom = {k for k in live if k.endswith("__c") and k not in props}
        d = _compare(name, defs, {k: v for k, v in live.items() if k not in custom}, req, False)
        if custom:
            d.note = f"org custom fields outside the contract: {', '.join(sorted(custom))}"
        report.objects.append(d)


def _netsuite(
    client: httpx.Client,
    ep: dict[str, Any],
    base_url: str,
    objects: dict[str, Any],
    report: DriftReport,
) -> None:
    from ..stack._vendor_auth import tba_auth

    auth = tba_auth(ep)
    rest = urlsplit(ep["rest_url"]).path
    for name, defs in sorted(objects.items()):
        r = client.get(
            f"{rest}/record/v1/metadata-catalog/{name}",
            headers={"Accept": "application/schema+json"},
            auth=auth,
        )
        if r.status_code != 200:
            report.objects.append(ObjectDrift(name, removed=["(no metadata catalog entry)"]))
            continue
        doc = r.json()
        live: dict[str, set[str]] = {}
        for f, s in (doc.get("properties") or {}).items():
            t = s.get("type")
            live[f] = ({t} if isinstance(t, str) else set(t or ["object"])) - {"null"}
        req = set(doc.get("required") or [])
        report.objects.append(_compare(name, defs, live, req, False))


def _kantata_records(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    coll = body.get(name) or {}
    return list(coll.values()) if isinstance(coll, dict) else []


def _sampled(
    client: httpx.Client,
    headers: dict[str, str],
    path: str,
    objects: dict[str, Any],
    report: DriftReport,
    extract: Any,
) -> None:
    for name, defs in sorted(objects.items()):
        if "record" not in defs:
            continue
        body = _get(client, path.format(name=name), headers)
        if body is None:
            report.objects.append(
                ObjectDrift(name, note="not readable here (no list endpoint answered)")
            )
            continue
        records = extract(body, name)[:5]
        if not records:
            report.objects.append(ObjectDrift(name, note="no records to sample"))
            continue
        live: dict[str, set[str]] = {}
        for rec in records:
            for k, v in rec.items():
                if v is not None:
                    live.setdefault(k, set()).add(json_type(v))
                else:
                    live.setdefault(k, set())
        report.objects.append(_compare(name, defs, live, None, True))


def _workday_token(client: httpx.Client, ep: dict[str, Any], base_url: str) -> str:
    r = client.post(
        _rebase(ep["token_url"], base_url),
        data={"grant_type": "refresh_token", "refresh_token": ep["refresh_token"]},
        auth=(ep["client_id"], ep["client_secret"]),
    )
    if r.status_code != 200:
        raise StackError(f"workday token request answered {r.status_code}: {r.text[:200]}")
    return str(r.json()["access_token"])
