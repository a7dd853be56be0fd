"""Outbound Messages: SOAP ``notifications`` POSTed to a listener until it acknowledges.

A workflow-style rule (object, criteria, fields, endpoint) queues a notification when a
record is created or edited to meet its criteria. The listener must answer
``<Ack>true</Ack>``; until then the message is retried with exponential backoff for up
to 24 hours on the tenant's clock. Every message is listed with its status and attempts.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import httpx
from defusedxml import ElementTree

from simulators.engine import Event, Tenant, TenantRegistry, TokenStore, check_webhook_url

from .. import _ids
from .._state import state_of
from .._wire import sf_datetime
from ._config import OutboundMessageConfig, StreamingSettings
from ._sessions import streams_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._records import RecordService
    from .._settings import SalesforceSettings

_SF_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$")
NS = "http://soap.sforce.com/2005/09/outbound"


@dataclass(slots=True)
class OutboundMessage:
    """One queued notification and its delivery history."""

    id: str
    action: str
    action_id: str
    record_type: str
    record_id: str
    endpoint_url: str
    body: bytes
    created_at: float  # tenant clock
    status: str = "pending"  # pending | delivered | failed | dropped
    attempts: int = 0
    duplicate: bool = False
    last_status: int | None = None
    last_error: str = ""
    delivered_at: float | None = None
    next_attempt_at: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.action,
            "action_id": self.action_id,
            "object": self.record_type,
            "record_id": self.record_id,
            "endpoint_url": self.endpoint_url,
            "status": self.status,
            "attempts": self.attempts,
            "duplicate": self.duplicate,
            "last_status": self.last_status,
            "last_error": self.last_error,
            "created_at": sf_datetime(self.created_at),
            "delivered_at": sf_datetime(self.delivered_at) if self.delivered_at else None,
            "history": list(self.history),
            "envelope": self.body.decode("utf-8"),
        }


@dataclass(slots=True)
class OutboundLog:
    """A tenant's outbound messages (oldest first) and its running delivery tasks."""

    messages: list[OutboundMessage] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    unsent: list[OutboundMessage] = field(default_factory=list)


