"""The NetSuite answers no public source settles, each switched by a named setting
(docs/vendor-variants.md); the defaults are covered by the other NetSuite tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle

from .._serving import reset_after, served


@pytest.fixture(scope="module")
def variant_server() -> Iterator[SimHandle]:
    from simulators.netsuite import NetSuiteSettings, create_simulator

    settings = NetSuiteSettings(
        concurrency_response="invalid_login",
        suiteql_without_transient="accept",
        sync_idempotency_key="reject",
    )
    yield from served(create_simulator(settings))


@pytest.fixture
def erp(variant_server: SimHandle) -> Iterator[SimHandle]:
    yield from reset_after(variant_server)


def test_concurrency_as_invalid_login(api: httpx.Client, erp: SimHandle) -> None:
    # julbrs/netsuite-api-client issue #26: bursts over the concurrency limit fail as
    # 401 INVALID_LOGIN in production; the variant answers exactly as a bad login does.
    erp.admin.put("/tenants/default/netsuite/limits", json={"in_flight": 5})
    r = api.get("/record/v1/customer")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "OAuth realm"
    assert r.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    erp.admin.put("/tenants/default/netsuite/limits", json={"in_flight": 0})
    assert api.get("/record/v1/customer").status_code == 200


def test_suiteql_accepted_without_prefer_transient(api: httpx.Client) -> None:
    r = api.post("/query/v1/suiteql", json={"q": "SELECT id FROM customer"})
    assert r.status_code == 200 and r.json()["items"] == []


def test_idempotency_key_on_a_synchronous_request_refused(api: httpx.Client) -> None:
    # Oracle ties X-NetSuite-Idempotency-Key to asynchronous requests (ns-online-help
    # chapter_161251386312); this variant refuses it on a synchronous one.
    body = {"companyName": "Once", "subsidiary": {"id": "1"}}
    key = {"X-NetSuite-Idempotency-Key": "7f9d3c1e-0000-4000-8000-000000000001"}
    r = api.post("/record/v1/customer", json=body, headers=key)
    assert r.status_code == 400
    detail = r.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_HEADER"
    assert detail["o:errorHeader"] == "X-NetSuite-Idempotency-Key"
    assert api.get("/record/v1/customer").json()["totalResults"] == 0
    ok = api.post("/record/v1/customer", json=body, headers={**key, "Prefer": "respond-async"})
    assert ok.status_code == 202


def test_unknown_variant_value_is_refused() -> None:
    from simulators.netsuite import NetSuiteSettings

    with pytest.raises(ValueError, match="concurrency_response must be one of"):
        NetSuiteSettings(concurrency_response="maybe")
