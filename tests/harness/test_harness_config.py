"""Settings from harness.toml / [tool.harness] / HARNESS_*, and CRM custom objects declared there."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness._config import load_config
from harness._errors import ConfigurationError
from harness.testing import start_simulator
from simulators.salesforce import create_simulator

from .._clients import crm_client

TOML = """
seed = 7
[crm]
daily_api_requests = 1234
custom_fields = [{object = "Account", name = "Region__c", type = "picklist", picklist_values = ["EMEA", "AMER"]}]
platform_events = [{name = "Project_Activated__e", fields = {Project_Id__c = "string"}}]

[[crm.custom_objects]]
name = "Timesheet__c"
key_prefix = "a01"
label = "Timesheet"
fields = [{name = "Hours__c", type = "double"}, {name = "Account__c", type = "reference", reference_to = "Account"}]
"""


def test_precedence_defaults_pyproject_file_env(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.harness]\nseed = 3\nsize = 'medium'\n")
    cfg = load_config(cwd=tmp_path, env={})
    assert (cfg.seed, cfg.size, cfg.port_base) == (3, "medium", 8701)
    (tmp_path / "harness.toml").write_text("seed = 5\n")
    assert load_config(cwd=tmp_path, env={}).seed == 5
    cfg = load_config(
        cwd=tmp_path, env={"HARNESS_SEED": "9", "HARNESS_HTTPS": "true", "HARNESS_SYSTEMS": "crm"}
    )
    assert (cfg.seed, cfg.https, cfg.systems, cfg.size) == (9, True, ["crm"], "medium")


@pytest.mark.parametrize(
    ("content", "env", "message"),
    [
        ("seed = 'x'\n", {}, "harness.toml: seed: must be an integer, got 'x'"),
        ("colour = 'blue'\n", {}, "harness.toml: unknown key 'colour' (allowed: crm, data_dir,"),
        ("seed = [\n", {}, "is not valid TOML"),
        ("port_base = 70000\n", {}, "harness.toml: port_base: must be <= 65532, got 70000"),
        (
            "size = 'huge'\n",
            {},
            "size: 'huge' is not allowed (allowed: 'small', 'medium', 'large')",
        ),
        ("[crm]\nbogus = 1\n", {}, "[crm] unknown salesforce setting(s): bogus (hint: known:"),
        ("[erp]\naccount = 'x'\n", {}, "[erp] unknown netsuite setting(s): account (hint:"),
        ("[psa]\nrate = 1\n", {}, "[psa] unknown kantata setting(s): rate (hint: known:"),
        ("[hcm]\ntenant = 'x'\n", {}, "[hcm] unknown workday setting(s): tenant (hint: known:"),
        ("[psa]\nretry_after = 'later'\n", {}, "[psa] invalid kantata settings: retry_after"),
        ("erp = 'sap'\n", {}, "harness.toml: erp"),
        ("[crm]\ndaily_api_requests = '5'\n", {}, "crm.daily_api_requests: must be an integer"),
        ("[sims]\n", {}, "unknown key 'sims'"),
        (
            "",
            {"HARNESS_SYSTEMS": "crm,mainframe"},
            "environment variable HARNESS_SYSTEMS: systems:",
        ),
        ("", {"HARNESS_SEED": "x"}, "HARNESS_SEED must be an integer, got 'x'"),
        ("", {"HARNESS_PORT_BASE": "-1"}, "HARNESS_PORT_BASE: port_base: must be >= 0, got -1"),
        ("", {"HARNESS_SEDE": "3"}, "unknown environment variable HARNESS_SEDE"),
    ],
)
def test_bad_settings_are_clear_errors(
    tmp_path: Path, content: str, env: dict[str, str], message: str | None
) -> None:
    (tmp_path / "harness.toml").write_text(content)
    with pytest.raises(ConfigurationError) as exc:
        load_config(cwd=tmp_path, env=env).dialect_settings()
    assert message is None or message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_pyproject_tool_section_is_checked_too(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.harness]\nsede = 3\n")
    with pytest.raises(
        ConfigurationError, match=r"\[tool.harness\]: unknown key 'sede'.*did you mean 'seed'"
    ):
        load_config(cwd=tmp_path, env={})


def test_custom_object_fields_and_platform_event_from_config(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text(TOML)
    cfg = load_config(cwd=tmp_path, env={})
    settings = cfg.dialect_settings()["crm"]
    assert settings.daily_api_requests == 1234
    sim = start_simulator(create_simulator(settings))
    try:
        c = crm_client(sim)
        v = "/services/data/v68.0"
        acc = c.post(
            f"{v}/sobjects/Account/", json={"Name": "Config Co", "Region__c": "EMEA"}
        ).json()["id"]
        r = c.post(
            f"{v}/sobjects/Timesheet__c/",
            json={"Name": "Week 1", "Hours__c": 37.5, "Account__c": acc},
        )
        assert r.status_code == 201 and r.json()["id"].startswith("a01")
        q = c.get(
            f"{v}/query/",
            params={"q": "SELECT Name, Hours__c, Account__r.Region__c FROM Timesheet__c"},
        ).json()
        assert q["records"][0]["Hours__c"] == 37.5
        assert q["records"][0]["Account__r"]["Region__c"] == "EMEA"
        names = {o["name"] for o in c.get(f"{v}/sobjects/").json()["sobjects"]}
        assert {"Timesheet__c", "Project_Activated__e"} <= names
        d = c.get(f"{v}/sobjects/Timesheet__c/describe").json()
        assert d["custom"] is True and {f["name"] for f in d["fields"]} >= {
            "Hours__c",
            "Account__c",
            "OwnerId",
        }
        pe = c.post(f"{v}/sobjects/Project_Activated__e/", json={"Project_Id__c": "P-1"})
        assert pe.status_code == 201 and pe.json()["success"] is True
        assert c.get(f"{v}/sobjects/Account/describe").json()["fields"][-1]["name"] in {
            "Region__c",
            "ERP_Customer_Id__c",
            "External_Id__c",
        }
    finally:
        sim.close()
