"""The ASGI service: one webhook endpoint per system, the outbox, dead letters, billing runs."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import hcm_soap, inbound
from .clients import BusinessCentralClient
from .crm_stream import CrmStream
from .erp.businesscentral import BusinessCentralErp
from .erp_subscription import InvoiceSubscription, client_state
from .errors import Unprocessable
from .logs import get_logger
from .poller import Poller
from .services import Services
from .settings import SYSTEMS, Settings
from .store import Store
from .subscriptions import subscribe_all
from .worker import Worker, today

log = get_logger("app")
_SAFE = re.compile(r"[^A-Za-z0-9._:-]")


class Integration:
    """Everything one running instance owns: store, clients, worker, poller."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.db_path)
        self.svc = Services.build(settings, self.store)
        self.worker = Worker(self.svc)
        polled = tuple(s for s in ("crm", "psa", "erp") if settings.intake(s) == "poll")
        self.poller = Poller(self.svc, self.worker.notify, polled) if polled else None
        self.stream = (
            CrmStream(self.svc, self.enqueue) if settings.crm_intake_mode == "cometd" else None
        )
        #: the systems whose changes are pushed to /webhooks/{system}
        self.webhooks = tuple(s for s in SYSTEMS if settings.intake(s) == "webhook")
        #: Business Central: the vendor's own webhook subscription, not the simulator admin's
        self.erp_subscription = (
            InvoiceSubscription(settings, self.svc.erp)
            if "erp" in self.webhooks and isinstance(self.svc.erp, BusinessCentralClient)
            else None
        )
        if self.erp_subscription is not None and isinstance(self.svc.erp_port, BusinessCentralErp):
            self.svc.erp_port.on_company = self.erp_subscription.add_company

    async def start(self) -> None:
        self.worker.start()
        if self.poller is not None:
            self.poller.start()
        if self.stream is not None:
            await self.stream.start()
        admin_hooks = tuple(s for s in self.webhooks if s != "erp" or self.erp_subscription is None)
        if admin_hooks:
            await subscribe_all(self.settings, admin_hooks)
        if self.erp_subscription is not None:  # its handshake needs the server listening
            self.erp_subscription.start()

    async def stop(self) -> None:
        if self.erp_subscription is not None:
            await self.erp_subscription.stop()
        if self.stream is not None:
            await self.stream.stop()
        if self.poller is not None:
            await self.poller.stop()
        await self.worker.stop()
        await self.svc.aclose()
        self.store.close()

    def enqueue(self, source: str, parsed: inbound.Parsed, correlation: str) -> list[int]:
        ids = []
        for kind, key, payload in parsed:
            cid = correlation or _SAFE.sub("-", key)
            task_id, _ = self.store.enqueue(
                source, kind, key, payload, cid, reopen_done=source in inbound.REOPEN_WHEN_DONE
            )
            ids.append(task_id)
        self.worker.notify()
        return ids


def _with_client_state(parsed: inbound.Parsed, state: str) -> tuple[inbound.Parsed, int]:
    """The notifications carrying our subscription's clientState, and how many did not."""
    kept = [t for t in parsed if t[2].get("clientState") == state]
    return kept, len(parsed) - len(kept)


