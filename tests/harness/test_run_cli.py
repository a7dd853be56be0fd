"""``harness run`` end to end as a subprocess: a passing run and its reports, failing
runs (an ERP that refuses invoices, a stack that is not running) and misuse."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import pytest

from harness.cli import main
from harness.journeys._invariants import INVARIANTS

HARNESS = [sys.executable, "-c", "from harness.cli import main; main()"]


def harness_run(
    tmp_path: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("HARNESS_")}
    return subprocess.run(
        [*HARNESS, "run", "--report-dir", str(tmp_path / "reports"), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def summary(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "reports" / "run-summary.json").read_text())


def test_run_passes_and_writes_reports(tmp_path: Path) -> None:
    p = harness_run(tmp_path, "billing", "--seed", "1")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    reports = tmp_path / "reports"
    suite = ET.parse(reports / "run-junit.xml").getroot()
    cases = [c for c in suite.findall("testcase") if c.get("classname", "").startswith("journeys.")]
    assert len(cases) == 3 and suite.get("failures") == "0"
    assert {c.get("classname") for c in cases} == {
        "journeys.tm",
        "journeys.fixed_fee",
        "journeys.milestone",
    }
    invariants = [c for c in suite.findall("testcase") if c.get("classname") == "invariants.tm"]
    assert [c.get("name") for c in invariants] == list(INVARIANTS)
    assert all((reports / f"journal-{s}.jsonl").stat().st_size > 0 for s in ("crm", "erp", "psa"))
    s = summary(tmp_path)
    assert s["ok"] is True and s["seed"] == 1
    assert s["reproduce"].startswith("harness run --seed 1 ")
    assert "--journeys tm,fixed_fee,milestone" in s["reproduce"]
    k = s["kpis"]
    assert set(k["project_setup_cycle_s"]) == {"tm", "fixed_fee", "milestone"}
    assert all(v is not None and v > 0 for v in k["project_setup_cycle_s"].values())
    assert all(v is not None and v > 0 for v in k["time_to_invoice_s"].values())
    assert "invoice raised in the ERP" in k["propagation_latency_s"]["tm"]
    assert set(k["retries"]) == {"crm", "erp", "psa", "hcm", "procurement"}
    for j in s["journeys"]:
        assert [i["ok"] for i in j["invariants"]] == [True] * len(INVARIANTS), j["invariants"]
    html = (reports / "run-report.html").read_text()
    assert html.count("<svg") == 3 and "seed <b>1</b>" in html
    assert "reproduce: harness run --seed 1" in p.stdout
    # no landscape journey among them: WireMock is not started, and the run says so
    assert "peripherals (WireMock) not started: no landscape journey chosen" in p.stdout


def test_run_fails_when_the_erp_refuses_invoices(tmp_path: Path) -> None:
    (tmp_path / "faults.toml").write_text(
        '[[fault]]\nsystem = "erp"\nmethod = "PUT"\npath = "/services/rest/record/v1/invoice/*"\n'
        'fault = {kind = "error", status = 400, message = "Invoices are closed for this period"}\n'
    )
    p = harness_run(tmp_path, "--journeys", "tm", "--faults", "faults.toml", "--step-timeout", "5")
    assert p.returncode == 1, p.stdout[-3000:] + p.stderr[-3000:]
    s = summary(tmp_path)
    assert s["ok"] is False and s["seed"] == 1
    [line] = s["failures"]
    assert "step 'billing office runs billing'" in line and "Invoices are closed" in line
    assert line in p.stdout
    suite = ET.parse(tmp_path / "reports" / "run-junit.xml").getroot()
    [failure] = suite.findall("testcase/failure")
    assert "billing office runs billing" in (failure.get("message") or "")
    assert suite.get("failures") == "1"
    html = (tmp_path / "reports" / "run-report.html").read_text()
    assert "Payloads of the failing step: billing office runs billing" in html
    # the applied fault is listed, with how often it fired, in the console and every report
    applied = "erp fault harness-fault-1: PUT /services/rest/record/v1/invoice/* -> error 400"
    assert f"- applied {applied} 'Invoices are closed for this period'" in p.stdout
    [fault] = s["faults"]
    assert fault["system"] == "erp" and fault["fired"] >= 1, fault
    assert f"fired {fault['fired']} of " in p.stdout and escape(applied) in html
    props = {(e.get("name"), e.get("value")) for e in suite.iter("property")}
    assert any(name == "fault" and applied in value for name, value in props)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_fails_when_the_target_is_not_running(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_free_port()}"
    (tmp_path / "target.json").write_text(
        json.dumps(
            {
                "name": "stopped stack",
                "base_url": base,
                "billing_run_url": f"{base}/jobs/billing-run",
                "webhooks": {s: f"{base}/webhooks/{s}" for s in ("crm", "erp", "psa", "hcm")},
            }
        )
    )
    p = harness_run(tmp_path, "--journeys", "tm", "--target", "target.json", "--step-timeout", "2")
    assert p.returncode == 1, p.stdout[-3000:] + p.stderr[-3000:]
    [line] = summary(tmp_path)["failures"]
    assert "step 'project set up and ids written back to the CRM'" in line
    assert "not running" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--journeys", "tm,nope"], "unknown journey(s) nope"),
        (["billing", "-k", "nothing_like_this"], "matches no journey"),
        (["--target", "missing.toml"], "Invalid value for '--target': missing.toml does not exist"),
        (["--size", "huge"], "Invalid value for '--size': 'huge'"),
    ],
)
def test_run_usage_errors_exit_2(
    tmp_path: Path,
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In-process through the console entry point (the runs above cover the subprocess):
    a refusal happens before any simulator starts, so a fresh interpreter adds nothing."""
    monkeypatch.chdir(tmp_path)
    for var in [v for v in os.environ if v.startswith("HARNESS_")]:
        monkeypatch.delenv(var)
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--report-dir", str(tmp_path / "reports"), *args])
    stderr = capsys.readouterr().err
    assert exit_.value.code == 2, stderr
    assert message in stderr and len(stderr.strip().splitlines()) == 1


def test_a_stack_that_crashes_at_start_up_fails_the_gate(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_free_port()}"
    (tmp_path / "target.toml").write_text(
        f'name = "crashing stack"\nbase_url = "{base}"\nhealth_url = "{base}/health"\n'
        f'start = [{json.dumps(sys.executable)}, "-c", "import sys; print(\'boom: no config\'); sys.exit(3)"]\n'
        "startup_timeout = 10\n"
    )
    p = harness_run(tmp_path, "--journeys", "tm", "--target", "target.toml")
    assert p.returncode == 1, p.stdout[-3000:] + p.stderr[-3000:]
    [line] = summary(tmp_path)["failures"]
    assert "did not come up" in line and "exited with code 3" in line
    suite = ET.parse(tmp_path / "reports" / "run-junit.xml").getroot()
    [error] = suite.findall("testcase/error")
    assert "did not come up" in (error.get("message") or "")
