"""The scene of a run: simulators, the firm loaded from the seed, the target, the clients.

Started once, then any number of journeys play in it (``harness run`` plays them in
order; the pytest plugin keeps one session for a test session).
"""

from __future__ import annotations

import contextlib
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._config import load_config
from .._errors import StackError
from ..stack import (
    Stack,
    StackSettings,
    endpoints_document,
    held_records,
    read_endpoints,
    write_endpoints,
)
from ._applied_faults import apply_faults, describe_fault, fault_outcomes, remove_faults
from ._canon import Canon
from ._diagnose import explain
from ._errors import JourneyFailure, TargetDown
from ._events import EventBus, JourneyFinished, JourneyStarted, PhaseStarted
from ._invariants import check_invariants
from ._journeys import JOURNEYS, JourneySpec, Scene
from ._kpis import journey_kpis
from ._mapping import load_mapping
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
        },
        {
            "object": "Opportunity",
            "name": "Credit_Requested__c",
            "type": "currency",
            "label": "Credit Requested",
        },
        {
            "object": "Opportunity",
            "name": "Credit_Reason__c",
            "type": "string",
            "label": "Credit Reason",
        },
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
    mapping: Path | None = None  # mapping spec; default: the target's, else the reference one
    #: WireMock with the collaboration and analytics stubs (the landscape journeys); None:
    #: ``run_journeys`` starts it when a chosen journey needs it, a Session alone always
    peripherals: bool | None = None
    releases: dict[str, str] = field(default_factory=dict)  # vendor -> release served
    contracts: str = "strict"  # the simulators' request checks: off | lenient | strict
    dialect_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # vendor -> name=value
    endpoints_file: Path | None = None  # simulators already running (harness up) instead
    erp: str | None = None  # ERP simulator (netsuite, businesscentral); default: the settings'


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
        self.faults: list[dict[str, Any]] = []  # the fault rules as applied, with ids
        self._endpoints_file: Path | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.workdir = options.workdir or Path(self._make_tmp())
        chosen = options.mapping or (
            Path(options.target.mapping) if options.target.mapping else None
        )
        self.mapping = load_mapping(chosen)
        self._default_mapping = chosen is None
        self.canon: Canon | None = None
        self._targets = 0

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
        if o.endpoints_file is not None:
            ep_file = o.endpoints_file.absolute()
            self.endpoints = read_endpoints(ep_file)
            self.bus.emit(PhaseStarted(f"using the simulators of {ep_file}"))
            held = held_records(self.endpoints)
        else:
            cfg = load_config(o.config)
            cfg.simulators = _crm_settings(cfg.simulators)
            if o.erp:
                cfg.vendors["erp"] = o.erp
            self.bus.emit(PhaseStarted("starting the simulators on 127.0.0.1"))
            self.stack = Stack(
                StackSettings(
                    port_base=None,
                    https=self.https,
                    tls_dir=self.workdir / "tls" if self.https else None,
                    dialect_settings=cfg.dialect_settings(),
                    vendors=dict(cfg.vendors),
                    releases=o.releases,
                    contracts=o.contracts,
                    dialect_options=o.dialect_options,
                    peripherals=o.peripherals is not False,
                )
            ).start()
            if self.stack.peripherals_skipped:
                self.bus.emit(
                    PhaseStarted(
                        "peripherals skipped, so no landscape journeys: "
                        f"{self.stack.peripherals_skipped}"
                    )
                )
            self.endpoints = endpoints_document(self.stack)
            ep_file = self.workdir / "endpoints.json"
            write_endpoints(ep_file, self.endpoints)
            held = {}
        self._endpoints_file = ep_file
        if self._default_mapping:  # the bundled spec of the reference integration on this ERP
            self.mapping = load_mapping(vendor=str(self.endpoints["erp"].get("vendor") or ""))
        from ..data import generate_firm
        from ..loaders import firm_present, load_firm

        firm = generate_firm(o.seed, o.size)
        self.canon = Canon(firm)
        if held and firm_present(firm, held, self.endpoints):  # harness up --seed, an earlier run
            self.bus.emit(PhaseStarted(f"the {o.size} firm from seed {o.seed} is already loaded"))
        else:
            self.bus.emit(PhaseStarted(f"loading the {o.size} firm from seed {o.seed}"))
            tenant = next(
                (ep.get("sim_tenant") for ep in self.endpoints.values() if isinstance(ep, dict)),
                None,
            )
            load_firm(
                firm, self.endpoints, tenant=tenant or "default", timeout=self.deadline.cap(120)
            )
            if self.endpoints["erp"].get("vendor") == "businesscentral":
                write_endpoints(ep_file, self.endpoints)  # with the firm's companies
        self.systems = connect(self.endpoints, self.recorder, self.deadline, o.step_timeout)
        self.faults = apply_faults(self.systems.admin, o.faults)
        for f in self.faults:
            self.bus.emit(PhaseStarted(f"applied {describe_fault(f)}"))
        self.switch_target(o.target)
        return self

    def switch_target(self, spec: TargetSpec) -> None:
        """Stop the running target (if any) and start ``spec`` in the same simulators and
        firm: several stacks (or builds of one) judged by the same scene, cheaply."""
        if self.target is not None:
            self.target.stop()
        self.bus.emit(PhaseStarted(f"starting the target: {spec.name}"))
        workdir = self.workdir / f"target-{self._targets}" if self._targets else self.workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self._targets += 1
        self.target = Target(spec, self.recorder, self.deadline, workdir)
        try:
            self.target.start(
                self._endpoints_file or self.workdir / "endpoints.json", self.endpoints
            )
        except StackError as exc:
            raise TargetDown(str(exc)) from None

    def play(self, journey: str | JourneySpec) -> JourneyResult:
        """Play one journey (a key of ``JOURNEYS`` or your own ``JourneySpec``); a failing
        step ends it, invariants are checked after success."""
        assert self.systems is not None and self.target is not None
        spec = JOURNEYS[journey] if isinstance(journey, str) else journey
        key = spec.key
        result = JourneyResult(key, spec.billing_model, started=time.monotonic() - self.origin)
        since = self._journal_marks()
        self.bus.emit(JourneyStarted(key, spec.billing_model))
        steps = StepRunner(result, self.bus, self.recorder, self.origin)
        scene = Scene(
            key,
            self.systems,
            self.target,
            steps,
            random.Random(f"{self.options.seed}:{key}"),
            self.mapping,
            self.canon,
        )
        try:
            try:
                spec.play(scene)
            finally:
                for undo in scene.cleanup:  # lift the journey's faults whatever happened
                    with contextlib.suppress(JourneyFailure):
                        undo()
        except JourneyFailure as exc:
            failed = result.failed_step
            why = self.target.alive() or self.target.diagnose()
            if failed is not None and why and "dead" not in (failed.error or ""):
                failed.error = f"{failed.error}; {why}"
            culprit = explain(self.systems.admin, since, self.target.log_path)
            if failed is not None and culprit:
                failed.error = f"{failed.error}; {culprit}"
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

    def _journal_marks(self) -> dict[str, int]:
        assert self.systems is not None
        marks = {}
        for system, admin in self.systems.admin.items():
            try:
                marks[system] = admin.last_seq()
            except JourneyFailure:
                marks[system] = 0
        return marks

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

    def fault_outcomes(self) -> list[dict[str, Any]]:
        """The applied fault rules with how often each matched and fired."""
        if self.systems is None or not self.faults:
            return list(self.faults)
        return fault_outcomes(self.systems.admin, self.faults)

    def save_journals(self) -> None:
        """Every system's request journal for the run, as JSON lines, beside the reports."""
        if self.systems is None or self.options.log_dir is None:
            return
        self.options.log_dir.mkdir(parents=True, exist_ok=True)
        for system, admin in self.systems.admin.items():
            try:
                text = admin.export_journal()
            except JourneyFailure:
                continue
            (self.options.log_dir / f"journal-{system}.jsonl").write_text(text)

    def stop(self) -> None:
        if self.systems is not None:
            self.save_journals()
            remove_faults(self.systems.admin, self.faults)  # simulators may outlive the run
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
