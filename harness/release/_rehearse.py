"""``harness rehearse``: the journeys under each upcoming release, all of them together, and
each ambiguity variant; a matrix of journey x scenario with the first breaking call.

Each scenario is a fresh ``harness run`` (same seed, strict contract checks). A broken
journey is explained by its first contract violation (request, field, rule) and the diff
entry between the vendor's current release and the rehearsed one that accounts for it.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from rich.console import Console

from contracts import (
    ContractError,
    ambiguity_variants,
    current,
    diff,
    load_contract,
    upcoming,
    vendors,
)

from .._errors import HarnessError

if TYPE_CHECKING:
    from ..journeys import TargetSpec


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    releases: dict[str, str]
    dialect_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""
    unavailable: str = ""  # why this scenario cannot run in this build ("" when it can)


@dataclass(slots=True)
class Cell:
    journey: str
    ok: bool
    ran: bool = True
    why: str = ""  # first breaking call
    explained_by: str = ""  # the contract diff entry
    failure: str = ""


@dataclass(slots=True)
class Outcome:
    scenarios: list[Scenario]
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # scenario -> cells

    @property
    def ok(self) -> bool:
        return all(c.ok or not c.ran for cells in self.cells.values() for c in cells) and all(
            c.ran for cells in self.cells.values() for c in cells
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "scenarios": [
                {
                    "name": s.name,
                    "releases": s.releases,
                    "dialect_options": s.dialect_options,
                    "note": s.note,
                    "journeys": [
                        c.__dict__ if not hasattr(c, "__slots__") else _cell(c)
                        for c in self.cells.get(s.name, [])
                    ],
                }
                for s in self.scenarios
            ],
        }


def _cell(c: Cell) -> dict[str, Any]:
    return {
        "journey": c.journey,
        "ok": c.ok,
        "ran": c.ran,
        "why": c.why,
        "explained_by": c.explained_by,
        "failure": c.failure,
    }


def plan_rehearsal(releases: dict[str, str], variants: bool = True) -> list[Scenario]:
    """Scenarios: each release alone, all together (when more than one), each variant."""
    try:
        wanted = releases or {v: r.name for v in vendors() for r in upcoming(v)[:1]}
        plan = [Scenario(f"{v} {r}", {v: r}) for v, r in sorted(wanted.items())]
        if len(wanted) > 1:
            plan.append(Scenario("all upcoming" if not releases else "all together", dict(wanted)))
        if variants:
            for var in ambiguity_variants():
                plan.append(
                    Scenario(
                        f"{var.vendor} {var.name}",
                        {},
                        {var.vendor: var.dialect},
                        f"known: {var.known} unknown: {var.unknown}",
                        _missing_settings(var.vendor, var.dialect),
                    )
                )
    except ContractError as exc:
        raise ValueError(str(exc)) from None
    return plan


#: the settings class of each vendor's dialect (variants set its fields by name)
_SETTINGS = {
    "salesforce": ("simulators.salesforce", "SalesforceSettings"),
    "netsuite": ("simulators.netsuite", "NetSuiteSettings"),
    "kantata": ("simulators.kantata", "KantataSettings"),
    "workday": ("simulators.workday", "WorkdaySettings"),
}


def _missing_settings(vendor: str, values: dict[str, Any]) -> str:
    """Why a variant cannot run here: settings its simulator does not have ("" if none)."""
    module, cls_name = _SETTINGS.get(vendor, ("", ""))
    if not module:
        return f"no simulator for {vendor}"
    cls = getattr(importlib.import_module(module), cls_name)
    have = {f.name for f in dataclasses.fields(cls)}
    missing = sorted(set(values) - have)
    if missing:
        return f"{cls_name} has no setting {', '.join(missing)} in this build"
    try:
        candidate = dataclasses.replace(cls(), **values)
        check = getattr(candidate, "validate", None)
        if callable(check):
            check()
    except (TypeError, ValueError) as exc:
        return f"{cls_name} refuses {values}: {exc}"
    return ""


def _explain(violation: dict[str, Any]) -> str:
    """The diff entry (current -> served release) naming the violated field, if any."""
    vendor, _, rel = str(violation.get("release", "")).partition(" ")
    m = re.match(r"objects/([^.]+)\.json", str(violation.get("schema", "")))
    if not vendor or not rel or not m:
        return ""
    try:
        base = current(vendor).name
        if base == rel:
            return f"no change: {vendor} {rel} is the current release (the stack breaks today's contract)"
        changes = diff(load_contract(vendor, base), load_contract(vendor, rel))
    except ContractError:
        return ""
    obj, fld = m.group(1), str(violation.get("field", ""))
    for c in changes:
        if c.object == obj and c.field == fld and c.breaking:
            why = f" -- {c.why}" if c.why else ""
            return f"{vendor} {base} -> {rel}: BREAKING {c.kind} {c.where} ({c.schema}): {c.detail}{why}"
    return (
        f"{vendor} {base} -> {rel}: no diff entry for {obj}.{fld} (a rule the stack already broke)"
    )


def _first_violation(journey: Any) -> dict[str, Any] | None:
    for step in journey.steps:
        for ex in step.exchanges:
            resp = ex.response
            if isinstance(resp, dict) and "contract_violation" in resp:
                return dict(resp["contract_violation"])
    return None


def _run_one(
    scenario: Scenario,
    journeys: list[str],
    seed: int,
    out_dir: Path,
    step_timeout: float,
    target: TargetSpec | None = None,
    target_file: str = "",
) -> list[Cell]:
    from ..journeys import EventBus, SessionOptions, embedded_spec, run_journeys
    from ..reporting import JsonSummaryReporter, JUnitReporter

    out_dir.mkdir(parents=True, exist_ok=True)
    options = SessionOptions(
        seed=seed,
        target=target or embedded_spec(),
        step_timeout=step_timeout,
        timeout=max(120.0, step_timeout * 6 * len(journeys)),
        log_dir=out_dir,
        releases=scenario.releases,
        contracts="strict",
        dialect_options=scenario.dialect_options,
        https=bool(target is not None and target.run.get("https")),  # a target file's [run]
    )
    bus = EventBus()
    bus.subscribe(JUnitReporter(out_dir / "run-junit.xml"))
    bus.subscribe(JsonSummaryReporter(out_dir / "run-summary.json"))
    argv = ["harness", "run", "--seed", str(seed), "--journeys", ",".join(journeys)]
    for v, r in sorted(scenario.releases.items()):
        argv += ["--release", f"{v}={r}"]
    argv += ["--target", target_file] if target is not None and target_file else []
    argv += ["--https"] if options.https else []
    try:
        result = run_journeys(options, journeys, bus, shlex.join(argv))
    except HarnessError as exc:
        return [Cell(j, False, ran=False, failure=str(exc)) for j in journeys]
    cells = []
    for j in result.journeys:
        if j.ok:
            cells.append(Cell(j.name, True))
            continue
        first = _first_violation(j)
        failure = (j.failures or ["failed"])[0]
        if first is None:
            cells.append(Cell(j.name, False, failure=failure))
            continue
        why = (
            f"{first.get('method', '')} {first.get('path', '')}: field '{first['field']}' "
            f"rule '{first['rule']}' ({first.get('release')} {first.get('schema')})"
        )
        cells.append(Cell(j.name, False, why=why, explained_by=_explain(first), failure=failure))
    missing = [k for k in journeys if k not in {c.journey for c in cells}]
    cells += [Cell(k, False, ran=False, failure=result.error or "not played") for k in missing]
    return cells


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-")


def run_rehearsal(
    plan: list[Scenario],
    journeys: list[str],
    seed: int,
    report_dir: Path,
    step_timeout: float,
    console: Console,
    target: TargetSpec | None = None,
    target_file: str = "",
) -> Outcome:
    """Each scenario played by ``target`` (default: the embedded reference integration)."""
    outcome = Outcome(plan)
    for sc in plan:
        console.print(f"- rehearsing {sc.name} ...", soft_wrap=True)
        outcome.cells[sc.name] = _run_one(
            sc,
            journeys,
            seed,
            report_dir / "rehearsal" / _slug(sc.name),
            step_timeout,
            target,
            target_file,
        )
    _print_matrix(outcome, journeys, console)
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "rehearsal-summary.json").write_text(json.dumps(outcome.to_dict(), indent=2))
    _junit(outcome, report_dir / "rehearsal-junit.xml")
    console.print(
        f"reports: {report_dir / 'rehearsal-summary.json'}, {report_dir / 'rehearsal-junit.xml'}",
        soft_wrap=True,
    )
    return outcome


def _mark(c: Cell) -> str:
    return "ok" if c.ok else ("not run" if not c.ran else "BREAKS")


def _print_matrix(outcome: Outcome, journeys: list[str], console: Console) -> None:
    """One row per scenario (a release, all together, a variant), one column per journey."""
    width = max(len(s.name) for s in outcome.scenarios) + 2
    cols = [max(len(j), 7) + 2 for j in journeys]
    console.print("")
    head = "scenario".ljust(width) + "".join(
        j.ljust(w) for j, w in zip(journeys, cols, strict=True)
    )
    console.print(head.rstrip(), soft_wrap=True)
    for sc in outcome.scenarios:
        row = sc.name.ljust(width)
        for j, w in zip(journeys, cols, strict=True):
            cell = next((c for c in outcome.cells.get(sc.name, []) if c.journey == j), None)
            row += (_mark(cell) if cell else "-").ljust(w)
        console.print(row.rstrip(), soft_wrap=True)
    console.print("")
    for sc in outcome.scenarios:
        if sc.unavailable:
            console.print(f"{sc.name}: not run ({sc.unavailable})", soft_wrap=True)
            continue
        groups: dict[str, list[Cell]] = {}  # same explanation: one paragraph
        for c in outcome.cells.get(sc.name, []):
            if not c.ok:
                groups.setdefault(c.explained_by or c.failure, []).append(c)
        for cells in groups.values():
            c = cells[0]
            names = ", ".join(x.journey for x in cells)
            console.print(f"{names} under {sc.name}: {_mark(c)}", soft_wrap=True)
            if c.why:
                console.print(f"  first breaking call ({c.journey}): {c.why}", soft_wrap=True)
            if c.explained_by:
                console.print(f"  explained by: {c.explained_by}", soft_wrap=True)
            if c.failure and not c.why:
                console.print(f"  {c.failure}", soft_wrap=True)
    verdict = "no journey breaks" if outcome.ok else "some journeys break"
    console.print(f"rehearsal: {verdict} ({len(outcome.scenarios)} scenario(s))", soft_wrap=True)


def _junit(outcome: Outcome, path: Path) -> None:
    root = ET.Element("testsuites", name="harness rehearse")
    for sc in outcome.scenarios:
        cells = outcome.cells.get(sc.name, [])
        suite = ET.SubElement(
            root,
            "testsuite",
            name=sc.name,
            tests=str(len(cells)),
            failures=str(sum(1 for c in cells if c.ran and not c.ok)),
            errors=str(sum(1 for c in cells if not c.ran)),
        )
        for c in cells:
            case = ET.SubElement(
                suite, "testcase", name=c.journey, classname=f"rehearse.{_slug(sc.name)}"
            )
            if not c.ran:
                ET.SubElement(case, "error", message=c.failure)
            elif not c.ok:
                ET.SubElement(case, "failure", message=c.why or c.failure).text = "\n".join(
                    x for x in (c.why, c.explained_by, c.failure) if x
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
