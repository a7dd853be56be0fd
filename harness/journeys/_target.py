"""The system under test: the bundled reference integration, or a stack in a target file.

A target file (TOML or JSON) describes an external stack::

    base_url = "http://127.0.0.1:8750"            # where the stack listens
    health_url = "http://127.0.0.1:8750/health"   # optional: 2xx once it is ready
    start = ["my-stack", "--endpoints", "{endpoints}"]  # optional: the harness starts and stops it
    billing_run_url = "http://127.0.0.1:8750/jobs/billing-run"  # optional: POSTed ?through=DATE
    task_url = "http://127.0.0.1:8750/tasks/{task}?wait=30"     # optional: follow a 202 {"task": id}
    startup_timeout = 30

    [webhooks]                                    # optional: the harness subscribes these
    crm = "http://127.0.0.1:8750/webhooks/crm"    # Opportunity change events (CDC)
    erp = "http://127.0.0.1:8750/webhooks/erp"    # invoice afterSubmit notifications
    psa = "http://127.0.0.1:8750/webhooks/psa"    # time_entries, expenses, stories events
    hcm = "http://127.0.0.1:8750/webhooks/hcm"    # Worker business-process notifications

``{endpoints}`` and ``{workdir}`` in ``start`` are replaced by the endpoints file the
harness wrote and a scratch directory. URLs may name any host. A ``[run]`` table may hold
the run's options (seed, journeys, https, timeouts, faults, ...): see
``harness/schemas/target.schema.json`` and docs/target-contract.md.
"""

from __future__ import annotations

import json
import os
import selectors
import shlex
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

import httpx

from .._errors import ConfigurationError, StackError
from .._schema_input import check_document, read_document
from ..stack._endpoints import admin_headers
from ._errors import JourneyFailure
from ._wire import Deadline, Recorder, Wire, http_client

#: what each system's webhook subscription carries
WEBHOOK_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "crm": ("Opportunity",),
        "erp": ("invoice",),
        "psa": ("time_entries", "expenses", "stories"),
        "hcm": ("Worker",),
    }
)


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """Where the stack under test listens and how to start, check and drive it."""

    name: str
    base_url: str | None = None
    health_url: str | None = None
    start: tuple[str, ...] | None = None
    billing_run_url: str | None = None
    #: POSTed ``?from=DATE&to=DATE``: the utilization batch to the analytics ingest
    utilization_url: str | None = None
    #: POSTed: subcontractor orders and supplier invoices between procurement and the ERP
    procurement_url: str | None = None
    task_url: str | None = None
    webhooks: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 30.0
    embedded: bool = False
    mapping: str | None = None  # the stack's mapping spec (path), else the reference one
    #: run options from the target file's ``[run]`` table (command-line options win)
    run: dict[str, Any] = field(default_factory=dict)


def serve_args(db: str) -> tuple[str, ...]:
    """The reference integration's ``serve`` arguments: the run's endpoints, a free port and
    its database ``db`` in the run's work directory."""
    return ("serve", "--endpoints", "{endpoints}", "--port", "0", "--db", f"{{workdir}}/{db}")


def embedded_spec() -> TargetSpec:
    """The bundled reference integration, started on a free port; it subscribes itself."""
    return TargetSpec(
        name="embedded reference integration",
        start=(
            sys.executable,
            "-m",
            "reference_integration",
            *serve_args("reference_integration.sqlite3"),
        ),
        embedded=True,
    )


def _resolve(value: str, base: Path) -> str:
    path = Path(value)
    return str(path if path.is_absolute() else base / path)


def _run_options(run: dict[str, Any], path: Path) -> dict[str, Any]:
    """The target file's ``[run]`` table; files it names are relative to the target file."""
    out = dict(run)
    for key in ("faults", "endpoints", "mapping"):
        if isinstance(out.get(key), str):
            out[key] = _resolve(out[key], path.parent)
    if isinstance(out.get("journeys"), str):
        out["journeys"] = [k.strip() for k in out["journeys"].split(",") if k.strip()]
    if isinstance(out.get("faults"), list):
        from ._faults import check_fault_rules

        out["faults"] = check_fault_rules(out["faults"], f"{path} [run] faults")
    return out


