"""KPI history and ``--compare last``: each KPI against the previous run, regressions flagged."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from harness.journeys import JourneyResult, RunFinished, RunResult
from harness.reporting import KpiHistory, compare, read_history


def _run(setup: float, leak: float, ok: bool = True) -> RunResult:
    j = JourneyResult("tm", "Time and Materials", 0.0, 1.0)
    j.kpis = {
        "project_setup_cycle_time_s": setup,
        "billing_cycle_duration_s": 1.0,
        "invoice_leakage": leak,
        "propagation_latency_s": {"wait": 0.2},
    }
    r = RunResult(1, "small", "harness run", "t", 0.0, journeys=[j])
    return r


def test_history_appends_and_compare_flags_regressions(tmp_path: Path) -> None:
    path = tmp_path / "kpi-history.jsonl"
    console = Console(record=True, width=200)
    KpiHistory(path, True, 0.5, console)(RunFinished(_run(0.4, 0.0)))
    assert "baseline" in console.export_text()
    h = KpiHistory(path, True, 0.5, console)
    h(RunFinished(_run(2.0, 12.5)))
    text = console.export_text()
    assert "project_setup_cycle_time_s" in text and "REGRESSED" in text
    assert any("invoice_leakage" in r for r in h.regressions)
    assert any("project_setup_cycle_time_s" in r for r in h.regressions)
    assert len(read_history(path)) == 2


def test_small_jitter_is_not_a_regression() -> None:
    rows = compare({"project_setup_cycle_time_s": 0.2}, {"project_setup_cycle_time_s": 0.35}, 0.5)
    assert rows == [("project_setup_cycle_time_s", 0.2, 0.35, False)]
