"""The worker: takes due tasks from the inbox and runs their flows, a few at a time.

Up to ``worker_concurrency`` tasks run at once, but never two with the same ordering key
(the record they are about: one opportunity, one PSA record, one ERP record, one worker),
so each record's changes still apply in queue order. Billing runs and the other batch
tasks touch many records and run alone. A retryable failure (rate limit, outage, expired
token, prerequisite not ready) puts the task back with backoff and jitter; after
``task_attempts`` tries, or at once for an error retrying cannot fix, the task becomes a
dead letter.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from .errors import NotReady, VendorError
from .flows import (
    billing,
    closed_won,
    notify,
    procurement,
    termination,
    time_expense,
    utilization,
)
from .logs import CORRELATION_ID, get_logger
from .retry import backoff, retryable
from .services import Services
from .store import Store, Task

log = get_logger("worker")
Flow = Callable[[Services, dict[str, Any]], Awaitable[None]]


async def _psa_event(svc: Services, p: dict[str, Any]) -> None:
    subject, sid = p.get("subject_type"), str(p.get("subject_id"))
    if str(p.get("event_type", "")).endswith(":deleted"):
        return
    if subject == "TimeEntry":
        await time_expense.on_time_entry(svc, sid)
    elif subject == "Expense":
        await time_expense.on_expense(svc, sid)
    elif subject == "Story":
        await billing.on_story(svc, sid)


async def _erp_event(svc: Services, p: dict[str, Any]) -> None:
    if str(p.get("recordType", "")).lower() == "invoice" and p.get("operation") != "delete":
        if p.get("id") == "*":  # many invoices changed at once: every one we raised
            for invoice_id in svc.store.links("invoice"):
                await billing.on_erp_invoice(svc, invoice_id)
            return
        await billing.on_erp_invoice(svc, str(p["id"]))


async def _billing_run(svc: Services, p: dict[str, Any]) -> None:
    await billing.billing_run(svc, str(p["through"]))


FLOWS: dict[str, Flow] = {
    "crm.opportunity": closed_won.on_opportunity,
    "psa.event": _psa_event,
    "erp.event": _erp_event,
    "hcm.event": termination.on_business_process,
    "billing.run": _billing_run,
    "notify": notify.deliver,
    "utilization.batch": utilization.run,
    "procurement.sync": procurement.sync,
}


#: the ordering key of the tasks that run alone (they read and write many records)
EXCLUSIVE = "*"
#: due tasks looked at per pick, beyond the free slots (tasks waiting on a busy key are skipped)
_SCAN = 200


def ordering_key(task: Task) -> str:
    """What a task is about: tasks with equal keys run one at a time, in queue order."""
    p = task.payload
    if task.kind == "crm.opportunity":
        return f"crm:Opportunity:{p.get('id')}"
    if task.kind == "erp.event" or (task.kind == "psa.event" and p.get("subject_type") == "Story"):
        # an invoice's payment must not overtake the milestone task that records the
        # invoice (the payment task finds the invoice by that record): invoicing in order
        return "invoicing"
    if task.kind == "psa.event":
        return f"psa:{p.get('subject_type')}:{p.get('subject_id')}"
    if task.kind == "hcm.event":
        worker = (p.get("worker") or {}).get("id") or p.get("employeeId")
        return f"hcm:worker:{worker}" if worker else f"hcm:{task.key}"
    if task.kind == "notify":
        return f"notify:{p.get('destination')}"  # a channel's notices in order
    return EXCLUSIVE


def pick_due(store: Store, busy: set[str], free: int) -> list[Task]:
    """Due tasks to start now: ``free`` at most, none whose key is busy.

    A task waiting on a busy key keeps the later tasks of its key waiting too, so a
    record's tasks start in queue order; a task that runs alone waits for the runs in
    flight to end and holds back the tasks queued after it.
    """
    if free <= 0 or EXCLUSIVE in busy:
        return []
    picked: list[Task] = []
    busy = set(busy)
    for task in store.due(time.time(), free + _SCAN):
        key = ordering_key(task)
        if key == EXCLUSIVE:
            if not busy and not picked:
                picked.append(task)
            break
        if key in busy:
            continue
        busy.add(key)
        picked.append(task)
        if len(picked) >= free:
            break
    return picked


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class Worker:
    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.wake = asyncio.Event()
        #: notified after every task, for callers waiting on a task's outcome
        self.progress = asyncio.Condition()
        self.rng = random.Random()
        self._task: asyncio.Task[None] | None = None
        self._next_billing = (
            time.time() + svc.settings.billing_every_seconds
            if svc.settings.billing_every_seconds
            else None
        )

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run(), name="ri-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def notify(self) -> None:
        self.wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        store = self.svc.store
        limit = self.svc.settings.worker_concurrency
        running: dict[asyncio.Task[Any], str] = {}  # flow runs -> their ordering keys
        try:
            while True:
                self._schedule_billing()
                for task in pick_due(store, set(running.values()), limit - len(running)):
                    run = loop.create_task(self.process(task), name=f"ri-task-{task.id}")
                    running[run] = ordering_key(task)
                self.wake.clear()
                nxt, now = store.next_wakeup(), time.time()
                # due tasks left waiting for a busy key or a free slot start when a run ends
                timeout = 1.0 if nxt is None or nxt <= now else min(1.0, nxt - now)
                woken = loop.create_task(self.wake.wait())
                done, _ = await asyncio.wait(
                    [*running, woken], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                woken.cancel()
                for finished in done:
                    running.pop(finished, None)
        finally:
            for run in running:
                run.cancel()  # the task stays pending in the inbox and runs after a restart
            await asyncio.gather(*running, return_exceptions=True)

    def _schedule_billing(self) -> None:
        every = self.svc.settings.billing_every_seconds
        if not every or self._next_billing is None or time.time() < self._next_billing:
            return
        slot = int(time.time() // every)
        self._next_billing = time.time() + every
        through = today()
        self.svc.store.enqueue(
            "scheduler",
            "billing.run",
            f"billing:scheduled:{slot}",
            {"through": through},
            f"billing-scheduled-{slot}",
        )

    async def process(self, task: Task) -> None:
        store, policy = self.svc.store, self.svc.settings.retry
        token = CORRELATION_ID.set(task.correlation_id)
        try:
            flow = FLOWS.get(task.kind)
            if flow is None:
                store.dead_letter(task.id, f"no flow for task kind {task.kind!r}")
                return
            started = time.time()
            await flow(self.svc, task.payload)
            store.done(task.id, started)
            log.info("task done", extra={"task": task.id, "kind": task.kind})
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            again = retryable(exc) or isinstance(exc, NotReady)
            error = f"{type(exc).__name__}: {exc}"
            if again and task.attempts + 1 < policy.task_attempts:
                wait = backoff(
                    task.attempts, policy.task_base_seconds, policy.task_cap_seconds, self.rng
                )
                if isinstance(exc, VendorError) and exc.retry_after:
                    wait = max(wait, exc.retry_after)
                store.retry_later(task.id, time.time() + wait, error)
                log.warning(
                    "task will be retried",
                    extra={"task": task.id, "wait_s": round(wait, 2), "error": error},
                )
            else:
                store.dead_letter(task.id, error)
                log.error(
                    "task dead-lettered",
                    extra={"task": task.id, "kind": task.kind, "error": error},
                    exc_info=not isinstance(exc, VendorError | NotReady),
                )
        finally:
            CORRELATION_ID.reset(token)
            async with self.progress:
                self.progress.notify_all()

    async def wait_settled(self, task_id: int, timeout: float) -> None:
        """Until the task is done or dead (or the timeout passes)."""

        def settled() -> bool:
            t = self.svc.store.task(task_id)
            return t is None or t.status != "pending"

        async with self.progress:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.progress.wait_for(settled), timeout)
