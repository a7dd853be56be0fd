"""The mapping spec: the default describes the reference integration; bad specs get one
clear error naming every problem; a target file names its own spec."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from harness._errors import ConfigurationError
from harness.journeys import load_target_file
from harness.journeys._mapping import load_mapping, parse_mapping
from harness.journeys._select import select_journeys


def test_default_spec_is_the_reference_integrations() -> None:
    m = load_mapping()
    assert m.crm("workspace_field") == "PSA_Project_Id__c"
    assert m.erp("time_bill_external_id", time_entry=42) == "kantata-te-42"
    assert m.invoice_status("INV7", m.status_paid) == "INV7 Paid In Full"
    assert m.milestone_shares("Milestone") == [0.3, 0.4, 0.3]
    assert m.bills_time("Time and Materials") and not m.bills_time("Fixed Fee")


def test_bad_spec_names_each_problem(tmp_path: Path) -> None:
    doc = tomllib.loads(
        (Path(__file__).parents[2] / "harness/journeys/mappings/reference.toml").read_text()
    )
    doc["crm"]["invoice_status_format"] = "{tranId}"  # no {status}
    doc["erp"]["colour"] = "blue"
    del doc["psa"]["invoice_reference_service"]
    with pytest.raises(ConfigurationError) as err:
        parse_mapping(doc, "bad.toml")
    text = str(err.value)
    assert "crm.invoice_status_format" in text and "'colour' was unexpected" in text
    assert "invoice_reference_service' is a required property" in text


def test_milestone_shares_must_add_up(tmp_path: Path) -> None:
    src = (Path(__file__).parents[2] / "harness/journeys/mappings/reference.toml").read_text()
    f = tmp_path / "m.toml"
    f.write_text(src.replace('"Milestone" = [0.3, 0.4, 0.3]', '"Milestone" = [0.3, 0.4]'))
    with pytest.raises(ConfigurationError, match=r"add up to 0\.7, not 1"):
        load_mapping(f)


def test_target_file_names_its_mapping(tmp_path: Path) -> None:
    src = (Path(__file__).parents[2] / "harness/journeys/mappings/reference.toml").read_text()
    (tmp_path / "ours.toml").write_text(src.replace("Invoice_Status__c", "Billing_Status__c"))
    t = tmp_path / "stack.json"
    t.write_text(json.dumps({"base_url": "http://127.0.0.1:9", "mapping": "ours.toml"}))
    spec = load_target_file(t)
    assert spec.mapping is not None
    assert load_mapping(Path(spec.mapping)).crm("invoice_status_field") == "Billing_Status__c"


def test_selection_by_suite_and_k() -> None:
    assert select_journeys(["billing"]) == ["tm", "fixed_fee", "milestone"]
    assert select_journeys([], "erp and not outage") == ["erp_429"]
    assert len(select_journeys(["all"])) >= 13
    with pytest.raises(ConfigurationError, match="unknown journey"):
        select_journeys(["nope"])