class OutboundMessages:
    """Evaluates rules on every change and delivers the notifications they queue."""

    def __init__(
        self,
        tokens: TokenStore,
        tenants: TenantRegistry,
        records: RecordService,
        sf: SalesforceSettings,
        base_url: Callable[[], str],
        ca_bundle: str | None,
        settings: StreamingSettings,
    ) -> None:
        self.tokens = tokens
        self.tenants = tenants
        self.records = records
        self.schema = records.schema
        self.sf = sf
        #: the simulator's own URL (known once the server is bound): the session's server URL
        self.base_url = base_url
        self.ca_bundle = ca_bundle
        self.rules: list[OutboundMessageConfig] = sf.outbound_messages
        self.s = settings

    def check_endpoints(self, allow_remote: bool) -> None:
        for rule in self.rules:
            check_webhook_url(rule.endpoint_url, allow_remote)

    def log_of(self, tenant: Tenant) -> OutboundLog:
        state = state_of(tenant)
        if state.outbound is None:
            state.outbound = OutboundLog()
        return state.outbound

    # -- rules -----------------------------------------------------------------------

    def on_event(self, tenant: Tenant, ev: Event) -> None:
        """Queue a notification for every rule this change fires.

        A rule evaluated "created, and any time it's edited to subsequently meet criteria"
        fires on an update only when a field of its criteria changed.
        """
        if not self.rules or ev.op not in ("create", "update"):
            return
        rtype = ev.record_type.lower()
        rules = [(i, r) for i, r in enumerate(self.rules) if r.object.lower() == rtype]
        if not rules:
            return
        record = tenant.store.get(ev.record_type, ev.record_id)
        if record is None:
            return
        changed: set[str] = set()
        if ev.op == "update":
            header = ev.payload.get("data", {}).get("payload", {}).get("ChangeEventHeader", {})
            changed = {str(f).lower() for f in header.get("changedFields", [])}
        for idx, rule in rules:
            if not rule.matches(record):
                continue
            if ev.op == "update":
                if rule.evaluation == "created":
                    continue
                if rule.evaluation == "created_and_edited_to_meet" and not any(
                    c.field.lower() in changed for c in rule.conditions
                ):
                    continue
            self._queue(tenant, idx, rule, ev.record_type, ev.record_id, record)

    def _queue(
        self,
        tenant: Tenant,
        idx: int,
        rule: OutboundMessageConfig,
        record_type: str,
        record_id: str,
        record: dict[str, Any],
    ) -> None:
        lg = self.log_of(tenant)
        seq = tenant.store.next_sequence("id:04l")
        notification_id = _ids.make_id("04l", seq)
        action_id = _ids.make_id("04k", idx + 1)
        body = self.envelope(tenant, rule, action_id, [(notification_id, record)])
        msg = OutboundMessage(
            notification_id,
            rule.name,
            action_id,
            record_type,
            record_id,
            rule.endpoint_url,
            body,
            tenant.clock.time(),
        )
        lg.messages.append(msg)
        self._start(tenant, lg, msg)

    def _start(self, tenant: Tenant, lg: OutboundLog, msg: OutboundMessage) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            lg.unsent.append(msg)  # started by the next request served
            return
        task = loop.create_task(self._deliver(tenant, lg, msg))
        lg.tasks.add(task)
        task.add_done_callback(lg.tasks.discard)

    def kick(self, tenant: Tenant) -> None:
        """Start deliveries queued while no event loop was running."""
        lg = self.log_of(tenant)
        pending, lg.unsent = lg.unsent, []
        for msg in pending:
            self._start(tenant, lg, msg)

    # -- the SOAP envelope -----------------------------------------------------------

    def envelope(
        self,
        tenant: Tenant,
        rule: OutboundMessageConfig,
        action_id: str,
        notifications: list[tuple[str, dict[str, Any]]],
    ) -> bytes:
        org = str(state_of(tenant).org_id or "")
        base = self.base_url() or "https://127.0.0.1"
        version = f"{self.sf.api_version}.0"
        obj = self.schema.get(rule.object)
        type_name = obj.name if obj is not None else rule.object
        session = '<SessionId xsi:nil="true"/>'
        if rule.send_session_id:
            tok = self.tokens.issue(
                tenant.name,
                self.records.user_id(tenant),
                tenant.clock,
                ttl=self.sf.session_seconds,
                client_id="outbound",
                prefix=f"{org[:15]}!",
            )
            session = f"<SessionId>{escape(tok.value)}</SessionId>"
        items = []
        for nid, record in notifications:
            fields = []
            for name in rule.fields:
                value = _lookup(record, name)
                if value is None:
                    continue
                fields.append(f"<sf:{name}>{escape(_xml_value(value))}</sf:{name}>")
            items.append(
                f"<Notification><Id>{nid}</Id>"
                f'<sObject xsi:type="sf:{type_name}" '
                'xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
                f"{''.join(fields)}</sObject></Notification>"
            )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<soapenv:Body><notifications xmlns="{NS}">'
            f"<OrganizationId>{org}</OrganizationId>"
            f"<ActionId>{action_id}</ActionId>"
            f"{session}"
            f"<EnterpriseUrl>{escape(base)}/services/Soap/c/{version}/{org}</EnterpriseUrl>"
            f"<PartnerUrl>{escape(base)}/services/Soap/u/{version}/{org}</PartnerUrl>"
            f"{''.join(items)}"
            "</notifications></soapenv:Body></soapenv:Envelope>"
        )
        return xml.encode("utf-8")

    # -- delivery --------------------------------------------------------------------

    def _current(self, tenant: Tenant, lg: OutboundLog) -> bool:
        """False once the tenant was reset or deleted: its messages are forgotten."""
        return self.tenants.find(tenant.name) is tenant and state_of(tenant).outbound is lg

    async def _deliver(self, tenant: Tenant, lg: OutboundLog, msg: OutboundMessage) -> None:
        hub = streams_of(tenant, self.s.client_buffer, self.s.faults)
        f, rng = hub.faults, hub.rng
        if f.drop and rng.random() * 100 < f.drop:
            msg.status = "dropped"
            return
        if f.delay_ms and rng.random() * 100 < f.delay_percentage:
            await asyncio.sleep(f.delay_ms / 1000.0)
        duplicate = bool(f.duplicate) and rng.random() * 100 < f.duplicate
        await self._attempts(tenant, lg, msg)
        if duplicate and msg.status == "delivered":
            copy = OutboundMessage(
                msg.id,
                msg.action,
                msg.action_id,
                msg.record_type,
                msg.record_id,
                msg.endpoint_url,
                msg.body,
                tenant.clock.time(),
                duplicate=True,
            )
            lg.messages.append(copy)
            await self._attempts(tenant, lg, copy)

    async def _attempts(self, tenant: Tenant, lg: OutboundLog, msg: OutboundMessage) -> None:
        lifetime = self.s.outbound_lifetime_hours * 3600.0
        delay = self.s.outbound_retry_base_s
        verify: Any = self.ca_bundle or True
        headers = {
            "content-type": "text/xml; charset=utf-8",
            "soapaction": '""',
            "user-agent": "Salesforce Outbound Messaging",
        }
        async with httpx.AsyncClient(verify=verify, trust_env=False) as http:
            while self._current(tenant, lg):
                if tenant.clock.time() - msg.created_at >= lifetime:
                    msg.status = "failed"
                    msg.last_error = "not acknowledged within 24 hours; no more retries"
                    msg.next_attempt_at = None
                    return
                msg.attempts += 1
                started = time.time()
                ack = False
                try:
                    resp = await http.post(
                        msg.endpoint_url,
                        content=msg.body,
                        headers=headers,
                        timeout=self.s.outbound_timeout_s,
                    )
                    msg.last_status = resp.status_code
                    ack = resp.status_code == 200 and _acknowledged(resp.content)
                    msg.last_error = "" if ack else _why(resp.status_code, resp.content)
                except httpx.HTTPError as exc:
                    msg.last_status = None
                    msg.last_error = f"{type(exc).__name__}: {exc}"
                msg.history.append(
                    {
                        "attempt": msg.attempts,
                        "at": sf_datetime(tenant.clock.time()),
                        "status": msg.last_status,
                        "ack": ack,
                        "ms": round((time.time() - started) * 1000, 1),
                    }
                )
                if ack:
                    msg.status = "delivered"
                    msg.delivered_at = tenant.clock.time()
                    msg.next_attempt_at = None
                    return
                wait = min(self.s.outbound_retry_max_s, delay)
                msg.next_attempt_at = tenant.clock.time() + wait
                await asyncio.sleep(wait)
                delay *= 2


def _lookup(record: dict[str, Any], name: str) -> Any:
    if name in record:
        return record[name]
    lname = name.lower()
    return next((v for k, v in record.items() if k.lower() == lname), None)


def _xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and _SF_DATETIME.match(value):
        return value[:-5] + "Z"  # xsd:dateTime as the enterprise WSDL types it
    return str(value)


def _acknowledged(body: bytes) -> bool:
    try:
        root = ElementTree.fromstring(body)
    except Exception:
        return False
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "Ack":
            return (el.text or "").strip().lower() == "true"
    return False


def _why(status: int, body: bytes) -> str:
    if status != 200:
        return f"HTTP {status}"
    return "no <Ack>true</Ack> in the response"
