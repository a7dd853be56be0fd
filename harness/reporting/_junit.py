"""JUnit XML for CI: one testcase per journey, the failing step and invariants as failure."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..journeys import Event, RunFinished, RunResult, describe_fault


def junit_xml(r: RunResult) -> ET.ElementTree:
    failed = sum(not j.ok for j in r.journeys) + sum(
        not i.ok for j in r.journeys for i in j.invariants
    )
    suite = ET.Element(
        "testsuite",
        name="harness run",
        tests=str(len(r.journeys) + sum(len(j.invariants) for j in r.journeys)),
        failures=str(failed),
        errors="1" if r.error else "0",
        time=f"{r.seconds:.3f}",
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("seed", r.seed),
        ("size", r.size),
        ("target", r.target),
        ("reproduce", r.command),
    ):
        ET.SubElement(props, "property", name=name, value=str(value))
    for f in r.faults:
        ET.SubElement(props, "property", name="fault", value=describe_fault(f))
    for j in r.journeys:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"journeys.{j.name}",
            name=j.billing_model,
            time=f"{j.seconds:.3f}",
        )
        if not j.ok:
            fail = ET.SubElement(case, "failure", message=j.failures[0], type="JourneyFailure")
            fail.text = "\n".join(j.failures)
        steps = "\n".join(
            f"{'ok' if s.ok else 'FAILED'} {s.name} ({s.system}, {s.seconds:.3f}s)" for s in j.steps
        )
        ET.SubElement(case, "system-out").text = f"{steps}\nseed {r.seed}\nreproduce: {r.command}\n"
        for inv in j.invariants:  # each invariant its own case, with its verdict and detail
            icase = ET.SubElement(
                suite, "testcase", classname=f"invariants.{j.name}", name=inv.name, time="0"
            )
            if inv.ok:
                ET.SubElement(icase, "system-out").text = inv.detail
            else:
                bad = ET.SubElement(icase, "failure", message=inv.detail, type="InvariantBroken")
                bad.text = f"{j.name}: invariant '{inv.name}' broken: {inv.detail}"
    if r.error:
        case = ET.SubElement(suite, "testcase", classname="journeys.run", name="run", time="0")
        ET.SubElement(case, "error", message=r.error, type="RunError")
    ET.SubElement(suite, "system-out").text = f"seed {r.seed}\nreproduce: {r.command}\n"
    ET.indent(suite)
    return ET.ElementTree(suite)


class JUnitReporter:
    """Writes ``path`` when the run finishes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            junit_xml(event.result).write(self.path, encoding="utf-8", xml_declaration=True)
