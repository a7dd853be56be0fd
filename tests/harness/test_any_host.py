"""Any host, any layout: certificates for the advertised name, an endpoints file usable
from any folder (the README's simple-salesforce snippet), and ``harness run`` against
simulators from a ``harness up`` and a stack that is already running. All on loopback."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from harness.cli import main
from simulators.engine import make_tls_files

REPO = Path(__file__).resolve().parents[2]
HARNESS = [sys.executable, "-c", "from harness.cli import main; main()"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARNESS_", "RI_"))}
    return {**env, "COLUMNS": "200", "NO_COLOR": "1"}


def _free_port(block: int = 1) -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base + block > 65535:
            continue
        try:
            for p in range(base, base + block):
                with socket.socket() as t:
                    t.bind(("127.0.0.1", p))
        except OSError:
            continue
        return base
    raise RuntimeError("no free port block")


def test_certificate_covers_the_advertised_names(tmp_path: Path) -> None:
    files = make_tls_files(tmp_path / "tls", ["0.0.0.0", "sims", "10.0.0.7"])
    assert files.ca_bundle.is_absolute()
    cert = x509.load_pem_x509_certificate(files.cert_file.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {"localhost", "sims"}
    assert set(san.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
        ipaddress.ip_address("10.0.0.7"),
    }


@pytest.fixture(scope="module")
def harness_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``harness up --https --advertise-host localhost`` with a relative --tls-dir."""
    where = tmp_path_factory.mktemp("up")
    base = _free_port(4)
    proc = subprocess.Popen(
        [
            *HARNESS,
            "up",
            "--https",
            "--port-base",
            str(base),
            "--advertise-host",
            "localhost",
            "--endpoints-file",
            "ep/endpoints.json",
            "--tls-dir",
            "tls",
        ],
        cwd=where,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    endpoints = where / "ep" / "endpoints.json"
    deadline = time.monotonic() + 60
    while not endpoints.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        assert endpoints.exists(), proc.stdout.read() if proc.poll() is not None else "no file"
        yield endpoints
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


def test_endpoints_file_names_the_advertised_host_and_an_absolute_ca(harness_up: Path) -> None:
    doc = json.loads(harness_up.read_text())
    assert Path(doc["ca_bundle"]).is_absolute() and Path(doc["ca_bundle"]).is_file()
    for system in ("crm", "erp", "psa", "hcm"):
        assert doc[system]["base_url"].startswith("https://localhost:"), doc[system]


def _health(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``harness health *args`` in-process through the console entry point: exit code,
    stdout, stderr (the simulators it checks run in ``harness up``'s process)."""
    with pytest.raises(SystemExit) as exit_:
        main(["health", *args])
    out, err = capsys.readouterr()
    return int(exit_.value.code or 0), out, err


def test_health_checks_every_simulator_and_reports_what_does_not_answer(
    harness_up: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _health(capsys, "--endpoints", str(harness_up))
    # five simulators and the peripherals' WireMock
    assert code == 0 and "healthy: 6 checked" in out, err
    down = f"http://127.0.0.1:{_free_port()}/health"
    code, _, err = _health(capsys, "--endpoints", str(harness_up), "--url", down)
    assert code == 1 and err.startswith(f"unhealthy: {down}: ConnectError"), err


def test_readme_simple_salesforce_snippet_runs_from_another_folder(
    harness_up: Path, tmp_path: Path
) -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("### simple-salesforce against the CRM simulator", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.S)
    assert snippet is not None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(harness_up, elsewhere / "endpoints.json")  # the ca_bundle inside is absolute
    code = (
        snippet.group(1)
        + "\nprint(sf.Account.get_by_custom_id('External_Id__c', 'ACME-1')['Name'])\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip().splitlines()[-1] == "Acme"


def test_run_against_running_simulators_and_a_running_stack(
    harness_up: Path, tmp_path: Path
) -> None:
    """The compose layout on loopback: simulators from harness up, the reference
    integration started on its own, and a target file without a start command."""
    port = _free_port()
    log = (tmp_path / "ri.log").open("wb")
    ri = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reference_integration",
            "serve",
            "--endpoints",
            str(harness_up),
            "--port",
            str(port),
            "--db",
            str(tmp_path / "ri.sqlite3"),
        ],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    log.close()  # the child holds its own copy
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "stack.toml").write_text(
        f'name = "already running"\nbase_url = "{base}"\nhealth_url = "{base}/health"\n'
        f'billing_run_url = "{base}/jobs/billing-run"\ntask_url = "{base}/tasks/{{task}}?wait=30"\n'
        '[run]\njourneys = "tm"\nstep_timeout = 20\nreport_dir = "out"\n'
        '[[run.faults]]\nsystem = "psa"\nmethod = "GET"\npath = "/never/*"\n'
        'fault = {kind = "error", status = 503}\n'
    )
    try:
        p = subprocess.run(
            [*HARNESS, "run", "--endpoints", str(harness_up), "--target", "stack.toml"],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        ri.terminate()
        ri.wait(10)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    assert f"using the simulators of {harness_up}" in p.stdout
    assert "psa fault harness-fault-1: GET /never/* -> error 503" in p.stdout
    assert "never fired" in p.stdout  # a rule that proved nothing says so
    summary = json.loads((tmp_path / "out" / "run-summary.json").read_text())
    assert summary["ok"] and [j["name"] for j in summary["journeys"]] == ["tm"]
    assert summary["faults"][0]["fired"] == 0 and summary["faults"][0]["system"] == "psa"
    assert "--endpoints" in summary["reproduce"]
