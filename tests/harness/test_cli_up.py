"""`harness up` as a user runs it: a real subprocess, real ports, SIGTERM to stop."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from harness.cli import main

from .._clients import client_credentials_token


def _free_port_block(n: int = 4) -> int:
    """A base port with n free consecutive ports above it."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + n >= 65535:
            continue
        ok = True
        for p in range(base, base + n):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free port block")


def _harness(*args: str) -> list[str]:
    return [sys.executable, "-c", "from harness.cli import main; main()", *args]


def test_up_writes_endpoints_serves_https_and_stops_on_sigterm(tmp_path: Path) -> None:
    base = _free_port_block()
    endpoints = tmp_path / "endpoints.json"
    proc = subprocess.Popen(
        _harness(
            "up",
            "--no-peripherals",  # the peripherals in `up`: tests/wiremock/test_peripherals_cli.py
            "--port-base",
            str(base),
            "--https",
            "--endpoints-file",
            str(endpoints),
            "--tls-dir",
            str(tmp_path / "tls"),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not endpoints.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert endpoints.exists(), (
            proc.stdout.read() if proc.poll() is not None else "no endpoints file"
        )
        doc = json.loads(endpoints.read_text())
        crm = doc["crm"]
        assert crm["vendor"] == "salesforce"
        assert crm["base_url"] == f"https://127.0.0.1:{base}"
        assert crm["admin_url"] == f"https://127.0.0.1:{base}/__admin"
        assert {
            "token_url",
            "client_id",
            "client_secret",
            "username",
            "password",
            "api_version",
        } <= set(crm)
        assert Path(doc["ca_bundle"]).exists()
        assert client_credentials_token(
            crm["token_url"], crm, verify=doc["ca_bundle"], trust_env=False
        )
        with httpx.Client(verify=doc["ca_bundle"], trust_env=False) as c:
            # the run's admin token guards every admin API; the file holding it is private
            assert c.get(f"{crm['admin_url']}/health").status_code == 401
            auth = {"Authorization": f"Bearer {crm['admin_token']}"}
            assert c.get(f"{crm['admin_url']}/health", headers=auth).json()["status"] == "UP"
            assert doc["erp"]["admin_token"] == crm["admin_token"]
        assert endpoints.stat().st_mode & 0o777 == 0o600
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "stopping" in out


def test_up_check_probes_and_writes_a_report(tmp_path: Path) -> None:
    base = _free_port_block()
    r = subprocess.run(
        _harness(
            *("up", "--check", "--no-peripherals", "--port-base", str(base)),
            *("--report-dir", str(tmp_path)),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads((tmp_path / "stack-check.json").read_text())
    assert report["ok"] is True
    crm = next(s for s in report["systems"] if s["system"] == "crm")
    assert [s["status"] for s in crm["steps"]] == [200, 200, 201, 200, 200, 204]
    assert all(s["ok"] for s in report["systems"]), report


def test_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run(
            _harness(
                *("up", "--check", "--no-peripherals", "--systems", "crm"),
                *("--port-base", str(port)),
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert r.returncode == 2
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot listen on 127.0.0.1:")
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("bad", ["nope", "crm,nope"])
def test_unknown_system_is_refused(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    # in-process through the console entry point: the refusal comes before any server starts
    with pytest.raises(SystemExit) as exit_:
        main(["up", "--check", "--systems", bad, "--port-base", "0"])
    stderr = capsys.readouterr().err
    assert (
        exit_.value.code == 2 and f"Invalid value for '--systems': '{bad}': choose from" in stderr
    )