def create_app(settings: Settings) -> Starlette:
    ri = Integration(settings)

    async def webhook(request: Request) -> Response:
        system = request.path_params["system"]
        parser = inbound.PARSERS.get(system)
        if parser is None:
            return JSONResponse({"error": f"no webhook for {system!r}"}, 404)
        if system == "hcm" and hcm_soap.is_soap(request.headers.get("content-type", "")):
            return await soap_notification(request)
        if system == "erp" and "validationToken" in request.query_params:
            # Business Central's subscription handshake: echo the token
            return PlainTextResponse(request.query_params["validationToken"])
        try:
            body = await request.json()
            parsed = parser(body)
        except ValueError:
            return JSONResponse({"error": "body is not JSON"}, 400)
        except Unprocessable as exc:
            return JSONResponse({"error": str(exc)}, 400)
        if system == "erp" and settings.erp_vendor == "businesscentral":
            parsed, refused = _with_client_state(parsed, client_state(settings))
            if refused:
                log.warning(
                    "erp notifications without our clientState refused", extra={"n": refused}
                )
                if not parsed:
                    return JSONResponse({"error": "clientState does not match"}, 401)
        corr = request.headers.get("x-correlation-id", "")
        ids = ri.enqueue(system, parsed, corr)
        return JSONResponse({"accepted": len(ids), "tasks": ids})

    async def soap_notification(request: Request) -> Response:
        """Workday's SOAP Receive_Notification: check WS-Security, then enqueue as JSON would."""
        xml = "text/xml; charset=utf-8"
        try:
            note = hcm_soap.parse(await request.body(), settings.hcm)
            parsed = inbound.hcm(note)
        except hcm_soap.NotAuthenticated as exc:
            log.warning("hcm notification refused", extra={"reason": str(exc)})
            body = hcm_soap.fault("wsse:FailedAuthentication", str(exc))
            return Response(body, 500, media_type=xml)
        except Unprocessable as exc:
            return Response(hcm_soap.fault("env:Client", str(exc)), 500, media_type=xml)
        ri.enqueue("hcm", parsed, request.headers.get("x-correlation-id", ""))
        return Response(hcm_soap.acknowledgement(), 200, media_type=xml)

    async def events(request: Request) -> JSONResponse:
        after = int(request.query_params.get("after", "0") or 0)
        limit = min(int(request.query_params.get("limit", "100") or 100), 1000)
        evs = ri.store.events(after, limit)
        return JSONResponse({"count": len(evs), "events": evs})

    async def dead_letters(request: Request) -> JSONResponse:
        items = [t.to_dict() for t in ri.store.dead_letters()]
        return JSONResponse({"count": len(items), "dead_letters": items})

    async def replay(request: Request) -> JSONResponse:
        ids = ri.store.replay(int(request.path_params["id"]))
        if not ids:
            return JSONResponse({"error": "no such dead letter"}, 404)
        ri.worker.notify()
        return JSONResponse({"replayed": ids})

    async def billing_run(request: Request) -> JSONResponse:
        through = request.query_params.get("through") or today()
        try:
            date.fromisoformat(through)
        except ValueError:
            return JSONResponse({"error": "through must be a date YYYY-MM-DD"}, 400)
        import uuid

        key = f"billing:{through}:{uuid.uuid4().hex}"
        corr = request.headers.get("x-correlation-id") or f"billing-run-{through}"
        task_id, _ = ri.store.enqueue("api", "billing.run", key, {"through": through}, corr)
        ri.worker.notify()
        return JSONResponse({"task": task_id, "through": through}, 202)

    async def utilization_batch(request: Request) -> JSONResponse:
        """Queue the utilization batch for ``from``..``to`` (default: yesterday)."""
        yesterday = (date.fromisoformat(today()) - timedelta(days=1)).isoformat()
        start = request.query_params.get("from") or yesterday
        end = request.query_params.get("to") or start
        try:
            if date.fromisoformat(start) > date.fromisoformat(end):
                return JSONResponse({"error": "from must not be after to"}, 400)
        except ValueError:
            return JSONResponse({"error": "from and to must be dates YYYY-MM-DD"}, 400)
        if ri.svc.powerbi is None:
            return JSONResponse({"error": "no analytics ingest is configured"}, 409)
        key = f"utilization:{start}:{end}"
        corr = request.headers.get("x-correlation-id") or f"utilization-{start}-{end}"
        task_id, _ = ri.store.enqueue(
            "api", "utilization.batch", key, {"from": start, "to": end}, corr
        )
        ri.worker.notify()
        return JSONResponse({"task": task_id, "from": start, "to": end}, 202)

    async def procurement_sync(request: Request) -> JSONResponse:
        """Queue a procurement sync: orders for staffed subcontractors, supplier invoices
        booked in the ERP."""
        if ri.svc.coupa is None:
            return JSONResponse({"error": "no procurement system is configured"}, 409)
        import uuid

        key = f"procurement:{uuid.uuid4().hex}"
        corr = request.headers.get("x-correlation-id") or "procurement-sync"
        task_id, _ = ri.store.enqueue("api", "procurement.sync", key, {}, corr)
        ri.worker.notify()
        return JSONResponse({"task": task_id}, 202)

    async def task(request: Request) -> JSONResponse:
        """A task; ``?wait=S`` long-polls up to S seconds until it is done or dead."""
        wait = min(float(request.query_params.get("wait", "0") or 0), 120.0)
        if wait > 0:
            await ri.worker.wait_settled(int(request.path_params["id"]), wait)
        t = ri.store.task(int(request.path_params["id"]))
        if t is None:
            return JSONResponse({"error": "no such task"}, 404)
        return JSONResponse(t.to_dict())

    async def health(request: Request) -> JSONResponse:
        out: dict[str, Any] = {
            "status": "UP",
            "mode": settings.mode,
            "crm_intake": settings.crm_intake_mode,
            "inbox": ri.store.counts(),
        }
        return JSONResponse(out)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await ri.start()
        log.info("started", extra={"webhooks": f"{settings.webhook_base}/webhooks/{{system}}"})
        try:
            yield
        finally:
            await ri.stop()

    app = Starlette(
        routes=[
            Route("/webhooks/{system}", webhook, methods=["POST"]),
            Route("/events", events, methods=["GET"]),
            Route("/dead-letters", dead_letters, methods=["GET"]),
            Route("/dead-letters/{id:int}/replay", replay, methods=["POST"]),
            Route("/jobs/billing-run", billing_run, methods=["POST"]),
            Route("/jobs/utilization-batch", utilization_batch, methods=["POST"]),
            Route("/jobs/procurement-sync", procurement_sync, methods=["POST"]),
            Route("/tasks/{id:int}", task, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.integration = ri
    return app
