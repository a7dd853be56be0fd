"""`harness up` runs the peripherals beside the simulators, and says in one line when it can't."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx


def _harness(*args: str) -> list[str]:
    return [sys.executable, "-c", "from harness.cli import main; main()", *args]


def _up_check(
    tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``harness up --check`` on free ports, writing tmp_path/endpoints.json and its report."""
    args = [
        "up",
        "--port-base",
        "0",
        "--check",
        "--endpoints-file",
        str(tmp_path / "endpoints.json"),
    ]
    return subprocess.run(
        _harness(*args, "--report-dir", str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )


def test_up_check_writes_the_peripherals_into_the_endpoints_file(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.json"
    proc = _up_check(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(endpoints.read_text())
    assert set(doc) >= {"crm", "erp", "psa", "hcm", "procurement", "peripherals"}
    collab, analytics = doc["peripherals"]["collab"], doc["peripherals"]["analytics"]
    assert collab["slack_webhook_url"].startswith("http://127.0.0.1:")
    assert analytics["rows_url"].endswith("/tables/Utilization/rows")
    # the stack check probed the simulators only; the peripherals are no system
    report = json.loads((tmp_path / "stack-check.json").read_text())
    assert sorted(s["system"] for s in report["systems"]) == [
        "crm",
        "erp",
        "hcm",
        "procurement",
        "psa",
    ]
    assert all(s["ok"] for s in report["systems"])
    assert "peripherals (WireMock): http://127.0.0.1:" in proc.stdout
    # WireMock stopped with the simulators
    try:
        httpx.get(f"{collab['admin_url']}/health", trust_env=False, timeout=2)
        stopped = False
    except httpx.TransportError:
        stopped = True
    assert stopped


def test_without_java_the_run_goes_on_and_says_why(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "HARNESS_WIREMOCK_JAR")}
    env["PATH"] = str(tmp_path)  # no java here
    endpoints = tmp_path / "endpoints.json"
    proc = _up_check(tmp_path, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if "peripherals skipped" in ln]
    assert len(lines) == 1 and "no Java runtime found" in lines[0]
    assert "peripherals" not in json.loads(endpoints.read_text())
