"""harness rehearse and harness run under an upcoming release: the first breaking call, the
field and rule it broke, and the diff entry that explains it; a release that only adds
optional fields breaks nothing.

NetSuite 2027.1 requires a time entry's service item (``timeBill.item``), which the reference
integration does not send, so its T&M journey breaks there; Workday 2027R1 only adds optional
fields. ``--target`` rehearses any stack a target file names: here a stack written before
2027.1 that leaves a job's subsidiary to be inherited (``inherited_subsidiary_main.py``)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(Path(__file__).parent / "inherited_subsidiary_main.py")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _inheriting_stack_file(tmp_path: Path) -> Path:
    """A target file naming the stack whose jobs leave the subsidiary to their customer."""
    port = _port()
    start = [sys.executable, MAIN, "serve", "--endpoints", "{endpoints}", "--port", str(port)]
    start += ["--db", "{workdir}/ri.sqlite3"]
    path = tmp_path / "inheriting.toml"
    path.write_text(
        'name = "stack that leaves a job\'s subsidiary to its customer"\n'
        f'base_url = "http://127.0.0.1:{port}"\n'
        f'health_url = "http://127.0.0.1:{port}/health"\n'
        f"start = {json.dumps(start)}\n"
        "startup_timeout = 60\n"
        "[run]\nhttps = true\n"  # its CRM client speaks HTTPS only
    )
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from harness.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def _violations(step: dict) -> list[dict]:
    return [
        e["response"]["contract_violation"]
        for e in step.get("exchanges", [])
        if isinstance(e.get("response"), dict) and "contract_violation" in e["response"]
    ]


def test_rehearse_explains_the_break_and_passes_the_optional_only_release(tmp_path: Path) -> None:
    r = _cli(
        "rehearse",
        "--release", "netsuite=2027.1",
        "--release", "workday=2027R1",
        "--journeys", "tm",
        "--no-variants",
        "--step-timeout", "8",
        "--report-dir", str(tmp_path),
    )  # fmt: skip
    out = r.stdout
    assert r.returncode == 1, out + r.stderr
    assert "first breaking call (tm): PUT /services/rest/record/v1/timeBill/eid:kantata-te-" in out
    assert "field 'item' rule 'required'" in out
    assert "explained by: netsuite 2026.2 -> 2027.1: BREAKING newly-required" in out
    assert "timeBill.item (create)" in out
    doc = json.loads((tmp_path / "rehearsal-summary.json").read_text())
    cells = {s["name"]: s["journeys"][0] for s in doc["scenarios"]}
    assert cells["workday 2027R1"]["ok"] is True  # only optional fields: nothing breaks
    assert cells["netsuite 2027.1"]["ok"] is False
    assert cells["all together"]["ok"] is False
    assert "timeBill.item" in (tmp_path / "rehearsal-junit.xml").read_text()
    # the scenario's own run report names the field and the rule under the failing step
    run = json.loads((tmp_path / "rehearsal" / "netsuite-2027.1" / "run-summary.json").read_text())
    failed = next(s for s in run["journeys"][0]["steps"] if not s["ok"])
    v = _violations(failed)
    assert v and (v[0]["field"], v[0]["rule"], v[0]["json_path"]) == ("item", "required", "$.item")


def test_rehearse_plays_the_stack_a_target_file_names(tmp_path: Path) -> None:
    target = _inheriting_stack_file(tmp_path)
    r = _cli(
        "rehearse",
        "--release", "netsuite=2027.1",
        "--journeys", "tm",
        "--no-variants",
        "--step-timeout", "8",
        "--target", str(target),
        "--report-dir", str(tmp_path / "reports"),
    )  # fmt: skip
    out = r.stdout
    assert r.returncode == 1, out + r.stderr
    # this stack breaks earlier than the reference integration: at its first job create
    assert "first breaking call (tm): PUT /services/rest/record/v1/job/eid:" in out
    assert "field 'subsidiary' rule 'required'" in out
    assert "BREAKING newly-required job.subsidiary (create)" in out
    run = json.loads(
        (tmp_path / "reports" / "rehearsal" / "netsuite-2027.1" / "run-summary.json").read_text()
    )
    assert f"--target {target}" in run["reproduce"]


def test_lenient_run_lets_the_write_through_and_still_reports_it(tmp_path: Path) -> None:
    r = _cli(
        "run",
        "--journeys", "tm",
        "--release", "netsuite=2027.1",
        "--contracts", "lenient",
        "--step-timeout", "10",
        "--report-dir", str(tmp_path),
    )  # fmt: skip
    assert r.returncode == 1, r.stdout + r.stderr
    run = json.loads((tmp_path / "run-summary.json").read_text())
    assert "--release netsuite=2027.1 --contracts lenient" in run["reproduce"]
    journey = run["journeys"][0]
    failed = [s for s in journey["steps"] if not s["ok"]]
    # the simulator let the time bills through, so the journey went on; the steps that sent
    # them are failed in the report, each naming the request
    assert failed and all(s["error"].startswith("contract: erp PUT ") for s in failed)
    assert len(journey["steps"]) > len(failed) + 3
    v = _violations(failed[0])
    assert (v[0]["field"], v[0]["rule"]) == ("item", "required")
    broken = [i for i in journey["invariants"] if not i["ok"]]
    assert [i["name"] for i in broken] == ["requests keep to the vendor contracts"]
    assert "field 'item' ($.item) breaks rule 'required'" in broken[0]["detail"]
