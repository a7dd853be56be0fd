"""Dialect components built from the engine's parts alone, with no server and no Simulator:
auth from a token store and a tenant registry, business rules from their record service.
And the engine's own tenant lifecycle and subrequest dispatch, called directly."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest

from simulators.coupa import CoupaSettings
from simulators.coupa._auth import CoupaAuth
from simulators.engine import (
    Event,
    HttpError,
    Request,
    RollingQuota,
    Simulator,
    Tenant,
    TenantRegistry,
    TokenStore,
)
from simulators.kantata import KantataSettings
from simulators.kantata._model import Catalog
from simulators.kantata._records import Ctx, Records
from simulators.kantata._rule_table import NO_RULES, checked
from simulators.kantata._state import KantataState
from simulators.netsuite import NetSuiteSettings
from simulators.netsuite._auth import NetSuiteAuth
from simulators.netsuite._records import RecordService, WriteContext
from simulators.netsuite._rules import BusinessRules
from simulators.netsuite._schema import build_types
from simulators.salesforce import SalesforceDialect, SalesforceSettings
from simulators.salesforce._platform_events import PlatformEvents
from simulators.salesforce._records import RecordService as RecordService_sf
from simulators.salesforce._rest import RestResources
from simulators.salesforce._rules import BusinessRules as BusinessRules_sf
from simulators.salesforce._schema import build_schema


def _registry(state: Any = None) -> TenantRegistry:
    def setup(t: Tenant) -> None:
        t.state = state() if state else {}

    reg = TenantRegistry(None, setup, lambda t, change: None)
    reg.get_or_create("default")
    return reg


def _not_called(*args: Any) -> Any:
    raise AssertionError("not part of this test")


def _no_publish(
    tenant: Tenant, record_type: str, record_id: str, op: str, channel: str, payload_for_seq: Any
) -> Event:
    raise AssertionError("not part of this test")


def _form(path: str, fields: dict[str, str]) -> Request:
    body = urlencode(fields).encode()
    return Request("POST", path, "", {"content-type": "application/x-www-form-urlencoded"}, body)


def _bearer(value: str) -> Request:
    return Request("GET", "/api/suppliers", "", {"authorization": f"Bearer {value}"})


def test_coupa_auth_issues_and_checks_tokens_without_a_server() -> None:
    tokens, tenants, settings = TokenStore(), _registry(), CoupaSettings()
    auth = CoupaAuth(tokens, tenants, settings)
    form = {"grant_type": "client_credentials", "client_id": settings.client_id}
    refused = auth.token(_form("/oauth2/token", {**form, "client_secret": "wrong"}))
    assert refused.status == 401
    issued = auth.token(_form("/oauth2/token", {**form, "client_secret": settings.client_secret}))
    assert issued.status == 200
    token = orjson.loads(issued.body)["access_token"]
    assert auth.authenticate(_bearer(token)) is tenants.get("default")
    with pytest.raises(HttpError) as exc:
        auth.authenticate(_bearer("not-a-token"))
    assert exc.value.status == 401


def test_netsuite_auth_resolves_a_bearer_token_to_its_tenant() -> None:
    tokens, tenants = TokenStore(), _registry()
    auth = NetSuiteAuth(tokens, tenants, NetSuiteSettings(account_id="777_SB1"))
    t = tenants.get_or_create("acme")
    tok = tokens.issue(t.name, "client", t.clock, ttl=60)
    assert auth.authenticate(_bearer(tok.value)) is t
    tokens.revoke(token=tok.value)
    with pytest.raises(HttpError) as exc:
        auth.authenticate(_bearer(tok.value))
    assert exc.value.status == 401


def test_netsuite_rules_are_passed_into_the_record_service() -> None:
    rules = BusinessRules()
    records = RecordService(NetSuiteSettings(), rules)
    assert records.rules is rules
    # every record type with checks of its own is in the rules' table
    own = {name for name in build_types() if hasattr(rules, f"_{name}")}
    assert own <= set(rules.by_type), sorted(own - set(rules.by_type))
    t = _registry().get("default")
    with pytest.raises(HttpError) as exc:  # a project task needs its project
        records.create(t, records.rtype("projectTask"), {"title": "Design"}, WriteContext(base=""))
    assert exc.value.status == 400


def test_kantata_rules_come_from_one_table_checked_against_the_catalogue() -> None:
    records = Records(Catalog(), KantataSettings())
    tenant = _registry(KantataState).get("default")
    entries = records.catalog.by_collection["time_entries"]
    assert records.rules_of(entries).create is not None
    with pytest.raises(HttpError) as exc:  # the time entry rule: its workspace must exist
        records.create(
            Ctx(tenant, "1"),
            entries,
            {"workspace_id": "999", "time_in_minutes": 60, "date_performed": "2026-01-05"},
        )
    assert exc.value.status == 422 and "Workspace" in exc.value.message
    with pytest.raises(ValueError, match="no_such_collection"):
        checked({"no_such_collection": NO_RULES}, records.catalog.by_collection)


def test_salesforce_rest_resources_from_their_parts() -> None:
    """The REST resources take the record service, settings and a quota lookup, nothing
    else: the quota they report is the one handed in."""
    settings = SalesforceSettings(daily_api_requests=300)
    schema = build_schema(settings.custom_fields, settings.custom_objects)
    records = RecordService_sf(schema, BusinessRules_sf())
    quota = RollingQuota(settings.daily_api_requests)
    t = _registry().get("default")
    quota.try_consume(t.clock, 7)
    publish = PlatformEvents(records, _no_publish, _not_called)
    rest = RestResources(records, settings, lambda tenant: quota, publish)
    req = Request("GET", "/services/data/v68.0/limits", "", {})
    req.tenant = t
    body = orjson.loads(rest.limits(req).body)
    assert body["DailyApiRequests"] == {"Max": 300, "Remaining": 293}


def test_reset_rebuilds_the_dialect_state_and_drop_forgets_everything() -> None:
    sim = Simulator(SalesforceDialect())
    t = sim.tenants.get_or_create("t1")
    state = t.state
    sim.tokens.issue("t1", "u", t.clock, ttl=60)
    sim.faults.add({"tenant": "t1", "fault": {"kind": "error", "status": 503}})
    sim.reset_tenant(t)
    assert t.state is not state
    assert sim.tokens.list("t1") == [] and len(sim.faults.rules) == 1
    sim.drop_tenant("t1")
    assert sim.tenants.find("t1") is None and sim.faults.rules == []


def test_dispatch_runs_a_subrequest_without_journal_or_limits() -> None:
    sim = Simulator(SalesforceDialect())
    t = sim.tenants.get("default")
    quota = sim.dialect.limiter(t)
    assert quota is not None
    used = quota.to_dict()["used"]

    def sub(path: str) -> Request:
        req = Request("GET", path, "", {})
        req.tenant = t
        return req

    ok = asyncio.run(sim.dispatch(sub("/services/data/v68.0/limits")))
    missing = asyncio.run(sim.dispatch(sub("/services/data/v68.0/no/such/thing")))
    assert ok.status == 200
    assert missing.status == 404 and b"NOT_FOUND" in missing.body
    assert len(sim.journal) == 0 and quota.to_dict()["used"] == used
