"""Classify every change between two releases of a vendor's contracts as breaking or not.

Breaking for a stack that worked against the old release: a removed or renamed field or
endpoint, a newly required field, a narrowed type or enum, a removed picklist value, a
tightened limit (length, page size), a changed error code, a retired API version.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ._loader import Contract

REQUEST_KINDS = ("create", "update", "upsert")


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # removed-field, renamed-field, newly-required, ... (see ``KINDS``)
    breaking: bool
    object: str  # object or endpoint name, "" for release-wide changes
    field: str
    schema: str  # record | create | update | upsert | endpoint | errors | api | limits
    old: Any
    new: Any
    detail: str
    why: str = ""  # the release manifest's reason, when it gives one

    @property
    def where(self) -> str:
        return ".".join(x for x in (self.object, self.field) if x) or self.schema

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "where": self.where}

    def line(self) -> str:
        tag = "BREAKING" if self.breaking else "ok      "
        why = f" -- {self.why}" if self.why else ""
        return f"{tag} {self.kind:<22} {self.where} ({self.schema}): {self.detail}{why}"


def _types(s: dict[str, Any]) -> set[str]:
    if "anyOf" in s:
        out: set[str] = set()
        for sub in s["anyOf"]:
            out |= _types(sub)
        return out
    t = s.get("type")
    if t is None:
        return {"object"} if "$ref" in s else set()
    return {t} if isinstance(t, str) else set(t)


def _values(s: dict[str, Any]) -> tuple[str, list[Any]] | None:
    for key in ("enum", "x-picklist-values"):
        if key in s:
            return key, list(s[key])
    return None


def _compare_field(
    obj: str, kind: str, name: str, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    out: list[Change] = []
    request = kind in REQUEST_KINDS
    ot, nt = _types(old), _types(new)
    if ot and nt and ot != nt:
        lost, gained = ot - nt, nt - ot
        if lost and request:
            out.append(
                Change(
                    "narrowed-type",
                    True,
                    obj,
                    name,
                    kind,
                    sorted(ot),
                    sorted(nt),
                    f"no longer accepts {', '.join(sorted(lost))}",
                )
            )
        elif gained and not request:
            out.append(
                Change(
                    "retyped-field",
                    True,
                    obj,
                    name,
                    kind,
                    sorted(ot),
                    sorted(nt),
                    f"may now answer {', '.join(sorted(gained))}",
                )
            )
        else:
            out.append(
                Change(
                    "widened-type", False, obj, name, kind, sorted(ot), sorted(nt), "type widened"
                )
            )
    ov, nv = _values(old), _values(new)
    if ov or nv:
        _, olist = ov or ("", [])
        nkey, nlist = nv or ("", [])
        removed = [v for v in olist if v not in nlist] if nv else []
        added = [v for v in nlist if v not in olist]
        if removed:
            k = "removed-picklist-value" if nkey == "x-picklist-values" else "narrowed-enum"
            out.append(
                Change(
                    k,
                    True,
                    obj,
                    name,
                    kind,
                    olist,
                    nlist,
                    f"values removed: {', '.join(map(str, removed))}",
                )
            )
        if added and ov:
            out.append(
                Change(
                    "added-value",
                    False,
                    obj,
                    name,
                    kind,
                    olist,
                    nlist,
                    f"values added: {', '.join(map(str, added))}",
                )
            )
        elif added and nkey == "enum" and not ov:
            out.append(
                Change(
                    "narrowed-enum",
                    True,
                    obj,
                    name,
                    kind,
                    None,
                    nlist,
                    "now restricted to a list of values",
                )
            )
    om, nm = old.get("maxLength"), new.get("maxLength")
    if nm is not None and (om is None or nm < om):
        out.append(
            Change(
                "tightened-limit",
                True,
                obj,
                name,
                kind,
                om,
                nm,
                f"maxLength {om or 'unbounded'} -> {nm}",
            )
        )
    elif om is not None and (nm is None or nm > om):
        out.append(
            Change(
                "relaxed-limit",
                False,
                obj,
                name,
                kind,
                om,
                nm,
                f"maxLength {om} -> {nm or 'unbounded'}",
            )
        )
    if old.get("format") != new.get("format") and new.get("format"):
        out.append(
            Change(
                "narrowed-type",
                request,
                obj,
                name,
                kind,
                old.get("format"),
                new.get("format"),
                f"format {old.get('format')} -> {new.get('format')}",
            )
        )
    return out


def _compare_object(obj: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out: list[Change] = []
    for kind in sorted(set(old) | set(new)):
        o, n = old.get(kind), new.get(kind)
        if n is None:
            out.append(
                Change(
                    "removed-endpoint", True, obj, "", kind, kind, None, f"the {kind} shape is gone"
                )
            )
            continue
        if o is None:
            out.append(
                Change("added-endpoint", False, obj, "", kind, None, kind, f"new {kind} shape")
            )
            continue
        op, np_ = o.get("properties", {}), n.get("properties", {})
        renamed = {v.get("x-renamed-from"): k for k, v in np_.items() if v.get("x-renamed-from")}
        oreq, nreq = set(o.get("required", [])), set(n.get("required", []))
        for name in op:
            if name not in np_:
                if name in renamed:
                    out.append(
                        Change(
                            "renamed-field",
                            True,
                            obj,
                            name,
                            kind,
                            name,
                            renamed[name],
                            f"renamed to {renamed[name]}",
                        )
                    )
                else:
                    out.append(
                        Change("removed-field", True, obj, name, kind, name, None, "field removed")
                    )
                continue
            out += _compare_field(obj, kind, name, op[name], np_[name])
        for name in np_:
            if name in op or name in renamed.values():
                continue
            if name in nreq:
                continue  # reported as newly required below
            out.append(
                Change("added-field", False, obj, name, kind, None, name, "optional field added")
            )
        for name in sorted(nreq - oreq):
            out.append(
                Change(
                    "newly-required",
                    True,
                    obj,
                    name,
                    kind,
                    False,
                    True,
                    "required on create" if kind == "create" else f"required in {kind}",
                )
            )
        for name in sorted(oreq - nreq):
            if name in np_:
                out.append(
                    Change(
                        "no-longer-required", False, obj, name, kind, True, False, "now optional"
                    )
                )
    return out


def diff(old: Contract, new: Contract) -> list[Change]:
    """Every change from ``old`` to ``new`` (same vendor), the breaking ones first."""
    out: list[Change] = []
    oo, no = old.objects(), new.objects()
    for name in sorted(set(oo) | set(no)):
        if name not in no:
            out.append(
                Change("removed-endpoint", True, name, "", "object", name, None, "object removed")
            )
        elif name not in oo:
            out.append(
                Change("added-endpoint", False, name, "", "object", None, name, "object added")
            )
        else:
            out += _compare_object(name, oo[name], no[name])
    for route in sorted(set(old.endpoints) | set(new.endpoints)):
        if route not in new.endpoints:
            out.append(
                Change(
                    "removed-endpoint",
                    True,
                    route,
                    "",
                    "endpoint",
                    old.endpoints[route].get("path"),
                    None,
                    "endpoint removed",
                )
            )
        elif route not in old.endpoints:
            out.append(
                Change(
                    "added-endpoint",
                    False,
                    route,
                    "",
                    "endpoint",
                    None,
                    new.endpoints[route].get("path"),
                    "endpoint added",
                )
            )
        elif old.endpoints[route].get("path") != new.endpoints[route].get("path"):
            out.append(
                Change(
                    "renamed-endpoint",
                    True,
                    route,
                    "",
                    "endpoint",
                    old.endpoints[route].get("path"),
                    new.endpoints[route].get("path"),
                    "path changed",
                )
            )
    ov, nv = old.wire.get("x-violation", {}), new.wire.get("x-violation", {})
    if ov.get("status") != nv.get("status"):
        out.append(
            Change(
                "changed-error-code",
                True,
                "",
                "",
                "errors",
                ov.get("status"),
                nv.get("status"),
                f"HTTP status {ov.get('status')} -> {nv.get('status')}",
            )
        )
    oc, nc = ov.get("codes", {}), nv.get("codes", {})
    for rule in sorted(set(oc) | set(nc)):
        if oc.get(rule) != nc.get(rule):
            out.append(
                Change(
                    "changed-error-code",
                    True,
                    "",
                    rule,
                    "errors",
                    oc.get(rule),
                    nc.get(rule),
                    f"{rule}: {oc.get(rule)} -> {nc.get(rule)}",
                )
            )
    ora, nra = (
        old.wire.get("x-api", {}).get("retired_below"),
        new.wire.get("x-api", {}).get("retired_below"),
    )
    if ora != nra and nra is not None and (ora is None or float(nra) > float(ora)):
        out.append(
            Change(
                "retired-version", True, "", "", "api", ora, nra, f"versions below {nra} answer 410"
            )
        )
    elif ora != nra and ora is not None:
        detail = f"versions from {nra} served again" if nra else "no version retired"
        out.append(Change("unretired-version", False, "", "", "api", ora, nra, detail))
    opm, npm = (
        old.wire.get("x-limits", {}).get("page_size_max"),
        new.wire.get("x-limits", {}).get("page_size_max"),
    )
    if opm != npm and npm is not None:
        tight = opm is None or npm < opm
        out.append(
            Change(
                "tightened-limit" if tight else "relaxed-limit",
                tight,
                "",
                "page_size_max",
                "limits",
                opm,
                npm,
                f"page size at most {opm} -> {npm}",
            )
        )
    whys = _whys(new)
    out = [_with_why(c, whys) for c in out]
    return sorted(out, key=lambda c: (not c.breaking, c.object, c.field, c.kind))


def _whys(new: Contract) -> dict[tuple[str, str], str]:
    out = {}
    for ch in new.info.manifest.get("changes", []):
        out[(str(ch.get("object", "")), str(ch.get("field", "")))] = str(ch.get("why", ""))
        if ch.get("op") == "retire_below":
            out[("", "")] = str(ch.get("why", ""))
        if ch.get("op") == "page_size_max":
            out[("", "page_size_max")] = str(ch.get("why", ""))
    return out


def _with_why(c: Change, whys: dict[tuple[str, str], str]) -> Change:
    why = whys.get((c.object, c.field), "")
    if not why:
        return c
    return Change(c.kind, c.breaking, c.object, c.field, c.schema, c.old, c.new, c.detail, why)
