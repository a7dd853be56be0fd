"""The scene of a run: simulators, the firm loaded from the seed, the target, the clients.

Started once, then any number of journeys play in it (``harness run`` plays them in
order; the pytest plugin keeps one session for a test session).
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._config import load_config
from ..stack import Stack, StackSettings, endpoints_document, write_endpoints
from ._errors import JourneyFailure
from ._events import EventBus, JourneyFinished, JourneyStarted, PhaseStarted
from ._invariants import check_invariants
from ._journeys import JOURNEYS, Scene
from ._kpis import journey_kpis
from ._model import JourneyResult
from ._steps import StepRunner
from ._systems import Systems, connect
from ._target import Target, TargetSpec, embedded_spec
from ._violations import attach, read_violations
from ._wire import Deadline, Recorder


def _crm_extras() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """CRM custom fields and platform events the journeys rely on beyond the defaults."""
    fields = [
        {
            "object": "Opportunity",
            "name": "Invoice_Status__c",
            "type": "string",
            "label": "Invoice Status",
        }
    ]
    events = [
        {
            "name": "Project_Activated__e",
            "fields": {
                "Opportunity_Id__c": "string",
                "PSA_Project_Id__c": "string",
                "ERP_Project_Id__c": "string",
            },
        }
    ]
    return fields, events


@dataclass(slots=True)
class SessionOptions:
    seed: int = 1
    size: str = "small"
    https: bool = False
    target: TargetSpec = field(default_factory=embedded_spec)
    timeout: float = 300.0  # the whole run
    step_timeout: float = 30.0  # each wait for the stack's effect
    faults: list[dict[str, Any]] = field(default_factory=list)  # {"system": ..., **rule}
    config: Path | None = None
    workdir: Path | None = None  # default: a temporary directory
    log_dir: Path | None = None  # where the target's log is kept after the run
    releases: dict[str, str] = field(default_factory=dict)  # vendor -> release served
    contracts: str = "strict"  # the simulators' request checks: off | lenient | strict
    dialect_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # vendor -> name=value


def _crm_settings(cfg_sections: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    extra_fields, extra_events = _crm_extras()
    crm = dict(cfg_sections.get("crm") or {})
    have = {(f.get("object"), f.get("name")) for f in crm.get("custom_fields", [])}
    crm["custom_fields"] = [
        *crm.get("custom_fields", []),
        *(f for f in extra_fields if (f["object"], f["name"]) not in have),
    ]
    events = {e.get("name") for e in crm.get("platform_events", [])}
    crm["platform_events"] = [
        *crm.get("platform_events", []),
        *(e for e in extra_events if e["name"] not in events),
    ]
    return {**cfg_sections, "crm": crm}


class Session:
    """Simulators + firm + target, ready for journeys; a context manager."""

    def __init__(self, options: SessionOptions, bus: EventBus | None = None) -> None:
        self.options = options
        self.bus = bus or EventBus()
        self.deadline = Deadline(options.timeout)
        self.recorder = Recorder()
        self.origin = time.monotonic()
        self.rng = random.Random(options.seed)
        self.stack: Stack | None = None
        self.target: Target | None = None
        self.systems: Systems | None = None
        self.endpoints: dict[str, Any] = {}
        self._seen: dict[str, int] = {}  # last journal seq read for contract violations
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.workdir = options.workdir or Path(self._make_tmp())

    def _make_tmp(self) -> str:
        self._tmp = tempfile.TemporaryDirectory(prefix="harness-run-")
        return self._tmp.name

    @property
    def https(self) -> bool:
        """TLS on request, and always for the reference integration: its Salesforce
        client (simple-salesforce) speaks https only."""
        return self.options.https or self.options.target.embedded

    def start(self) -> Session:
        o = self.options
        cfg = load_config(o.config)
        cfg.simulators = _crm_settings(cfg.simulators)
        self.bus.emit(PhaseStarted("starting the four simulators on 127.0.0.1"))
        self.stack = Stack(
            StackSettings(
                port_base=None,
                https=self.https,
                tls_dir=self.workdir / "tls" if self.https else None,
                dialect_settings=cfg.dialect_settings(),
                releases=o.releases,
                contracts=o.contracts,
                dialect_options=o.dialect_options,
            )
        ).start()
        self.endpoints = endpoints_document(self.stack)
        ep_file = self.workdir / "endpoints.json"
        write_endpoints(ep_file, self.endpoints)
        self.bus.emit(PhaseStarted(f"loading the {o.size} firm from seed {o.seed}"))
        from ..data import generate_firm
        from ..loaders import load_firm

        load_firm(generate_firm(o.seed, o.size), self.endpoints, timeout=self.deadline.cap(120))
        self.systems = connect(self.endpoints, self.recorder, self.deadline, o.step_timeout)
        for rule in o.faults:
            system = rule.get("system")
            if system not in self.systems.admin:
                raise JourneyFailure(f"fault rule names unknown system {system!r}")
            self.systems.admin[system].add_fault({k: v for k, v in rule.items() if k != "system"})
        self.bus.emit(PhaseStarted(f"starting the target: {o.target.name}"))
        self.target = Target(o.target, self.recorder, self.deadline, self.workdir)
        self.target.start(ep_file, self.endpoints)
        return self

    def play(self, key: str) -> JourneyResult:
        """Play one journey; a failing step ends it, invariants are checked after success."""
        assert self.systems is not None and self.target is not None
        spec = JOURNEYS[key]
        result = JourneyResult(key, spec.billing_model, started=time.monotonic() - self.origin)
        self.bus.emit(JourneyStarted(key, spec.billing_model))
        steps = StepRunner(result, self.bus, self.recorder, self.origin)
        scene = Scene(
            key, self.systems, self.target, steps, random.Random(f"{self.options.seed}:{key}")
        )
        try:
            spec.play(scene)
        except JourneyFailure as exc:
            failed = result.failed_step
            why = self.target.alive() or self.target.diagnose()
            if failed is not None and why and "dead" not in (failed.error or ""):
                failed.error = f"{failed.error}; {why}"
            elif failed is None:
                result.invariants.append(_failed("journey could finish", str(exc)))
        else:
            result.invariants = check_invariants(scene, spec)
        if self.options.contracts != "off":
            attach(result, read_violations(self.systems.admin, self._seen), self.origin)
        result.ids = scene.ids
        result.ended = time.monotonic() - self.origin
        result.kpis = journey_kpis(scene, result)
        self.bus.emit(JourneyFinished(result))
        return result

    def retries(self) -> dict[str, dict[str, int]]:
        """429 and 503 answers per simulator: what the stack had to retry."""
        if self.systems is None:
            return {}
        out: dict[str, dict[str, int]] = {}
        for system, admin in self.systems.admin.items():
            try:
                out[system] = {str(st): admin.journal_count(st) for st in (429, 503)}
            except JourneyFailure:
                continue
        return out

    def stop(self) -> None:
        if self.systems is not None:
            self.systems.close()
        if self.target is not None:
            self.target.stop()
            if self.options.log_dir is not None and self.target.log_path.exists():
                self.options.log_dir.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.target.log_path, self.options.log_dir / "run-target.log")
        if self.stack is not None:
            self.stack.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> Session:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _failed(name: str, detail: str) -> Any:
    from ._model import InvariantResult

    return InvariantResult(name, False, detail)
