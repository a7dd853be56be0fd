"""The admin API's guard (token, Host, Origin, simple content types), secrets kept out of
the journal, and the bounds on what grows with use (tokens, tenants)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import Clock, SimulatorSettings, TokenStore, exposure_warning
from simulators.salesforce import create_simulator

from .._clients import refresh_form

SOAP = """<?xml version="1.0" encoding="utf-8"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">
<env:Body><urn:login><urn:username>{u}</urn:username><urn:password>{p}</urn:password></urn:login></env:Body>
</env:Envelope>"""


def _raw(crm: SimHandle) -> httpx.Client:
    """An admin client without the admin token."""
    return httpx.Client(base_url=crm.admin_url, verify=crm.ca_bundle or True, trust_env=False)


def test_admin_calls_need_the_admin_token(crm: SimHandle) -> None:
    with _raw(crm) as raw:
        r = raw.get("/tenants")
        assert r.status_code == 401 and "admin token" in r.json()["error"]["message"]
        assert "client_secret" not in r.text
        assert raw.get("/health", headers={"Authorization": "Bearer guess"}).status_code == 401
        assert raw.post("/reset").status_code == 401
    assert crm.admin.get("/tenants").status_code == 200


def test_foreign_host_and_cross_origin_requests_are_refused(crm: SimHandle) -> None:
    crm.admin.post("/tenants", json={"name": "keep-me"})
    port = crm.base_url.rsplit(":", 1)[1]
    rebind = crm.admin.get("/tenants", headers={"Host": f"rebind.evil.example:{port}"})
    assert rebind.status_code == 403 and rebind.json()["error"]["code"] == "FORBIDDEN_HOST"
    assert crm.admin.get("/health", headers={"Host": f"localhost:{port}"}).status_code == 200
    page = crm.admin.post(
        "/reset",
        content=b"{}",
        headers={"Origin": "http://evil.example", "Content-Type": "text/plain"},
    )
    assert page.status_code == 403
    simple = crm.admin.post("/reset", content=b"{}", headers={"Content-Type": "text/plain"})
    assert simple.status_code == 415
    assert "keep-me" in crm.admin.get("/tenants").text  # nothing was wiped
    same = crm.admin.get("/health", headers={"Origin": f"http://127.0.0.1:{port}"})
    assert same.status_code == 200


def test_the_journal_keeps_no_secrets(crm: SimHandle) -> None:
    creds = crm.admin.get("/tenants/default").json()["credentials"]
    c = crm.client()
    pw = c.post(
        "/services/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "username": creds["username"],
            "password": creds["password"] + creds["security_token"],
        },
    )
    rf = c.post(
        "/services/oauth2/token",
        data=refresh_form(creds),
    )
    soap = c.post(
        "/services/Soap/u/59.0",
        content=SOAP.format(u=creds["username"], p=creds["password"] + creds["security_token"]),
        headers={"SOAPAction": "login", "content-type": "text/xml"},
    )
    assert (pw.status_code, rf.status_code, soap.status_code) == (200, 200, 200)
    session = soap.text.split("<sessionId>")[1].split("</sessionId>")[0]
    export = crm.admin.get("/journal/export").text
    assert export.count("[redacted]") >= 6
    for secret in (
        creds["client_secret"],
        creds["password"],
        creds["security_token"],
        creds["refresh_token"],
        pw.json()["access_token"],
        rf.json()["access_token"],
        session,
    ):
        assert secret not in export, secret
    assert creds["username"] in export  # only secrets are cut


def test_token_store_stays_bounded() -> None:
    clock = Clock()
    store = TokenStore(max_tokens=500, keep_seconds=60)
    personal = store.issue("default", "u", clock, ttl=None)  # a credential: never evicted
    for _ in range(3000):
        store.issue("default", "u", clock, ttl=7200)
    assert len(store) <= 500 and store.evicted >= 2500
    assert store.lookup(personal.value) is personal
    short = TokenStore(keep_seconds=60)
    for _ in range(1500):
        short.issue("default", "u", clock, ttl=10)
    clock.advance(120)  # all expired for longer than keep_seconds: swept on the next issues
    for _ in range(1100):
        short.issue("default", "u", clock, ttl=10)
    assert len(short) <= 1100


@pytest.fixture
def small() -> Iterator[SimHandle]:
    h = start_simulator(create_simulator(engine=SimulatorSettings(max_tenants=3)))
    yield h
    h.close()


def test_tenants_are_bounded(small: SimHandle) -> None:
    assert small.admin.post("/tenants", json={"name": "t1"}).status_code == 201
    assert small.admin.post("/tenants", json={"name": "t2"}).status_code == 201
    r = small.admin.post("/tenants", json={"name": "t3"})
    assert r.status_code == 400 and "max_tenants" in r.json()["error"]["hint"]


def test_a_bind_beyond_loopback_warns() -> None:
    assert exposure_warning("127.0.0.1") is None and exposure_warning("::1") is None
    assert exposure_warning("localhost") is None
    line = exposure_warning("0.0.0.0")
    assert line is not None and "0.0.0.0" in line and "\n" not in line


def test_redaction_covers_every_vendors_secret_shapes() -> None:
    from simulators.engine._redact import redact_text

    workday = redact_text(
        "grant_type=refresh_token&refresh_token=wd-rt-1&client_id=c&client_secret=wd-cs"
    )
    assert "wd-rt-1" not in workday and "wd-cs" not in workday and "client_id=c" in workday
    netsuite = redact_text(
        "grant_type=client_credentials&client_assertion_type=x&client_assertion=eyJhbGc.eyJ.sig"
    )
    assert "eyJhbGc" not in netsuite
    kantata = redact_text('{"access_token": "k-at", "token_type": "bearer", "created_at": 1}')
    assert "k-at" not in kantata and "bearer" in kantata
    clipped = redact_text(
        '{"access_token":"sf-at","instance_url":"x' + "y" * 50 + "...[9000 bytes]"
    )
    assert "sf-at" not in clipped
    assert redact_text('{"Name": "Acme"}') == '{"Name": "Acme"}'
