"""Business-process notifications as Workday sends them: a SOAP Receive_Notification with a
WS-Security UsernameToken, posted to a real local listener.

Sources: TIBCO ActiveMatrix BusinessWorks Plug-in for Workday docs ("The WorkdayEventProcess
service uses Notification.wsdl and implements the Receive_Notification operation"; the
endpoint is configured under Edit Subscriptions with a Notification User Name and Password);
OASIS WS-Security 1.0 UsernameToken Profile (PasswordText) for the header.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree as SafeET

from harness.testing import SimHandle

from .conftest import NotificationListener, subscribed_listener

NS = {
    "env": "http://schemas.xmlsoap.org/soap/envelope/",
    "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "wd": "urn:com.workday/bsvc",
}
WD_TYPE = "{urn:com.workday/bsvc}type"


@pytest.fixture
def listener(wd: SimHandle) -> Iterator[NotificationListener]:
    with subscribed_listener(wd) as lst:
        yield lst


def _ids(ref: Element | None) -> dict[str, str]:
    assert ref is not None
    return {str(i.get(WD_TYPE)): str(i.text) for i in ref.findall("wd:ID", NS)}


def test_termination_posts_a_soap_receive_notification(
    wd: SimHandle, firm: dict[str, list[str]], listener: NotificationListener, creds: dict[str, Any]
) -> None:
    assert creds["notification_format"] == "soap"
    r = wd.admin.post(
        "/tenants/default/workday/terminate",
        json={"worker": "2011", "terminationDate": "2026-03-31"},
    )
    assert r.status_code == 200, r.text
    ((headers, raw),) = listener.wait(1)
    assert headers["content-type"] == "text/xml; charset=utf-8"
    env = SafeET.fromstring(raw)
    assert env.tag == "{http://schemas.xmlsoap.org/soap/envelope/}Envelope"
    sec = env.find("env:Header/wsse:Security", NS)
    assert (
        sec is not None
        and sec.get("{http://schemas.xmlsoap.org/soap/envelope/}mustUnderstand") == "1"
    )
    token = sec.find("wsse:UsernameToken", NS)
    assert token is not None
    assert token.findtext("wsse:Username", namespaces=NS) == creds["notification_username"]
    pw = token.find("wsse:Password", NS)
    assert pw is not None and pw.text == creds["notification_password"]
    assert str(pw.get("Type")).endswith("#PasswordText")

    op = env.find("env:Body/wd:Receive_Notification", NS)
    assert op is not None
    event = _ids(op.find("wd:Event_Reference", NS))
    data = op.find("wd:Event_Data", NS)
    assert data is not None
    assert _ids(data.find("wd:Business_Process_Type_Reference", NS)) == {
        "Business_Process_Type": "Termination"
    }
    worker = _ids(data.find("wd:Worker_Reference", NS))
    assert worker["Employee_ID"] == "2011" and len(worker["WID"]) == 32
    assert data.findtext("wd:Effective_Date", namespaces=NS) == "2026-03-31"
    assert data.findtext("wd:Event_Status", namespaces=NS) == "Successfully Completed"
    # the engine keeps the facts for polling; the event WID is the same
    evs = wd.admin.get("/tenants/default/events").json()["events"]
    assert evs[0]["payload"]["event"]["id"] == event["WID"]


def test_unknown_notification_format_is_refused() -> None:
    from simulators.workday import WorkdaySettings

    with pytest.raises(ValueError, match="notification_format must be one of soap, json"):
        WorkdaySettings(notification_format="xml").validate()