def load_target_file(path: Path) -> TargetSpec:
    """Read a target file (``.toml`` or ``.json``) and check it against the target schema.

    URLs may name any host: the stack under test can run in another container or on
    another machine. Unknown keys, wrong types and bad URLs are one-line errors.
    """
    doc: Any = read_document(path, "target file")
    if not isinstance(doc, dict):
        raise ConfigurationError(f"target file {path} must hold a table/object")
    if isinstance(doc.get("target"), dict):  # the stack's keys may sit under [target]
        doc = {**{k: v for k, v in doc.items() if k != "target"}, **doc["target"]}
    check_document(doc, "target", str(path))
    start = doc.get("start")
    if isinstance(start, str):
        try:
            start = shlex.split(start)
        except ValueError as exc:
            raise ConfigurationError(f"{path}: start: not a valid command line: {exc}") from None
    if doc.get("billing_run_url") and not doc.get("base_url"):
        raise ConfigurationError(f"{path}: billing_run_url needs base_url too")
    hooks: dict[str, str] = doc.get("webhooks") or {}
    return TargetSpec(
        name=str(doc.get("name") or path.name),
        start=tuple(start) if start else None,
        webhooks=dict(hooks),
        startup_timeout=float(doc.get("startup_timeout", 30.0)),
        base_url=str(doc["base_url"]).rstrip("/") if doc.get("base_url") else None,
        health_url=doc.get("health_url"),
        billing_run_url=doc.get("billing_run_url"),
        utilization_url=doc.get("utilization_url"),
        procurement_url=doc.get("procurement_url"),
        task_url=doc.get("task_url"),
        mapping=str((path.parent / str(doc["mapping"])).resolve()) if doc.get("mapping") else None,
        run=_run_options(doc.get("run") or {}, path),
    )


