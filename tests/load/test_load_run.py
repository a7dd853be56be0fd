"""A short load run through a test-local stack: it passes when the stack delivers every
closed-won deal, and fails (exit 1, events lost) when the stack drops some."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

from typer.testing import CliRunner

from harness.cli import app

HERE = Path(__file__).parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _files(tmp_path: Path, mode: str) -> tuple[Path, Path]:
    port = _port()
    target = tmp_path / "stack.toml"
    target.write_text(
        f'name = "{mode} stack"\n'
        f'base_url = "http://127.0.0.1:{port}"\n'
        f'health_url = "http://127.0.0.1:{port}/health"\n'
        f"start = {json.dumps([sys.executable, str(HERE / '_lossy_stack.py'), '{endpoints}', str(port), mode])}\n"
        f'[webhooks]\ncrm = "http://127.0.0.1:{port}/webhooks/crm"\n'
    )
    profile = tmp_path / "burst.toml"
    profile.write_text(
        """
name = "closed-won burst"
locustfile = "business"
users = 3
spawn_rate = 3
run_time = "3s"
drain_timeout = "3s"
[mix]
ClosedWonRep = 1
[thresholds]
p95_ms = { closed_won = 10000 }
failure_ratio = 0.0
events_lost = 0
"""
    )
    return target, profile


def _run(tmp_path: Path, mode: str) -> tuple[int, str, dict]:
    target, profile = _files(tmp_path, mode)
    reports = tmp_path / "reports"
    r = CliRunner().invoke(
        app,
        ["load", str(profile), "--target", str(target), "--report-dir", str(reports)],
    )
    verdict = json.loads((reports / "load-verdict.json").read_text())
    return r.exit_code, r.output, verdict


def test_a_stack_that_delivers_every_deal_passes(tmp_path: Path) -> None:
    code, out, verdict = _run(tmp_path, "ok")
    [won] = [c for c in verdict["ledger"] if c["journey"] == "closed_won"]
    assert code == 0, out
    assert won["acknowledged"] > 0 and won["lost"] == 0
    assert won["acknowledged"] == won["stored"] == won["delivered"]
    html = (tmp_path / "reports" / "load-report.html").read_text()
    assert "closed won -\\u003e project set up" in html  # and in Locust's HTML report
    stats = (tmp_path / "reports" / "load_stats.csv").read_text()
    assert "closed won -> project set up" in stats  # the journey latency in Locust's CSV


def test_a_stack_that_loses_events_fails_the_run(tmp_path: Path) -> None:
    code, out, verdict = _run(tmp_path, "lossy")
    [won] = [c for c in verdict["ledger"] if c["journey"] == "closed_won"]
    [lost] = [c for c in verdict["checks"] if c["check"] == "events lost"]
    assert code == 1, out
    assert won["lost"] >= 1 and won["delivered"] < won["acknowledged"]
    assert not lost["passed"] and "events lost" in out
