"""Bad input never yields a 500: malformed JSON, wrong types, unknown properties, oversized
bodies, odd paths and parameters all get NetSuite's error document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, start_simulator


def _detail(r: httpx.Response) -> dict[str, Any]:
    body = r.json()
    assert set(body) == {"type", "title", "status", "o:errorDetails"}, body
    assert body["status"] == r.status_code
    return body["o:errorDetails"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "content", [b"{", b"not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"null", b""]
)
def test_malformed_bodies(api: httpx.Client, content: bytes) -> None:
    r = api.post(
        "/record/v1/customer", content=content, headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert _detail(r)["o:errorCode"] == "INVALID_CONTENT"


@pytest.mark.parametrize(
    "body",
    [
        {"companyName": {"nested": 1}, "subsidiary": {"id": "1"}},
        {"companyName": "x", "subsidiary": "1"},
        {"companyName": "x", "subsidiary": {"id": True}},
        {"companyName": "x", "subsidiary": {"id": [1]}},
        {"companyName": "x", "subsidiary": {}},
        {"companyName": "x", "subsidiary": {"id": "1"}, "isPerson": "maybe"},
        {"companyName": "x", "subsidiary": {"id": "1"}, "creditLimit": "lots"},
        {"companyName": "x", "subsidiary": {"id": "1"}, "creditLimit": 1e400},
        {"companyName": "x" * 5000, "subsidiary": {"id": "1"}},
        {"companyName": "x", "subsidiary": {"id": "eid:"}},
        {"companyName": "x", "subsidiary": {"id": "99999999999999999999999"}},
    ],
)
def test_wrong_types(api: httpx.Client, body: dict[str, Any]) -> None:
    r = api.post("/record/v1/customer", json=body)
    assert r.status_code == 400, r.text
    assert _detail(r)["o:errorCode"] in ("INVALID_CONTENT", "USER_ERROR")


@pytest.mark.parametrize(
    "body",
    [
        {"entity": {"id": "1"}, "item": [1, 2]},
        {"entity": {"id": "1"}, "item": {"items": "x"}},
        {"entity": {"id": "1"}, "item": {"items": [1]}},
        {"entity": {"id": "1"}, "item": {"items": [{"item": {"id": "10"}, "quantity": "many"}]}},
        {"entity": 5},
        {"entity": {"id": "1"}, "tranDate": "yesterday"},
        {"entity": {"id": "1"}, "tranDate": 20240101},
    ],
)
def test_wrong_types_on_transactions(api: httpx.Client, body: dict[str, Any]) -> None:
    r = api.post("/record/v1/salesOrder", json=body)
    assert r.status_code == 400, r.text


def test_property_name_validation(api: httpx.Client) -> None:
    body = {"companyName": "x", "subsidiary": {"id": "1"}, "favouriteColour": "blue"}
    r = api.post(
        "/record/v1/customer", json=body, headers={"X-NetSuite-PropertyNameValidation": "Error"}
    )
    assert r.status_code == 400 and _detail(r)["o:errorPath"] == "favouriteColour"
    for mode in ("Warning", "Ignore"):
        r = api.post(
            "/record/v1/customer", json=body, headers={"X-NetSuite-PropertyNameValidation": mode}
        )
        assert r.status_code == 204
    r = api.post(
        "/record/v1/customer", json=body, headers={"X-NetSuite-PropertyNameValidation": "Loud"}
    )
    assert (
        r.status_code == 400 and _detail(r)["o:errorHeader"] == "X-NetSuite-PropertyNameValidation"
    )
    r = api.post(
        "/record/v1/salesOrder",
        json={"item": {"items": [{"bogus": 1}]}, "entity": {"id": "1"}},
        headers={"X-NetSuite-PropertyNameValidation": "Error"},
    )
    assert r.status_code == 400 and _detail(r)["o:errorPath"] == "item.items[0].bogus"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/record/v1/nosuchtype"),
        ("GET", "/record/v1/customer/-1"),
        ("GET", "/record/v1/customer/1.5"),
        ("GET", "/record/v1/customer/eid:nobody"),
        ("PATCH", "/record/v1/customer/424242"),
        ("DELETE", "/record/v1/customer/eid:"),
        ("GET", "/record/v1/customer/1/nosublist"),
        ("POST", "/record/v1/invoice/1/!transform/salesOrder"),
        ("GET", "/nothing/here"),
        ("PUT", "/record/v1/customer"),
        ("GET", "/record/v1/customer?limit=abc"),
        ("GET", "/record/v1/customer?offset=-3"),
        ("GET", "/record/v1/customer?q=(((("),
        ("GET", "/record/v1/customer?q=id%20BETWEEN%201"),
        ("GET", "/record/v1/customer?q=lastModifiedDate%20ON%20x"),
        ("GET", "/record/v1/customer?q=companyName%20GREATER%201"),
        ("GET", "/record/v1/customer/1?fields=nope"),
        ("GET", "/async/v1/job/1/task/2/result"),
    ],
)
def test_odd_requests_are_4xx(api: httpx.Client, method: str, path: str) -> None:
    r = api.request(method, path, json={} if method in ("PATCH", "PUT", "POST") else None)
    assert 400 <= r.status_code < 500, (path, r.status_code, r.text)
    _detail(r)


def test_missing_or_wrong_auth(erp: SimHandle) -> None:
    with httpx.Client(base_url=f"{erp.base_url}/services/rest", trust_env=False) as c:
        for headers in (
            {},
            {"Authorization": "Basic Zm9vOmJhcg=="},
            {"Authorization": 'OAuth realm="x"'},
            {
                "Authorization": 'OAuth oauth_consumer_key="a", oauth_token="b", oauth_signature_method='
                '"HMAC-SHA256", oauth_timestamp="zz", oauth_nonce="n", '
                'oauth_signature="s"'
            },
            {"Authorization": "Bearer x"},
        ):
            r = c.get("/record/v1/customer", headers=headers)
            assert r.status_code == 401 and _detail(r)["o:errorCode"] == "INVALID_LOGIN"
        r = c.post(
            "/auth/oauth2/v1/token", content=b"\xff\xfe", headers={"content-type": "text/plain"}
        )
        assert r.status_code == 400
        r = c.post(
            "/auth/oauth2/v1/token",
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": "a.b.c",
            },
        )
        assert r.status_code == 400


@pytest.fixture(scope="module")
def small_erp() -> Iterator[SimHandle]:
    from simulators.engine import SimulatorSettings
    from simulators.netsuite import create_simulator

    handle = start_simulator(
        create_simulator(engine_settings=SimulatorSettings(max_body_bytes=2048))
    )
    yield handle
    handle.close()


def test_oversized_body_is_413(small_erp: SimHandle, tba: Any) -> None:
    creds = small_erp.sim.dialect.credentials(
        small_erp.sim.tenants.get("default"), small_erp.base_url
    )
    with httpx.Client(trust_env=False) as c:
        r = c.post(
            f"{creds['rest_url']}/record/v1/customer",
            auth=tba(creds),
            json={"companyName": "x" * 5000, "subsidiary": {"id": "1"}},
        )
    assert r.status_code == 413
    assert _detail(r)["o:errorCode"] == "REQUEST_ENTITY_TOO_LARGE"


def test_suiteql_odd_input(api: httpx.Client) -> None:
    t = {"Prefer": "transient"}
    for body in (
        {"q": 5},
        [1],
        {"q": "SELECT id FROM customer WHERE id = 'x' OR 1/0"},
        {"q": "SELECT * FROM customer c, customer d, customer e, customer f"},
        {"q": "SELECT id FROM customer FETCH FIRST 5 ROWS ONLY"},
        {"q": "WITH x AS (SELECT id FROM customer) SELECT * FROM x"},
        {"q": "SELECT ROWNUM FROM customer"},
        {"q": "SELECT load_extension('x') FROM customer"},
    ):
        r = api.post("/query/v1/suiteql", json=body, headers=t)
        assert r.status_code in (200, 400), (body, r.text)
    r = api.post(
        "/query/v1/suiteql",
        json={"q": "SELECT id FROM customer"},
        headers=t,
        params={"offset": "x"},
    )
    assert r.status_code == 400
