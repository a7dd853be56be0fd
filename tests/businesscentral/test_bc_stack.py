"""Business Central as the stack's ERP: choosing it, loading the seeded firm, probing it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness._config import load_config
from harness._errors import ConfigurationError, StackError
from harness.cli import main
from harness.data import generate_firm
from harness.loaders import businesscentral_batches, load_firm
from harness.loaders._businesscentral import company_id, guid
from harness.stack import Stack, StackSettings, endpoints_document
from harness.stack._probes import probe

from .._clients import client_credentials_token


@pytest.fixture(scope="module")
def firm() -> Any:
    return generate_firm(1, "small")


def test_erp_vendor_from_settings_file_and_environment(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text(
        'erp = "businesscentral"\n[crm]\ndaily_api_requests = 100\n'
    )
    cfg = load_config(cwd=tmp_path, env={})
    assert (
        cfg.vendors == {"erp": "businesscentral"}
        and cfg.simulators["crm"]["daily_api_requests"] == 100
    )
    assert load_config(cwd=tmp_path, env={"HARNESS_ERP": "netsuite"}).vendors == {"erp": "netsuite"}
    (tmp_path / "harness.toml").write_text(
        '[erp]\nvendor = "businesscentral"\nrate_limit_requests = 50\n'
    )
    assert load_config(cwd=tmp_path, env={}).dialect_settings()["erp"].rate_limit_requests == 50
    (tmp_path / "harness.toml").write_text('[erp]\nvendor = "businesscentral"\nrate_limit = 50\n')
    with pytest.raises(ConfigurationError, match="unknown businesscentral setting"):
        load_config(cwd=tmp_path, env={}).dialect_settings()
    with pytest.raises(StackError, match="no 'sap' simulator for the erp"):
        Stack(StackSettings(port_base=None, systems=["erp"], vendors={"erp": "sap"})).start()


def test_loaded_firm_is_consistent_and_the_probe_passes(firm: Any) -> None:
    settings = StackSettings(port_base=None, systems=["erp"], vendors={"erp": "businesscentral"})
    with Stack(settings) as stack:
        doc = endpoints_document(stack)
        ep = doc["erp"]
        assert ep["vendor"] == "businesscentral" and ep["api_url"].endswith("/production/api/v2.0")
        report = load_firm(firm, doc)
        expected = {rtype: len(records) for rtype, records in businesscentral_batches(firm)}
        assert report.counts["erp"] == expected and expected["salesInvoice"] == len(firm.invoices)

        result = probe("erp", ep, None)
        assert result.ok, result.error
        token = client_credentials_token(ep["token_url"], ep, {"scope": ep["scope"]})
        entity = firm.legal_entities[0]
        inv = next(i for i in firm.invoices if i.legal_entity_id == entity.id)
        with httpx.Client(
            base_url=f"{ep['api_url']}/companies({company_id(entity.id)})",
            headers={"Authorization": f"Bearer {token}"},
            trust_env=False,
        ) as api:
            got = api.get(
                f"/salesInvoices({guid('invoice', inv.id)})",
                params={"$expand": "salesInvoiceLines"},
            ).json()
            assert got["number"] == inv.erp_id and got["externalDocumentNumber"] == inv.id
            assert got["status"] == ("Paid" if inv.status == "paid" else "Open")
            lines_total = round(
                sum(line["amountExcludingTax"] for line in got["salesInvoiceLines"]), 2
            )
            assert lines_total == got["totalAmountExcludingTax"]
            open_total = sum(
                i.total_minor
                for i in firm.invoices
                if i.status == "open" and i.legal_entity_id == entity.id
            )
            customers = api.get("/customers", params={"$select": "balanceDue"}).json()["value"]
            assert round(sum(c["balanceDue"] for c in customers) * 100) == open_total


def _harness(*args: str) -> list[str]:
    return [sys.executable, "-c", "from harness.cli import main; main()", *args]


def test_harness_up_erp_businesscentral_checks_the_stack(tmp_path: Path) -> None:
    r = subprocess.run(
        _harness(
            "up",
            "--erp",
            "businesscentral",
            "--systems",
            "erp",
            "--check",
            "--no-peripherals",  # no system: the peripherals' own test runs them
            "--port-base",
            "0",
            "--report-dir",
            str(tmp_path),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads((tmp_path / "stack-check.json").read_text())
    erp = report["systems"][0]
    assert (erp["vendor"], erp["ok"]) == ("businesscentral", True)
    assert [s["status"] for s in erp["steps"]] == [200, 200, 200, 201, 200, 200, 204]


def test_harness_up_refuses_an_unknown_erp(capsys: pytest.CaptureFixture[str]) -> None:
    # in-process through the console entry point: the refusal comes before any server starts
    with pytest.raises(SystemExit) as exit_:
        main(["up", "--erp", "sap", "--check", "--port-base", "0"])
    stderr = capsys.readouterr().err
    assert (
        exit_.value.code == 2
        and "no 'sap' simulator for the erp" in stderr
        and "Traceback" not in stderr
    )
