"""Fault rules of a run: applied to the simulators before the journeys, counted after.

Each rule gets an id (``harness-fault-N`` unless it names one) so its call and fire counts
can be read back from the simulator's admin API; a rule that never fired is reported as
such, since it proved nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._admin import Admin
from ._errors import JourneyFailure


def describe_fault(f: Mapping[str, Any]) -> str:
    """``erp fault harness-fault-1: PUT /path -> error 400 'message'`` (+ counts once known)."""
    fault = f.get("fault") or {}
    kind = str(fault.get("kind", "?"))
    what = kind + (f" {fault['status']}" if kind == "error" and "status" in fault else "")
    what += f" {fault['message']!r}" if fault.get("message") else ""
    where = f"{f.get('method') or 'any method'} {f.get('path') or '*'}"
    line = f"{f['system']} fault {f['id']}: {where} -> {what}"
    if "fired" in f:
        line += f" (fired {f['fired']} of {f.get('calls', 0)} matching calls)"
    return line


def apply_faults(admin: Mapping[str, Admin], rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """POST each rule to its system's admin API; returns the rules as applied (with ids)."""
    applied = []
    for n, rule in enumerate(rules, start=1):
        system = str(rule.get("system"))
        if system not in admin:
            raise JourneyFailure(f"fault rule {n} names a system that is not running: {system!r}")
        body = {k: v for k, v in rule.items() if k != "system"}
        body.setdefault("id", f"harness-fault-{n}")
        admin[system].add_fault(body)
        applied.append({"system": system, **body})
    return applied


def fault_outcomes(
    admin: Mapping[str, Admin], applied: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The applied rules with the simulators' ``calls`` and ``fired`` counts."""
    counts: dict[tuple[str, str], dict[str, Any]] = {}
    for system in {f["system"] for f in applied}:
        try:
            listed = admin[system].wire.call("GET", "/faults").json().get("faults", [])
        except (JourneyFailure, ValueError, AttributeError):
            continue  # the simulator is gone; the rules stay listed without counts
        counts.update({(system, str(r.get("id"))): r for r in listed})
    out = []
    for f in applied:
        seen = counts.get((f["system"], f["id"]))
        extra = {"calls": seen.get("calls", 0), "fired": seen.get("fired", 0)} if seen else {}
        out.append({**f, **extra})
    return out


def remove_faults(admin: Mapping[str, Admin], applied: list[dict[str, Any]]) -> None:
    """Delete the run's rules, so simulators that outlive the run serve the next one clean."""
    for f in applied:
        try:
            admin[f["system"]].wire.call("DELETE", f"/faults/{f['id']}", expect=(200, 204, 404))
        except JourneyFailure:
            continue  # the simulator is gone with its rules
