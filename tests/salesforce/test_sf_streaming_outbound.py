"""Outbound Messages: the SOAP notification reaches a loopback listener, is retried while
the listener fails, and stops once it answers <Ack>true</Ack>."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from defusedxml import ElementTree

from harness.testing import SimHandle, start_simulator
from simulators.engine import TlsFiles
from simulators.salesforce import SalesforceSettings, create_simulator
from simulators.salesforce.streaming import OutboundMessageConfig, StreamingSettings

from .._clients import crm_client

OM = "http://soap.sforce.com/2005/09/outbound"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SF = "urn:sobject.enterprise.soap.sforce.com"
ACK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    b'<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">'
    b"<Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>"
)


class SoapListener:
    """A loopback SOAP listener answering from a script of (status, body), then Ack."""

    def __init__(self) -> None:
        listener = self
        self.received: list[tuple[bytes, dict[str, str]]] = []
        self.script: list[tuple[int, bytes]] = []
        self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with listener.lock:
                    listener.received.append(
                        (body, {k.lower(): v for k, v in self.headers.items()})
                    )
                    status, answer = listener.script.pop(0) if listener.script else (200, ACK)
                self.send_response(status)
                self.send_header("content-type", "text/xml; charset=utf-8")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sfdc/notifications"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def wait_for(self, n: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < n and time.monotonic() < deadline:
            time.sleep(0.02)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[SoapListener]:
    s = SoapListener()
    yield s
    s.close()


@pytest.fixture(scope="module")
def sim(tls_files: TlsFiles, listener: SoapListener) -> Iterator[SimHandle]:
    settings = SalesforceSettings(
        outbound_messages=[
            OutboundMessageConfig(
                name="Closed_Won_To_ERP",
                object="Opportunity",
                endpoint_url=listener.url,
                fields=["Id", "Name", "StageName", "Amount", "AccountId", "IsWon", "CloseDate"],
                criteria="StageName = 'Closed Won'",
            )
        ],
        streaming=StreamingSettings(outbound_retry_base_s=0.05, outbound_retry_max_s=0.2),
    )
    handle = start_simulator(create_simulator(settings), tls_files)
    yield handle
    handle.close()


@pytest.fixture
def crm(sim: SimHandle, listener: SoapListener) -> Iterator[SimHandle]:
    with listener.lock:
        listener.received.clear()
        listener.script.clear()
    yield sim
    sim.reset()


def _api(crm: SimHandle) -> httpx.Client:
    return crm_client(crm, headers={"connection": "close"})  # no idle TLS left at shutdown


def _opportunity(api: httpx.Client, stage: str = "Negotiation/Review") -> str:
    acc = api.post("/services/data/v68.0/sobjects/Account/", json={"Name": "Stark"}).json()["id"]
    r = api.post(
        "/services/data/v68.0/sobjects/Opportunity/",
        json={
            "Name": "Stark PMO",
            "StageName": stage,
            "CloseDate": "2026-12-31",
            "AccountId": acc,
            "Amount": 120000,
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _messages(crm: SimHandle) -> list[dict[str, Any]]:
    return crm.admin.get("/tenants/default/outbound-messages").json()["messages"]


def _wait_status(crm: SimHandle, status: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        msgs = _messages(crm)
        if (msgs and msgs[0]["status"] == status) or time.monotonic() > deadline:
            return msgs[0] if msgs else {}
        time.sleep(0.02)


def test_closed_won_notification_retried_until_acknowledged(
    crm: SimHandle, listener: SoapListener
) -> None:
    listener.script = [(500, b"down"), (200, b"<html>proxy error</html>"), (503, b"")]
    api = _api(crm)
    opp = _opportunity(api)
    assert listener.count() == 0 and _messages(crm) == []  # criteria not met yet
    r = api.patch(
        f"/services/data/v68.0/sobjects/Opportunity/{opp}", json={"StageName": "Closed Won"}
    )
    assert r.status_code == 204
    msg = _wait_status(crm, "delivered")
    assert msg["status"] == "delivered" and msg["attempts"] == 4
    assert [h["status"] for h in msg["history"]] == [500, 200, 503, 200]
    assert [h["ack"] for h in msg["history"]] == [False, False, False, True]
    time.sleep(0.5)
    assert listener.count() == 4  # no more attempts after the Ack

    body, headers = listener.received[-1]
    assert headers["content-type"].startswith("text/xml")
    assert "soapaction" in headers
    root = ElementTree.fromstring(body)
    n = root.find(f".//{{{OM}}}notifications")
    assert n is not None
    org = crm.admin.get("/tenants/default").json()["credentials"]["org_id"]
    assert n.findtext(f"{{{OM}}}OrganizationId") == org
    assert (n.findtext(f"{{{OM}}}ActionId") or "").startswith("04k")
    assert n.find(f"{{{OM}}}SessionId").get(f"{{{XSI}}}nil") == "true"
    assert n.findtext(f"{{{OM}}}PartnerUrl") == f"{crm.base_url}/services/Soap/u/68.0/{org}"
    assert n.findtext(f"{{{OM}}}EnterpriseUrl") == f"{crm.base_url}/services/Soap/c/68.0/{org}"
    (note,) = n.findall(f"{{{OM}}}Notification")
    assert (note.findtext(f"{{{OM}}}Id") or "").startswith("04l")
    sobj = note.find(f"{{{OM}}}sObject")
    assert sobj is not None and sobj.get(f"{{{XSI}}}type") == "sf:Opportunity"
    assert sobj.findtext(f"{{{SF}}}Id") == opp
    assert sobj.findtext(f"{{{SF}}}StageName") == "Closed Won"
    assert sobj.findtext(f"{{{SF}}}IsWon") == "true"
    assert sobj.findtext(f"{{{SF}}}Name") == "Stark PMO"

    # edited again while still meeting the criteria: no new notification
    api.patch(f"/services/data/v68.0/sobjects/Opportunity/{opp}", json={"Amount": 130000})
    time.sleep(0.2)
    assert len(_messages(crm)) == 1


def test_created_meeting_criteria_notifies_once(crm: SimHandle, listener: SoapListener) -> None:
    _opportunity(_api(crm), stage="Closed Won")
    msg = _wait_status(crm, "delivered")
    assert msg["attempts"] == 1 and listener.count() == 1


def test_retries_stop_after_24_hours_on_the_simulator_clock(
    crm: SimHandle, listener: SoapListener
) -> None:
    listener.script = [(500, b"down")] * 1000
    _opportunity(_api(crm), stage="Closed Won")
    listener.wait_for(2)
    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 24 * 3600 + 1})
    msg = _wait_status(crm, "failed")
    assert msg["status"] == "failed" and "24 hours" in msg["last_error"]
    seen = listener.count()
    time.sleep(0.5)
    assert listener.count() == seen
