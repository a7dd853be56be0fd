"""The target file: TOML or JSON, any host, checked against its schema, run options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness._errors import ConfigurationError
from harness.journeys import load_target_file


def test_toml_target_file(tmp_path: Path) -> None:
    f = tmp_path / "stack.toml"
    f.write_text(
        'base_url = "http://127.0.0.1:8750/"\nhealth_url = "http://127.0.0.1:8750/health"\n'
        'start = "my-stack --endpoints {endpoints}"\n[webhooks]\ncrm = "http://localhost:8750/webhooks/crm"\n'
    )
    spec = load_target_file(f)
    assert spec.base_url == "http://127.0.0.1:8750"
    assert spec.start == ("my-stack", "--endpoints", "{endpoints}")
    assert spec.webhooks == {"crm": "http://localhost:8750/webhooks/crm"}
    assert not spec.embedded and spec.run == {}


def test_hosts_other_than_loopback_are_accepted(tmp_path: Path) -> None:
    f = tmp_path / "stack.json"
    f.write_text(
        json.dumps(
            {
                "target": {"base_url": "http://integration:8750", "name": "compose"},
                "webhooks": {"erp": "https://10.0.0.5:8443/hooks/erp"},
            }
        )
    )
    spec = load_target_file(f)
    assert spec.base_url == "http://integration:8750" and spec.start is None
    assert spec.webhooks == {"erp": "https://10.0.0.5:8443/hooks/erp"}


def test_run_options_in_the_target_file(tmp_path: Path) -> None:
    f = tmp_path / "ci" / "stack.toml"
    f.parent.mkdir()
    f.write_text(
        'base_url = "http://127.0.0.1:8750"\n'
        "[run]\nseed = 7\njourneys = 'tm, milestone'\nhttps = true\ntimeout = 120\n"
        "step_timeout = 10\nfaults = 'faults.toml'\nreport_dir = 'out'\n"
    )
    run = load_target_file(f).run
    assert run["seed"] == 7 and run["journeys"] == ["tm", "milestone"] and run["https"] is True
    assert (run["timeout"], run["step_timeout"], run["report_dir"]) == (120, 10, "out")
    assert run["faults"] == str(f.parent / "faults.toml")  # relative to the target file


def test_inline_fault_rules_are_checked(tmp_path: Path) -> None:
    f = tmp_path / "stack.toml"
    f.write_text(
        'base_url = "http://127.0.0.1:8750"\n[[run.faults]]\nsystem = "erp"\n'
        'fault = {kind = "error", status = 503}\n'
    )
    assert load_target_file(f).run["faults"] == [
        {"system": "erp", "fault": {"kind": "error", "status": 503}}
    ]
    f.write_text(
        'base_url = "http://127.0.0.1:8750"\n[[run.faults]]\nsystem = "erp"\n'
        'methd = "PUT"\nfault = {kind = "error", status = 503}\n'
    )
    with pytest.raises(ConfigurationError, match=r"run.faults\[0\]: unknown key 'methd'"):
        load_target_file(f)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'base_url = "ftp://10.0.0.5:8750"',
            "stack.toml: base_url: must be an absolute http(s) URL, got 'ftp://10.0.0.5:8750'",
        ),
        (
            'base_url = "http://127.0.0.1:1"\nport = 3',
            "stack.toml: unknown key 'port' (allowed: base_url,",
        ),
        (
            "[webhooks]\nfoo = 'http://127.0.0.1:1/x'",
            "webhooks: unknown key 'foo' (allowed: crm, erp, hcm, psa)",
        ),
        ("base_url = ", "stack.toml is not valid TOML"),
        ("startup_timeout = 0", "startup_timeout: must be > 0, got 0"),
        ("start = 5", "start: must be one of: a command line, a list of strings; got 5"),
        ("[run]\nhttp = true", "run: unknown key 'http' (allowed: endpoints, faults, https,"),
        ("[run]\nseed = -1", "run.seed: must be >= 0, got -1"),
        ("[run]\nsize = 'huge'", "run.size: 'huge' is not allowed"),
        ("[run]\ntimeout = 'long'", "run.timeout: must be a number, got 'long'"),
        ("[run]\nhttps = 'yes'", "run.https: must be true or false, got 'yes'"),
        (
            "task_url = 'http://127.0.0.1:1/tasks'",
            "task_url: must be an http(s) URL containing {task}",
        ),
    ],
)
def test_bad_target_files(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "stack.toml"
    f.write_text(text)
    with pytest.raises(ConfigurationError) as err:
        load_target_file(f)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


DOC = Path(__file__).resolve().parents[2] / "docs" / "target-contract.md"


def test_contract_page_documents_every_key_and_its_example_loads(tmp_path: Path) -> None:
    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "harness/schemas/target.schema.json").read_text()
    )
    text = DOC.read_text()
    keys = list(schema["properties"]) + [
        f"run.{k}" for k in schema["properties"]["run"]["properties"]
    ]
    missing = [k for k in keys if f"| `{k}` |" not in text]
    assert not missing, f"docs/target-contract.md lacks rows for {missing}"
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    f = tmp_path / "stack.toml"
    f.write_text(example)
    spec = load_target_file(f)
    assert (
        spec.name == "billing-sync"
        and spec.start is None
        and set(spec.webhooks)
        == {
            "crm",
            "erp",
            "psa",
            "hcm",
        }
    )
    assert spec.run["endpoints"] == str(tmp_path / "endpoints/endpoints.json")
