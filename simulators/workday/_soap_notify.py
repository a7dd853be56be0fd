"""Business-process notifications as Workday posts them: a SOAP ``Receive_Notification``.

Workday's outbound subscriptions call the subscriber's implementation of Workday's
``Notification.wsdl`` (operation ``Receive_Notification``; TIBCO's Workday plug-in docs,
"WorkdayEventProcess ... implements the Receive_Notification operation"). The endpoint is set
under Edit Subscriptions with a Notification User Name and Password, which Workday sends as
a WS-Security UsernameToken (OASIS WSS 1.0, PasswordText) that the listener must check.

Known: SOAP 1.1 envelope, the operation name, WS-Security UsernameToken. Guessed (no public
copy of Notification.wsdl): the body's element names, which follow Workday Web Services'
conventions (``urn:com.workday/bsvc``, ``*_Reference`` with ``wd:ID wd:type``)::

    <wd:Receive_Notification wd:version="v45.0">
      <wd:Event_Reference wd:Descriptor="Hire: Ada Lovelace"><wd:ID wd:type="WID">..</wd:ID>
      <wd:Event_Data>
        <wd:Business_Process_Type_Reference> <wd:Worker_Reference> (WID and Employee_ID)
        <wd:Effective_Date> <wd:Completed_Moment> <wd:Event_Status> [<wd:Reason_Reference>]
        [<wd:Changed_Field>...]
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
    "#PasswordText"
)
WD = "urn:com.workday/bsvc"
WWS_VERSION = "v45.0"
HEADERS = {"content-type": "text/xml; charset=utf-8", "soapaction": '""'}

ET.register_namespace("env", SOAP_ENV)
ET.register_namespace("wsse", WSSE)
ET.register_namespace("wd", WD)


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _reference(parent: ET.Element, name: str, descriptor: str, ids: list[tuple[str, str]]) -> None:
    ref = ET.SubElement(parent, _q(WD, name), {_q(WD, "Descriptor"): descriptor})
    for kind, value in ids:
        el = ET.SubElement(ref, _q(WD, "ID"), {_q(WD, "type"): kind})
        el.text = value


def _text(parent: ET.Element, name: str, value: Any) -> None:
    if value not in (None, ""):
        ET.SubElement(parent, _q(WD, name)).text = str(value)


def soap_notification(note: dict[str, Any], username: str, password: str) -> bytes:
    """The SOAP envelope for one notification (the facts of ``_notifications.notification``)."""
    env = ET.Element(_q(SOAP_ENV, "Envelope"))
    header = ET.SubElement(env, _q(SOAP_ENV, "Header"))
    security = ET.SubElement(header, _q(WSSE, "Security"), {_q(SOAP_ENV, "mustUnderstand"): "1"})
    token = ET.SubElement(security, _q(WSSE, "UsernameToken"))
    ET.SubElement(token, _q(WSSE, "Username")).text = username
    ET.SubElement(token, _q(WSSE, "Password"), {"Type": PASSWORD_TEXT}).text = password
    body = ET.SubElement(env, _q(SOAP_ENV, "Body"))
    op = ET.SubElement(body, _q(WD, "Receive_Notification"), {_q(WD, "version"): WWS_VERSION})
    event = note.get("event") or {}
    _reference(op, "Event_Reference", str(event.get("descriptor", "")), [("WID", event["id"])])
    data = ET.SubElement(op, _q(WD, "Event_Data"))
    bp = str(note.get("businessProcessType", ""))
    _reference(data, "Business_Process_Type_Reference", bp, [("Business_Process_Type", bp)])
    worker = note.get("worker") or {}
    ids = [("WID", str(worker.get("id", "")))]
    if note.get("employeeId"):
        ids.append(("Employee_ID", str(note["employeeId"])))
    _reference(data, "Worker_Reference", str(worker.get("descriptor", "")), ids)
    _text(data, "Effective_Date", note.get("effectiveDate"))
    _text(data, "Completed_Moment", note.get("completedOn"))
    _text(data, "Event_Status", note.get("status"))
    reason = note.get("reason")
    if isinstance(reason, dict) and reason.get("id"):
        _reference(
            data, "Reason_Reference", str(reason.get("descriptor", "")), [("WID", reason["id"])]
        )
    for name in note.get("changedFields") or ():
        _text(data, "Changed_Field", name)
    return ET.tostring(env, encoding="utf-8", xml_declaration=True)
