"""A stack with its own field names, judged through its own mapping spec: the reference
integration configured (its own settings) to keep the links in other CRM fields and to
name time bills differently passes with a mapping file that says so, and fails with the
default one."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.journeys import EventBus, SessionOptions, embedded_spec, run_journeys

REFERENCE = Path(__file__).parents[2] / "harness/journeys/mappings/reference.toml"
FIELDS = {
    "PSA_Project_Id__c": "Workspace_Ref__c",
    "ERP_Project_Id__c": "Erp_Job_Ref__c",
    "ERP_Customer_Id__c": "Erp_Customer_Ref__c",
    "Invoice_Status__c": "Billing_Status__c",
}


@pytest.fixture
def other_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Settings for the integration and the CRM; returns (harness config, mapping spec)."""
    for var, name in (
        ("RI_CRM_WORKSPACE_FIELD", "Workspace_Ref__c"),
        ("RI_CRM_JOB_FIELD", "Erp_Job_Ref__c"),
        ("RI_CRM_CUSTOMER_FIELD", "Erp_Customer_Ref__c"),
        ("RI_CRM_INVOICE_STATUS_FIELD", "Billing_Status__c"),
        ("RI_TIME_BILL_PREFIX", "psa-time-"),
    ):
        monkeypatch.setenv(var, name)
    fields = [
        ("Opportunity", n) for n in ("Workspace_Ref__c", "Erp_Job_Ref__c", "Billing_Status__c")
    ]
    fields.append(("Account", "Erp_Customer_Ref__c"))
    rows = ", ".join(f'{{object = "{o}", name = "{n}", type = "string"}}' for o, n in fields)
    cfg = tmp_path / "harness.toml"
    cfg.write_text(f"[crm]\ncustom_fields = [{rows}]\n")
    text = REFERENCE.read_text()
    for old, new in FIELDS.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    text = text.replace('"kantata-te-{time_entry}"', '"psa-time-{time_entry}"')
    spec = tmp_path / "other.toml"
    spec.write_text(text)
    return cfg, spec


def test_other_field_names_pass_with_their_mapping(other_stack: tuple[Path, Path]) -> None:
    cfg, spec = other_stack
    options = SessionOptions(
        seed=2, config=cfg, mapping=spec, step_timeout=20, peripherals=False
    )  # no landscape journey: no peripherals (WireMock) to start
    result = run_journeys(options, ["tm", "milestone"], EventBus(), "other fields")
    assert result.ok, "\n".join(result.failures)


def test_other_field_names_fail_with_the_default_mapping(other_stack: tuple[Path, Path]) -> None:
    cfg, _ = other_stack
    options = SessionOptions(
        seed=2, config=cfg, target=embedded_spec(), step_timeout=4, peripherals=False
    )
    result = run_journeys(options, ["tm"], EventBus(), "default mapping")
    assert not result.ok
    assert "PSA_Project_Id__c" in "\n".join(result.failures)
