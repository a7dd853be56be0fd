"""Load profiles, the governance projection and staging credentials (no Locust needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness._errors import ConfigurationError
from harness.cli import main
from harness.load import (
    Limits,
    Volume,
    daily_events,
    load_profile,
    parse_duration,
    project,
    redact,
    staging_endpoints,
    staging_target,
    unit_costs,
)
from harness.load._attribution import classify_event

PROFILES = Path(__file__).parents[2] / "loadtests" / "profiles"


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_profile_reads(path: Path) -> None:
    p = load_profile(path)
    assert p.run_time > 0 and p.users >= 1 and p.mix


def test_unknown_keys_are_refused_with_the_known_ones(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text("users = 3\nspawnrate = 2\n[thresholds]\np95 = 1\n")
    with pytest.raises(ConfigurationError, match="spawnrate"):
        load_profile(f)
    f.write_text("[thresholds]\np95 = 1\n")
    with pytest.raises(ConfigurationError, match=r"\[thresholds\].*p95.*known: .*p95_ms"):
        load_profile(f)
    f.write_text("[thresholds]\np95_ms = {invoicing = 3}\n")
    with pytest.raises(ConfigurationError, match="unknown journeys: invoicing"):
        load_profile(f)


def test_durations_in_locust_syntax() -> None:
    assert parse_duration("90") == 90 and parse_duration("2m") == 120
    assert parse_duration("1h30m") == 5400 and parse_duration(15) == 15
    with pytest.raises(ConfigurationError, match="invalid duration"):
        parse_duration("soon")


def test_unit_costs_divide_requests_by_acknowledged_events() -> None:
    calls = {("crm", "closed_won"): 60, ("erp", "closed_won"): 90, ("psa", "other"): 5}
    assert unit_costs(calls, {"closed_won": 30}) == {"closed_won": {"crm": 2.0, "erp": 3.0}}
    # untraced calls are shared out in proportion to the traced ones, per system
    calls = {("erp", "closed_won"): 30, ("erp", "month_end"): 10, ("erp", "other"): 20}
    costs = unit_costs(calls, {"closed_won": 10, "month_end": 10})
    assert costs == {"closed_won": {"erp": 4.5}, "month_end": {"erp": 1.5}}


def test_month_end_days_carry_their_share_of_time_entries() -> None:
    v = Volume(working_days=20, time_entries=2000, month_end_days=2, month_end_share=0.5)
    days = daily_events(v, "month_end")
    assert len(days) == 20 and sum(days) == pytest.approx(2000)
    assert days[0] == pytest.approx(1000 / 18) and days[-1] == pytest.approx(500)
    assert daily_events(Volume(working_days=20, deals_won=40), "closed_won") == [2.0] * 20


def test_salesforce_runs_out_on_the_first_day_over_its_daily_quota() -> None:
    v = Volume(working_days=20, time_entries=20_000, month_end_days=2, month_end_share=0.5)
    limits = Limits(salesforce_daily_api_requests=4000)
    [crm, _erp, _psa, hcm] = project({"month_end": {"crm": 1.0}}, v, limits, 0.01)
    # 10,000 entries over 18 days (556 a day), then 5,000 on each of the last two
    assert crm.vendor == "salesforce" and crm.requests_per_month == pytest.approx(20_000)
    assert crm.runs_out_on_day == 19 and crm.peak_day_share == pytest.approx(1.25)
    assert crm.month_share == pytest.approx(20_000 / (4000 * 30))
    assert hcm.month_share is None and hcm.quota == "no published limit"


def test_netsuite_demand_is_concurrency_by_littles_law() -> None:
    v = Volume(working_days=10, busy_hours=1, deals_won=36_000)
    [_, erp, _, _] = project({"closed_won": {"erp": 1.0}}, v, Limits(netsuite_concurrency=5), 0.5)
    # 3,600 requests in one busy hour = 1/s, each 0.5 s: 0.5 requests in flight of 5
    assert erp.peak_day_share == pytest.approx(0.1) and erp.runs_out_on_day is None


def test_staging_credentials_from_environment_and_file_and_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ep = tmp_path / "staging.json"
    ep.write_text(
        '{"crm": {"base_url": "https://acme--uat.sandbox.my.salesforce.com", '
        '"client_secret": "${SF_SECRET}"}, "erp": {"rest_url": "https://123-sb1.suitetalk.api.netsuite.com"},'
        ' "psa": {}, "hcm": {}}'
    )
    creds = tmp_path / "creds.toml"
    creds.write_text('[erp]\ntoken_secret = "ts"\n')
    with pytest.raises(ConfigurationError, match="SF_SECRET"):
        staging_endpoints(ep, creds)
    monkeypatch.setenv("SF_SECRET", "s3cret")
    doc = staging_endpoints(ep, creds)
    assert doc["crm"]["client_secret"] == "s3cret" and doc["erp"]["token_secret"] == "ts"
    shown = redact(doc)
    assert shown["crm"]["client_secret"] == "***" and shown["erp"]["token_secret"] == "***"
    assert shown["crm"]["base_url"].startswith("https://acme--uat")
    t = tmp_path / "t.toml"
    t.write_text('base_url = "https://integration.staging.example.com"\n')
    assert staging_target(t) == {"base_url": "https://integration.staging.example.com"}


def test_harness_load_refuses_a_bad_profile_in_one_line_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('users = 2\nlocustfile = "business"\nrampup = 3\n')
    # in-process through the console entry point: the refusal comes before any load starts
    with pytest.raises(SystemExit) as exit_:
        main(["load", str(bad)])
    stderr = capsys.readouterr().err
    assert exit_.value.code == 2, stderr
    assert stderr.strip().startswith("error: unknown keys in profile") and "rampup" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_the_stacks_calls_are_traced_to_the_journey_of_the_change_event() -> None:
    def cdc(changed: list[str]) -> dict[str, object]:
        header = {"entityName": "Opportunity", "changedFields": changed}
        return {
            "channel": "/data/OpportunityChangeEvent",
            "data": {"payload": {"ChangeEventHeader": header}},
        }

    assert classify_event("crm", "Opportunity", cdc([])) == "closed_won"  # CREATE
    assert classify_event("crm", "Opportunity", cdc(["StageName", "Probability"])) == "closed_won"
    assert classify_event("crm", "Opportunity", cdc(["Amount"])) == "change_order"
    assert classify_event("crm", "Opportunity", cdc(["Invoice_Status__c"])) == "billing_run"
    assert classify_event("psa", "time_entries", {}) == "month_end"
    assert classify_event("hcm", "Worker", {}) == "hcm_wave"
    assert classify_event("erp", "customer", {}) == "other"
