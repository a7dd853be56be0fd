"""Contract violations the simulators recorded, placed under the step that caused them.

Each simulator checks the stack's writes against the contract of the release it serves
and keeps what broke it in its journal. After a journey, the new entries with violations
are read back and each is attached to the step running when the request arrived (the
stack acts while the journey waits, so that is the step waiting for its effect).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ._admin import Admin
from ._errors import JourneyFailure
from ._model import InvariantResult, JourneyResult, StepResult

RULE_NAME = "requests keep to the vendor contracts"


@dataclass(frozen=True, slots=True)
class FoundViolation:
    system: str
    method: str
    path: str
    status: int
    at: float  # wall clock
    field: str
    json_path: str  # where in the request body, e.g. $.subsidiary
    rule: str
    message: str
    schema: str
    release: str

    def line(self) -> str:
        return (
            f"{self.system} {self.method} {self.path} -> {self.status}: field '{self.field}' "
            f"({self.json_path}) breaks rule '{self.rule}' of {self.release} {self.schema} "
            f"({self.message})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "field": self.field,
            "json_path": self.json_path,
            "rule": self.rule,
            "message": self.message,
            "schema": self.schema,
            "release": self.release,
        }


def read_violations(admin: dict[str, Admin], since: dict[str, int]) -> list[FoundViolation]:
    """Journal entries with violations after ``since[system]`` (updated in place)."""
    out: list[FoundViolation] = []
    for system, a in admin.items():
        try:
            r = a.wire.call("GET", "/journal", params={"limit": 100000})
        except JourneyFailure:
            continue
        body = r.json()
        entries = body.get("entries") if isinstance(body, dict) else body
        last = since.get(system, 0)
        for e in entries or []:
            seq = int(e.get("seq", 0))
            if seq <= last:
                continue
            since[system] = max(since.get(system, 0), seq)
            for v in e.get("violations") or []:
                out.append(
                    FoundViolation(
                        system,
                        str(e.get("method")),
                        str(e.get("path")),
                        int(e.get("status") or 0),
                        float(e.get("at") or 0.0),
                        str(v.get("field", "")),
                        str(v.get("path", "")),
                        str(v.get("rule", "")),
                        str(v.get("message", "")),
                        str(v.get("schema", "")),
                        str(v.get("release", "")),
                    )
                )
    return sorted(out, key=lambda v: v.at)


def _step_at(steps: list[StepResult], t: float) -> StepResult | None:
    chosen = None
    for s in steps:
        if s.started <= t:
            chosen = s
        if s.started <= t <= s.ended:
            return s
    return chosen or (steps[0] if steps else None)


def attach(result: JourneyResult, found: list[FoundViolation], origin: float) -> None:
    """Put each violation under its step (failing it) and add a rule naming them all."""
    if not found:
        return
    wall_origin = time.time() - (time.monotonic() - origin)
    for v in found:
        step = _step_at(result.steps, v.at - wall_origin)
        if step is None:
            continue
        step.exchanges.append(_exchange(v))
        if "contract:" in (step.error or ""):
            continue
        if step.ok:  # lenient mode: the simulator let it through, the report still fails it
            step.ok, step.error = False, f"contract: {v.line()}"
        else:
            step.error = f"{step.error}; contract: {v.line()}"
    first = found[0]
    more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
    result.invariants.append(InvariantResult(RULE_NAME, False, first.line() + more))


def _exchange(v: FoundViolation) -> Any:
    from ._model import Exchange

    return Exchange(
        v.system,
        v.method,
        v.path,
        v.status,
        request=None,
        response={"contract_violation": v.to_dict()},
    )
