"""Workday business-process notifications in the form Workday posts them: SOAP.

A Workday outbound subscription calls ``Receive_Notification`` (Workday's Notification.wsdl)
with a WS-Security UsernameToken carrying the Notification User Name and Password set
under Edit Subscriptions. The listener checks those credentials before it trusts anything
in the body, then reads the event, the worker and the process type into the same shape the
JSON form has, so one flow handles both.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from .errors import IntegrationError, Unprocessable

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WD = "urn:com.workday/bsvc"
_NS = {"env": SOAP_ENV, "wsse": WSSE, "wd": WD}


class NotAuthenticated(IntegrationError):
    """The WS-Security UsernameToken is missing or does not match the configured one."""


def is_soap(content_type: str) -> bool:
    return "xml" in content_type.lower()


def check_credentials(env: Element, hcm: Mapping[str, Any]) -> None:
    """The UsernameToken must match hcm ``notification_username`` / ``notification_password``."""
    want_user = str(hcm.get("notification_username") or "")
    want_pw = str(hcm.get("notification_password") or "")
    if not want_user or not want_pw:
        raise NotAuthenticated(
            "hcm notification credentials are not configured",
            hint="set notification_username and notification_password in the hcm settings "
            "(the Notification User Name and Password of the Workday subscription)",
        )
    token = env.find("env:Header/wsse:Security/wsse:UsernameToken", _NS)
    if token is None:
        raise NotAuthenticated("the notification has no WS-Security UsernameToken")
    user = token.findtext("wsse:Username", default="", namespaces=_NS)
    password = token.find("wsse:Password", _NS)
    if password is not None and not str(password.get("Type", "")).endswith("#PasswordText"):
        raise NotAuthenticated("only PasswordText UsernameTokens are accepted")
    pw = (password.text or "") if password is not None else ""
    ok_user = hmac.compare_digest(user.encode(), want_user.encode())
    ok_pw = hmac.compare_digest(pw.encode(), want_pw.encode())
    if not (ok_user and ok_pw):
        raise NotAuthenticated("the notification's WS-Security credentials do not match")


def _ref(parent: Element, name: str) -> tuple[str, dict[str, str]]:
    """(descriptor, {id type: id}) of a ``wd:*_Reference`` child."""
    el = parent.find(f"wd:{name}", _NS)
    if el is None:
        return "", {}
    ids = {str(i.get(f"{{{WD}}}type", "")): (i.text or "") for i in el.findall("wd:ID", _NS)}
    return str(el.get(f"{{{WD}}}Descriptor", "")), ids


def parse(raw: bytes, hcm: Mapping[str, Any]) -> dict[str, Any]:
    """The notification as the JSON form's dict; NotAuthenticated or Unprocessable."""
    try:
        env = SafeET.fromstring(raw)
    except Exception as exc:  # defusedxml raises ParseError and its own DTD/entity errors
        raise Unprocessable(f"the notification is not well-formed XML: {exc}") from None
    if env.tag != f"{{{SOAP_ENV}}}Envelope":
        raise Unprocessable("expected a SOAP 1.1 Envelope")
    check_credentials(env, hcm)
    op = env.find("env:Body/wd:Receive_Notification", _NS)
    if op is None:
        raise Unprocessable("the SOAP body has no Receive_Notification")
    event_desc, event_ids = _ref(op, "Event_Reference")
    data = op.find("wd:Event_Data", _NS)
    if data is None or not event_ids.get("WID"):
        raise Unprocessable("Receive_Notification needs an Event_Reference WID and Event_Data")
    bp_desc, bp_ids = _ref(data, "Business_Process_Type_Reference")
    worker_desc, worker_ids = _ref(data, "Worker_Reference")
    note: dict[str, Any] = {
        "notificationType": "BUSINESS_PROCESS_COMPLETED",
        "businessProcessType": bp_ids.get("Business_Process_Type") or bp_desc,
        "event": {"id": event_ids["WID"], "descriptor": event_desc},
        "worker": {"id": worker_ids.get("WID", ""), "descriptor": worker_desc},
        "employeeId": worker_ids.get("Employee_ID"),
        "effectiveDate": data.findtext("wd:Effective_Date", default=None, namespaces=_NS),
        "completedOn": data.findtext("wd:Completed_Moment", default=None, namespaces=_NS),
        "status": data.findtext("wd:Event_Status", default=None, namespaces=_NS),
    }
    reason_desc, reason_ids = _ref(data, "Reason_Reference")
    if reason_ids:
        note["reason"] = {"id": reason_ids.get("WID", ""), "descriptor": reason_desc}
    changed = [c.text or "" for c in data.findall("wd:Changed_Field", _NS)]
    if changed:
        note["changedFields"] = changed
    return note


def acknowledgement() -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body/>'
        b"</env:Envelope>"
    )


def fault(code: str, message: str) -> bytes:
    """A SOAP 1.1 Fault; ``wsse:FailedAuthentication`` is WS-Security's code for bad tokens."""
    from xml.sax.saxutils import escape

    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<env:Envelope xmlns:env="{SOAP_ENV}" xmlns:wsse="{WSSE}"><env:Body><env:Fault>'
        f"<faultcode>{escape(code)}</faultcode><faultstring>{escape(message)}</faultstring>"
        "</env:Fault></env:Body></env:Envelope>"
    ).encode()