class Target:
    """A running stack under test: started (maybe), healthy, subscribed, drivable."""

    def __init__(
        self, spec: TargetSpec, recorder: Recorder, deadline: Deadline, workdir: Path
    ) -> None:
        self.spec = spec
        self.recorder = recorder
        self.deadline = deadline
        self.workdir = workdir
        self.log_path = workdir / "target.log"
        self.base_url = spec.base_url
        self.health_url = spec.health_url
        self.billing_run_url = spec.billing_run_url
        self.utilization_url = spec.utilization_url
        self.procurement_url = spec.procurement_url
        self.task_url = spec.task_url
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._wire: Wire | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self, endpoints_file: Path, endpoints: dict[str, Any]) -> None:
        if self.spec.start:
            self._spawn(endpoints_file)
        if self.health_url:
            self._wait_healthy()
        self._subscribe(endpoints)

    def _spawn(self, endpoints_file: Path) -> None:
        assert self.spec.start is not None
        argv = [
            a.replace("{endpoints}", str(endpoints_file)).replace("{workdir}", str(self.workdir))
            for a in self.spec.start
        ]
        self._log = self.log_path.open("wb")
        try:
            self.proc = subprocess.Popen(
                argv,
                stdout=subprocess.PIPE if self.spec.embedded else self._log,
                stderr=self._log,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        except OSError as exc:
            raise StackError(f"cannot start the target ({argv[0]}): {exc.strerror}") from None
        if self.spec.embedded:
            self._read_listening()

    def _read_listening(self) -> None:
        """The reference integration prints ``{"listening": URL}`` once it has its port."""
        assert self.proc is not None and self.proc.stdout is not None
        out = self.proc.stdout
        with selectors.DefaultSelector() as sel:
            sel.register(out, selectors.EVENT_READ)
            ready = sel.select(self.deadline.cap(self.spec.startup_timeout))
        line = out.readline() if ready else b""
        try:
            url = str(json.loads(line)["listening"])
        except (ValueError, KeyError, TypeError):
            raise StackError(
                f"the reference integration did not start: {self.tail() or line.decode(errors='replace')}",
                hint=f"its log is {self.log_path}",
            ) from None
        log = self._log
        threading.Thread(target=_drain, args=(out, log), daemon=True).start()
        self.base_url = url
        self.health_url = f"{url}/health"
        self.billing_run_url = f"{url}/jobs/billing-run"
        self.utilization_url = f"{url}/jobs/utilization-batch"
        self.procurement_url = f"{url}/jobs/procurement-sync"
        self.task_url = f"{url}/tasks/{{task}}?wait=30"

    def _wait_healthy(self) -> None:
        assert self.health_url is not None
        limit = min(self.spec.startup_timeout, max(self.deadline.remaining(), 0.0))
        stop = Deadline(limit)
        pause = threading.Event()
        last = "no answer"
        with httpx.Client(trust_env=False, timeout=5.0) as http:
            while stop.remaining() > 0:
                if self.proc is not None and self.proc.poll() is not None:
                    raise StackError(
                        f"the target exited with code {self.proc.returncode} before it was healthy: {self.tail()}",
                        hint=f"its log is {self.log_path}",
                    )
                try:
                    r = http.get(self.health_url)
                    if r.is_success:
                        return
                    last = f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    last = type(exc).__name__
                pause.wait(0.1)  # a process coming up has no event to wait on
        raise StackError(
            f"the target was not healthy at {self.health_url} within {limit:.0f}s ({last})",
            hint="check its start command and health_url, or raise startup_timeout",
        )

    def _subscribe(self, endpoints: dict[str, Any]) -> None:
        verify: Any = endpoints.get("ca_bundle") or True
        for system, url in self.spec.webhooks.items():
            ep = endpoints[system]
            with http_client(ep["admin_url"], verify, headers=admin_headers(ep)) as admin:
                r = admin.post(
                    "/subscriptions",
                    json={
                        "id": f"harness-target-{system}",
                        "url": url,
                        "types": list(WEBHOOK_TYPES[system]),
                        "tenant": ep.get("sim_tenant") or "default",
                    },
                )
            if r.status_code >= 300:
                raise StackError(
                    f"subscribing {url} to the {system} failed: {r.status_code} {r.text[:200]}"
                )

    def alive(self) -> str | None:
        """None when fine; otherwise why the target cannot be working."""
        if self.proc is not None and self.proc.poll() is not None:
            return f"the target process exited with code {self.proc.returncode}"
        return None

    def diagnose(self) -> str | None:
        """Why the target may have failed: nothing listening, or its dead letters."""
        if not self.base_url:
            return None
        try:
            with httpx.Client(trust_env=False, timeout=5.0) as http:
                if not self.spec.embedded:
                    http.get(self.base_url)
                    return None
                dead = http.get(f"{self.base_url}/dead-letters").json().get("dead_letters") or []
        except httpx.ConnectError:
            return f"nothing answers at {self.base_url}: the stack under test is not running"
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        if not dead:
            return None
        last = dead[-1]
        error = str(last.get("last_error") or last.get("error") or "")[:240]
        return (
            f"the integration dead-lettered {len(dead)} task(s), last {last.get('kind')}: {error}"
        )

    def tail(self, lines: int = 5) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return " | ".join(text.strip().splitlines()[-lines:])

    def stop(self) -> None:
        if self._wire is not None:
            self._wire.close()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()
        if self._log is not None:
            self._log.close()

    # -- driving ---------------------------------------------------------------------

    def _http(self) -> Wire:
        if self._wire is None:
            self._wire = Wire(
                "target", http_client(self.base_url or "", True), self.recorder, self.deadline
            )
        return self._wire

    def billing_run(self, through: str, follow: bool = True) -> None:
        """POST the billing run; follow its task until settled when the stack offers one."""
        if not self.billing_run_url:
            return  # the stack bills on its own schedule; the invoice wait judges it
        self._job("billing run", self.billing_run_url, {"through": through}, follow)

    def utilization_run(self, start: str, end: str, follow: bool = True) -> None:
        """POST the utilization batch for ``start``..``end`` and follow its task."""
        if not self.utilization_url:
            raise JourneyFailure(
                "the target names no utilization_url: the utilization batch cannot be asked for"
            )
        self._job("utilization batch", self.utilization_url, {"from": start, "to": end}, follow)

    def procurement_run(self, follow: bool = True) -> None:
        """POST the procurement sync (when the stack syncs on its own, it needs no URL)."""
        if self.procurement_url:
            self._job("procurement sync", self.procurement_url, {}, follow)

    def _job(self, what: str, url: str, params: dict[str, str], follow: bool) -> None:
        r = self._http().call("POST", url, params=params, expect=(200, 201, 202, 204))
        task = r.json().get("task") if r.status_code == 202 and r.content else None
        if task is None or not self.task_url or not follow:
            return
        t = (
            self._http()
            .call("GET", self.task_url.replace("{task}", str(task)), timeout=45, expect=(200,))
            .json()
        )
        if t.get("status") != "done":
            raise JourneyFailure(
                f"{what} task {task} ended {t.get('status')}: "
                f"{t.get('last_error') or t.get('error') or t}"
            )


def _drain(stream: IO[bytes], sink: IO[bytes] | None) -> None:
    """Keep the child's stdout flowing into its log after the first line."""
    for line in iter(stream.readline, b""):
        if sink is not None and not sink.closed:
            try:
                sink.write(line)
            except ValueError:  # closed while stopping
                return
