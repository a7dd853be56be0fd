"""Every command with bad values: one line on stderr naming what is wrong, exit 2, no traceback.

Runs the real ``harness`` entry point in-process (no simulator starts: every case fails
in the checks that run before anything does).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main

HTTP_ENDPOINTS = json.dumps(
    {
        system: {
            "vendor": vendor,
            "base_url": "http://127.0.0.1:1",
            "admin_url": "http://127.0.0.1:1/__admin",
        }
        for system, vendor in (
            ("crm", "salesforce"),
            ("erp", "netsuite"),
            ("psa", "kantata"),
            ("hcm", "workday"),
        )
    }
)
CRM_ONLY = (
    '{"crm": {"vendor": "salesforce", "base_url": "https://127.0.0.1:1", '
    '"admin_url": "https://127.0.0.1:1/__admin"}, "ca_bundle": "a-file"}'
)
FILES = {
    "a-file": "x",
    "faults-plural.toml": '[[faults]]\nsystem = "erp"\nfault = {kind = "error", status = 503}\n',
    "faults-typo.toml": '[[fault]]\nsystem = "erp"\npth = "/x/*"\nfault = {kind = "error", status = 503}\n',
    "faults-kind.toml": '[[fault]]\nsystem = "erp"\nfault = {kind = "boom"}\n',
    "faults-empty.json": "[]",
    "target-port.toml": 'base_url = "http://127.0.0.1:8750"\nport = 1\n',
    "target-run.toml": 'base_url = "http://127.0.0.1:8750"\n[run]\ntimeout = -1\n',
    "target-release.toml": 'base_url = "http://127.0.0.1:8750"\n[run]\nrelease = "next"\n',
    "target-reports.toml": 'base_url = "http://127.0.0.1:8750"\n[run]\nreport_dir = "a-file"\n',
    "target-nofaults.toml": 'base_url = "http://127.0.0.1:8750"\n[run]\nfaults = "nope.toml"\n',
    "target-url.toml": 'base_url = "127.0.0.1:8750"\n',
    "bad.toml": "seed = [\n",
    "cfg-key.toml": "colour = 'blue'\n",
    "cfg-field.toml": "[crm]\ncustom_fields = [{object = 'Nope', name = 'X__c', type = 'string'}]\n",
    "cfg-psa.toml": "[psa]\nrate = 5\n",
    "cfg-hcm.toml": "[hcm]\nreports = 'none'\n",
    "endpoints-http.json": HTTP_ENDPOINTS,
    "endpoints-crm.json": CRM_ONLY,
    "endpoints-empty.json": "{}",
    "endpoints-broken.json": "{",
}

#: (command line, message on stderr); "{busy}" is a port something already listens on
CASES: list[tuple[str, str]] = [
    ("run --seed -1", "harness run: Invalid value for '--seed': -1 must be 0 or more"),
    ("run --seed x", "harness run: Invalid value for '--seed'"),
    ("run --size huge", "Invalid value for '--size': 'huge': choose from small, medium, large"),
    ("run --journeys tm,nope", "unknown journey(s) nope (hint: choose from the suites"),
    (
        "run --report-dir a-file",
        "Invalid value for '--report-dir': a-file is a file, not a directory",
    ),
    ("run --report-dir a-file/sub", "'--report-dir': a-file/sub cannot be created: "),
    ("run --target missing.toml", "Invalid value for '--target': missing.toml does not exist"),
    ("run --target .", "Invalid value for '--target': . is not a file"),
    ("run --target target-port.toml", "target-port.toml: unknown key 'port' (allowed: base_url,"),
    ("run --target target-run.toml", "target-run.toml: run.timeout: must be > 0, got -1"),
    ("run --target target-release.toml", "--release 'next' is not VENDOR=RELEASE"),
    ("run --target target-reports.toml", "error: report_dir: a-file is a file, not a directory"),
    ("run --target target-nofaults.toml", "cannot read faults file "),
    (
        "run --target target-url.toml",
        "base_url: must be an absolute http(s) URL, got '127.0.0.1:8750'",
    ),
    ("run --faults missing.toml", "Invalid value for '--faults': missing.toml does not exist"),
    (
        "run --faults faults-plural.toml",
        "faults-plural.toml: unknown key 'faults' (allowed: fault; did you mean 'fault'?)",
    ),
    (
        "run --faults faults-typo.toml",
        "faults-typo.toml: fault[0]: unknown key 'pth' (allowed: after_calls,",
    ),
    (
        "run --faults faults-kind.toml",
        "fault[0].fault.kind: 'boom' is not allowed (allowed: 'latency', 'error', 'hang', 'reset')",
    ),
    ("run --faults faults-empty.json", "faults-empty.json: fault: no rules given"),
    ("run --faults bad.toml", "faults file bad.toml is not valid TOML"),
    (
        "run --endpoints missing.json",
        "Invalid value for '--endpoints': missing.json does not exist",
    ),
    (
        "run --endpoints endpoints-broken.json",
        "endpoints file endpoints-broken.json is not valid JSON",
    ),
    ("run --endpoints endpoints-empty.json", "endpoints-empty.json: must not be empty, got {}"),
    (
        "run --endpoints endpoints-http.json",
        "serve http, but the embedded reference integration needs https",
    ),
    (
        "run --endpoints endpoints-crm.json",
        "endpoints-crm.json lacks erp, psa, hcm: the journeys need all four systems",
    ),
    ("run --timeout 0", "Invalid value for '--timeout': 0 must be greater than 0"),
    ("run --step-timeout -5", "Invalid value for '--step-timeout': -5 must be greater than 0"),
    ("run --config missing.toml", "Invalid value for '--config': missing.toml does not exist"),
    ("run --config cfg-key.toml", "cfg-key.toml: unknown key 'colour' (allowed: crm, data_dir,"),
    (
        "run --config cfg-field.toml",
        "[crm] invalid salesforce settings: custom field 'X__c' declared on unknown",
    ),
    ("run --config cfg-psa.toml", "[psa] unknown kantata setting(s): rate (hint: known:"),
    ("up --config cfg-hcm.toml", "[hcm] invalid workday settings: reports must be a list"),
    ("run --bogus", "harness run: No such option: --bogus"),
    ("up --port-base 70000", "Invalid value for '--port-base': 70000 is out of range (1-65532"),
    ("up --port-base -1", "Invalid value for '--port-base': -1 is out of range"),
    ("up --port-base {busy}", "cannot listen on 127.0.0.1:{busy}"),
    (
        "up --host bad_host!",
        "Invalid value for '--host': 'bad_host!' is neither an IP address nor a host name",
    ),
    ("up --advertise-host a..b", "Invalid value for '--advertise-host': 'a..b' is neither"),
    ("up --endpoints-file .", "Invalid value for '--endpoints-file': . is a directory, not a file"),
    (
        "up --endpoints-file a-file/ep.json",
        "'--endpoints-file': a-file/ep.json cannot be created: ",
    ),
    ("up --tls-dir a-file", "Invalid value for '--tls-dir': a-file is a file, not a directory"),
    ("up --data-dir a-file", "Invalid value for '--data-dir': a-file is a file, not a directory"),
    (
        "up --report-dir a-file",
        "Invalid value for '--report-dir': a-file is a file, not a directory",
    ),
    (
        "up --systems crm,mainframe",
        "Invalid value for '--systems': 'crm,mainframe': choose from crm, erp, psa, hcm",
    ),
    ("up --seed -3", "Invalid value for '--seed': -3 must be 0 or more"),
    ("up --size huge", "Invalid value for '--size': 'huge': choose from small, medium, large"),
    ("up --config bad.toml", "bad.toml is not valid TOML"),
    ("data generate --out a-file", "Invalid value for '--out': a-file is a file, not a directory"),
    ("data generate --seed -1", "Invalid value for '--seed': -1 must be 0 or more"),
    (
        "data generate --consultants 0",
        "Invalid value for '--consultants': 0 must be greater than 0",
    ),
    ("data generate --size huge", "unknown size 'huge'"),
    ("data generate --format xml", "unknown format 'xml' (hint: use jsonl or csv)"),
    ("data generate --as-of 2026-13-45", "invalid --as-of '2026-13-45' (hint: use YYYY-MM-DD)"),
    ("data sizes --bogus", "harness data sizes: No such option: --bogus"),
    ("health", "nothing to check (hint: give --endpoints FILE or --url URL)"),
    ("health --endpoints endpoints-empty.json", "endpoints-empty.json: must not be empty, got {}"),
    ("health --url http://127.0.0.1:1/ --timeout 0", "Invalid value for '--timeout': 0 must be"),
    ("nope", "harness: No such command 'nope'."),
]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield int(s.getsockname()[1])


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    for var in [v for v in __import__("os").environ if v.startswith("HARNESS_")]:
        monkeypatch.delenv(var)
    return tmp_path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return int(exit_.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(("command", "message"), CASES, ids=[c for c, _ in CASES])
def test_bad_input_is_one_line_and_exit_2(
    command: str,
    message: str,
    workdir: Path,
    busy_port: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = command.replace("{busy}", str(busy_port)).split()
    code, err = run_cli(argv, capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert message.replace("{busy}", str(busy_port)) in lines[0]
    assert "Traceback" not in err


def test_bad_environment_variable_is_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_PORT_BASE", "70000")
    code, err = run_cli(["up"], capsys)
    assert code == 2
    assert err.strip() == (
        "error: environment variable HARNESS_PORT_BASE: port_base: must be <= 65532, got 70000"
    )


def test_help_still_exits_0(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--help"])
    assert exit_.value.code == 0
    assert "--endpoints" in capsys.readouterr().out


def test_simulator_command_line_refuses_a_port_out_of_range() -> None:
    import subprocess
    import sys

    p = subprocess.run(
        [sys.executable, "-m", "simulators.salesforce", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2
    assert p.stderr.strip() == "error: --port 70000 is out of range (1-65535, or 0 for a free port)"
