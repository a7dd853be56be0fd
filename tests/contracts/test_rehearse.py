"""harness rehearse and harness run under an upcoming release: the first breaking call, the
field and rule it broke, and the diff entry that explains it; a release that only adds
optional fields breaks nothing.

The reference integration already sends each job its customer's subsidiary, so NetSuite
2027.1 (subsidiary required on a job's create) breaks nothing of it; the break is shown on
a stack written before 2027.1 that leaves the job's subsidiary to be inherited
(``inherited_subsidiary_main.py``)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from harness.journeys import EventBus, SessionOptions, TargetSpec, run_journeys
from harness.release import plan_rehearsal, run_rehearsal
from harness.reporting import JsonSummaryReporter

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(Path(__file__).parent / "inherited_subsidiary_main.py")


def _inheriting_stack() -> TargetSpec:
    """The reference integration with jobs that leave the subsidiary to their customer."""
    return TargetSpec(
        name="stack that leaves a job's subsidiary to its customer",
        start=(
            sys.executable,
            MAIN,
            "serve",
            "--endpoints",
            "{endpoints}",
            "--port",
            "0",
            "--db",
            "{workdir}/ri.sqlite3",
        ),
        embedded=True,
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from harness.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )


def _violations(step: dict) -> list[dict]:
    return [
        e["response"]["contract_violation"]
        for e in step.get("exchanges", [])
        if isinstance(e.get("response"), dict) and "contract_violation" in e["response"]
    ]


def test_rehearse_explains_the_break_and_passes_the_optional_only_release(tmp_path: Path) -> None:
    # the reference integration is ready for 2027.1: the rehearsal passes, exit 0
    r = _cli(
        "rehearse",
        "--release", "netsuite=2027.1",
        "--journeys", "tm",
        "--no-variants",
        "--step-timeout", "4",
        "--report-dir", str(tmp_path / "ri"),
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rehearsal: no journey breaks" in r.stdout
    # a stack that relies on the subsidiary being inherited breaks at its first job create
    console = io.StringIO()
    outcome = run_rehearsal(
        plan_rehearsal({"netsuite": "2027.1", "workday": "2027R1"}, variants=False),
        ["tm"],
        1,
        tmp_path,
        4.0,
        Console(file=console, width=400),
        _inheriting_stack(),
    )
    out = console.getvalue()
    assert not outcome.ok, out
    assert "first breaking call (tm): PUT /services/rest/record/v1/job/eid:" in out
    assert "field 'subsidiary' rule 'required'" in out
    assert "explained by: netsuite 2026.2 -> 2027.1: BREAKING newly-required" in out
    doc = json.loads((tmp_path / "rehearsal-summary.json").read_text())
    cells = {s["name"]: s["journeys"][0] for s in doc["scenarios"]}
    assert cells["workday 2027R1"]["ok"] is True
    assert cells["netsuite 2027.1"]["ok"] is False
    assert cells["all together"]["ok"] is False
    assert "subsidiary" in (tmp_path / "rehearsal-junit.xml").read_text()
    # the scenario's own run report names the field and the rule under the failing step
    run = json.loads((tmp_path / "rehearsal" / "netsuite-2027.1" / "run-summary.json").read_text())
    failed = next(s for s in run["journeys"][0]["steps"] if not s["ok"])
    v = _violations(failed)
    assert v and (v[0]["field"], v[0]["rule"], v[0]["json_path"]) == (
        "subsidiary",
        "required",
        "$.subsidiary",
    )


def test_lenient_run_lets_the_write_through_and_still_reports_it(tmp_path: Path) -> None:
    r = _cli(
        "run",
        "--journeys", "tm",
        "--release", "netsuite=2027.1",
        "--contracts", "lenient",
        "--step-timeout", "10",
        "--report-dir", str(tmp_path / "ri"),
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr  # the reference integration is ready
    ri = json.loads((tmp_path / "ri" / "run-summary.json").read_text())
    assert "--release netsuite=2027.1 --contracts lenient" in ri["reproduce"]
    bus = EventBus()
    bus.subscribe(JsonSummaryReporter(tmp_path / "run-summary.json"))
    options = SessionOptions(
        seed=1,
        target=_inheriting_stack(),
        step_timeout=10,
        log_dir=tmp_path,
        releases={"netsuite": "2027.1"},
        contracts="lenient",
    )
    result = run_journeys(options, ["tm"], bus, "harness run --release netsuite=2027.1")
    assert not result.ok
    run = json.loads((tmp_path / "run-summary.json").read_text())
    journey = run["journeys"][0]
    failed = [s for s in journey["steps"] if not s["ok"]]
    # the simulator let the job through, so the journey went on; the step is failed in the report
    assert len(failed) == 1 and failed[0]["error"].startswith("contract: erp PUT ")
    assert len(journey["steps"]) > 5
    v = _violations(failed[0])
    assert (v[0]["field"], v[0]["rule"]) == ("subsidiary", "required")
    broken = [i for i in journey["invariants"] if not i["ok"]]
    assert [i["name"] for i in broken] == ["requests keep to the vendor contracts"]
    assert "field 'subsidiary' ($.subsidiary) breaks rule 'required'" in broken[0]["detail"]
