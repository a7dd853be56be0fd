"""What a run produced: steps, invariants and KPIs per journey; the run around them.

Plain dataclasses with ``to_dict`` so every reporter reads the same facts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Exchange:
    """One HTTP call a step made (or a wait it did), kept for the report."""

    system: str
    method: str
    url: str
    status: int | None
    request: Any = None
    response: Any = None


@dataclass(slots=True)
class StepResult:
    """One step of a journey: an action by a person, or a wait for the stack's effect."""

    name: str
    system: str
    kind: str  # "action" | "wait" | "check"
    started: float  # seconds since the run started
    ended: float = 0.0
    ok: bool = True
    error: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return max(self.ended - self.started, 0.0)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 4)
        return d


@dataclass(slots=True)
class InvariantResult:
    """A cross-system rule checked once the journey settled."""

    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class JourneyResult:
    """The outcome of one journey (one billing model, one deal)."""

    name: str
    billing_model: str
    started: float
    ended: float = 0.0
    steps: list[StepResult] = field(default_factory=list)
    invariants: list[InvariantResult] = field(default_factory=list)
    ids: dict[str, Any] = field(default_factory=dict)
    kpis: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps) and all(i.ok for i in self.invariants)

    @property
    def failed_step(self) -> StepResult | None:
        return next((s for s in self.steps if not s.ok), None)

    @property
    def failures(self) -> list[str]:
        """One line per failure: the failing step, then each broken invariant."""
        out = []
        step = self.failed_step
        if step is not None:
            out.append(f"{self.name}: step '{step.name}' ({step.system}) failed: {step.error}")
        out += [
            f"{self.name}: invariant '{i.name}' broken: {i.detail}"
            for i in self.invariants
            if not i.ok
        ]
        return out

    @property
    def seconds(self) -> float:
        return max(self.ended - self.started, 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "billing_model": self.billing_model,
            "ok": self.ok,
            "started": round(self.started, 4),
            "seconds": round(self.seconds, 4),
            "ids": self.ids,
            "kpis": self.kpis,
            "failures": self.failures,
            "steps": [s.to_dict() for s in self.steps],
            "invariants": [i.to_dict() for i in self.invariants],
        }


@dataclass(slots=True)
class RunResult:
    """A whole run: how to reproduce it, what it ran against, and each journey."""

    seed: int
    size: str
    command: str
    target: str
    started_at: float  # wall clock, epoch seconds
    seconds: float = 0.0
    journeys: list[JourneyResult] = field(default_factory=list)
    retries: dict[str, dict[str, int]] = field(default_factory=dict)  # system -> status -> n
    faults: list[dict[str, Any]] = field(default_factory=list)  # applied rules, fire counts
    error: str | None = None  # the run could not finish (the target died, the deadline passed)

    @property
    def ok(self) -> bool:
        return self.error is None and all(j.ok for j in self.journeys)

    @property
    def failures(self) -> list[str]:
        out = [f for j in self.journeys for f in j.failures]
        return out + ([f"run: {self.error}"] if self.error else [])
