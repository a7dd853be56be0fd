"""Allure results from a run's events, and ``harness report`` without the Allure CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.journeys import (
    Exchange,
    InvariantResult,
    JourneyFinished,
    JourneyResult,
    RunStarted,
    StepResult,
)
from harness.reporting import AllureReporter


def test_allure_results_have_steps_payloads_and_kpis(tmp_path: Path) -> None:
    out = tmp_path / "allure-results"
    rep = AllureReporter(out)
    rep(RunStarted(7, "small", "harness run --seed 7", ("tm",)))
    step = StepResult("rep closes the deal", "crm", "action", 0.0, 0.2)
    step.exchanges.append(
        Exchange("crm", "POST", "http://x/Opportunity", 201, {"Name": "A"}, {"id": "006"})
    )
    bad = StepResult(
        "invoice raised in the ERP", "erp", "wait", 0.2, 1.0, ok=False, error="no invoice"
    )
    j = JourneyResult("tm", "Time and Materials", 0.0, 1.0, steps=[step, bad])
    j.invariants = [InvariantResult("no invoice leakage", True, "holds")]
    j.kpis = {"project_setup_cycle_time_s": 0.2, "propagation_latency_s": {"a": 1}}
    rep(JourneyFinished(j))
    [result_file] = out.glob("*-result.json")
    doc = json.loads(result_file.read_text())
    assert doc["status"] == "failed" and "no invoice" in doc["statusDetails"]["message"]
    assert [s["name"] for s in doc["steps"]] == [
        "rep closes the deal (crm)",
        "invoice raised in the ERP (erp)",
        "invariant: no invoice leakage",
    ]
    [att] = doc["steps"][0]["attachments"]
    assert json.loads((out / att["source"]).read_text())["response"] == {"id": "006"}
    params = {p["name"]: p["value"] for p in doc["parameters"]}
    assert params == {"project_setup_cycle_time_s": "0.2", "seed": "7"}


def test_harness_report_says_how_to_get_allure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "r"
    results.mkdir()
    (results / "x-result.json").write_text("{}")
    monkeypatch.setenv("PATH", str(tmp_path))  # no allure on this PATH
    # in-process through the console entry point: a fresh interpreter would add only start-up
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--results", str(results)])
    assert exit_.value.code == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "Allure command line (allure) is not installed" in line
