"""Wires the run's listeners into a Locust environment (called by every locustfile).

On the process that holds the totals (a local run, or the master): the journey clock
starts with the test and stops after the stack has drained; the verdict is written and
becomes the exit code in ``quitting``. On workers: only the per-process tallies, sent
to the master with each report.
"""

from __future__ import annotations

from typing import Any

import gevent
from locust import events
from locust.runners import MasterRunner, WorkerRunner

from .clock import JOURNEY, JourneyClock
from .context import LoadContext, load_context
from .ledger import Ledger
from .state import RunState
from .verdict import drain, governance, judge, write


class RunHooks:
    def __init__(self, environment: Any, ctx: LoadContext, direct: bool) -> None:
        self.env = environment
        self.ctx = ctx
        self.direct = direct  # direct load on a simulator: no stack, no journeys
        self.state = RunState()
        self.clock: JourneyClock | None = None
        self.verdict: dict[str, Any] | None = None
        self.cursors: dict[str, int] = {}  # per-process position in a use-once pool
        runner = environment.runner
        self.leader = not isinstance(runner, WorkerRunner)
        self.state.worker = isinstance(runner, WorkerRunner)
        ev = environment.events
        ev.request.add_listener(self.on_request)
        if isinstance(runner, WorkerRunner):
            ev.report_to_master.add_listener(lambda client_id, data: self.state.report(data))
        if isinstance(runner, MasterRunner):
            ev.worker_report.add_listener(lambda client_id, data: self.state.merge(data))
        if self.leader:
            ev.test_start.add_listener(self.on_test_start)
            ev.test_stop.add_listener(self.on_test_stop)
            ev.quitting.add_listener(self.on_quitting)

    def on_request(
        self, request_type: str, name: str, response: Any = None, context: Any = None, **_: Any
    ) -> None:
        if request_type != JOURNEY:
            self.state.on_request(name, response, context)

    def on_test_start(self, environment: Any, **_: Any) -> None:
        if self.direct or self.clock is not None:
            return
        self.clock = JourneyClock(environment, self.ctx)
        self.clock.start()

    def on_test_stop(self, environment: Any, **_: Any) -> None:
        if self.verdict is not None:
            return
        counts = []
        gov: dict[str, Any] = {}
        if self.clock is not None:
            counts = drain(
                Ledger(self.ctx, self.clock),
                self.clock,
                self.state,
                float(self.ctx.profile.get("drain_timeout", 30)),
            )
            self.clock.stop()
            gov = governance(self.ctx, self.clock, self.state, counts)
            write(self.ctx, "load-governance.json", gov)
        checks = judge(self.ctx, environment.stats, counts, gov or {"projection": []})
        self.verdict = {
            "run_id": self.ctx.run_id,
            "profile": self.ctx.profile.get("name"),
            "passed": all(c["passed"] for c in checks),
            "checks": checks,
            "ledger": [c.to_dict() for c in counts],
            "latencies_measured": (
                {k: len(v) for k, v in self.clock.latencies.items()} if self.clock else {}
            ),
        }
        write(self.ctx, "load-verdict.json", self.verdict)

    def on_quitting(self, environment: Any, **_: Any) -> None:
        if self.verdict is None:
            self.on_test_stop(environment)
        assert self.verdict is not None
        environment.process_exit_code = 0 if self.verdict["passed"] else 1


def install(environment: Any, *, direct: bool = False) -> RunHooks:
    """Attach the run's listeners; the hooks object is kept on the environment."""
    existing = getattr(environment, "harness_hooks", None)
    if existing is not None:  # several locustfiles in one run share one set of hooks
        return existing
    # the locustfiles' imports block the event loop for a while; without a fresh loop
    # time, Locust's --run-time timer (spawn_later) would start from a stale clock
    gevent.get_hub().loop.update_now()
    hooks = RunHooks(environment, load_context(), direct)
    environment.harness_hooks = hooks
    return hooks


def on_init(direct: bool = False) -> None:
    """Register ``install`` for this locustfile's ``init`` event."""

    def _init(environment: Any, **_: Any) -> None:
        install(environment, direct=direct)

    events.init.add_listener(_init)
