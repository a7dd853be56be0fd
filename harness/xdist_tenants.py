"""One set of simulators for every pytest-xdist worker, and a tenant of its own per worker.

The first worker that needs the harness starts the simulators in a process of their own
(``python -m harness.xdist_tenants serve``), under a file lock in the directory the
workers share; each worker then creates its tenant (named after the worker, ``gw0``...)
on every simulator through the admin API and writes an endpoints file that names that
tenant and its credentials. Workers share ports, not data: records, tokens, clocks,
events and subscriptions are per tenant. The simulators' process ends with the pytest
run that started it (the controller sends it SIGTERM; it also watches that process).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from filelock import FileLock

from ._errors import StackError
from .stack import read_endpoints, write_endpoints
from .stack._endpoints import admin_headers, simulator_endpoints

SHARED_ENDPOINTS = "harness-shared-endpoints.json"
PID_FILE = "harness-shared-simulators.pid"
LOCK_FILE = "harness-shared-simulators.lock"


def worker_endpoints(shared: Path, worker: str, *, timeout: float = 120.0) -> Path:
    """The endpoints file of ``worker``'s own tenant on the shared simulators (started
    here if no worker has yet)."""
    shared.mkdir(parents=True, exist_ok=True)
    doc_path = shared / SHARED_ENDPOINTS
    with FileLock(str(shared / LOCK_FILE), timeout=timeout):
        if not doc_path.exists():
            _start(shared, timeout)
    doc = read_endpoints(doc_path)
    mine = tenant_document(doc, worker)
    out = shared / f"endpoints-{worker}.json"
    write_endpoints(out, mine)
    return out


def tenant_document(doc: dict[str, Any], tenant: str) -> dict[str, Any]:
    """``doc`` with every simulator's entry pointing at ``tenant`` (created if new)."""
    out = dict(doc)
    verify: Any = doc.get("ca_bundle") or True
    with httpx.Client(verify=verify, trust_env=False, timeout=30) as http:
        for system, ep in simulator_endpoints(doc):
            r = http.post(
                f"{ep['admin_url']}/tenants", json={"name": tenant}, headers=admin_headers(ep)
            )
            if r.status_code not in (200, 201):
                raise StackError(
                    f"the {system} simulator refused tenant {tenant}: {r.status_code} {r.text[:200]}"
                )
            out[system] = {
                **ep,
                "sim_tenant": tenant,
                "tenant": tenant,
                **(r.json().get("credentials") or {}),
            }
    return out


def _start(shared: Path, timeout: float) -> None:
    """Start the simulators' process; return once it wrote the shared endpoints file.

    Spawned without a ``Popen`` object: the process belongs to the whole run, not to
    this worker, and the controller ends it."""
    pid = os.spawnv(
        os.P_NOWAIT,
        sys.executable,
        [
            sys.executable,
            "-m",
            "harness.xdist_tenants",
            "serve",
            "--dir",
            str(shared),
            "--watch",
            str(os.getppid()),  # the pytest controller: the workers' parent
        ],
    )
    (shared / PID_FILE).write_text(str(pid))
    end = time.monotonic() + timeout
    while not (shared / SHARED_ENDPOINTS).exists():
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            raise StackError(
                f"the shared simulators exited with status {status}; "
                f"see {shared / 'harness-shared-simulators.log'}"
            )
        if time.monotonic() > end:
            os.kill(pid, signal.SIGTERM)
            raise StackError(f"the shared simulators did not start within {timeout:.0f}s")
        time.sleep(0.1)


def stop(shared: Path) -> None:
    """End the shared simulators' process, if this run started one."""
    pid_file = shared / PID_FILE
    if not pid_file.exists():
        return
    with contextlib.suppress(ProcessLookupError, ValueError):
        os.kill(int(pid_file.read_text()), signal.SIGTERM)
    pid_file.unlink(missing_ok=True)


def serve(shared: Path, watch: int) -> None:
    """Run the simulators (TLS, free ports, the run's CRM fields) and the peripherals
    until SIGTERM or until the process ``watch`` is gone."""
    from ._config import load_config
    from .journeys._session import _crm_settings
    from .stack import Stack, StackSettings, endpoints_document

    with contextlib.suppress(OSError):  # its own session: a worker's signals are not its
        os.setsid()
    log = os.open(shared / "harness-shared-simulators.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    cfg = load_config(None)
    stack = Stack(
        StackSettings(
            port_base=None,
            https=True,
            tls_dir=shared / "harness-shared-tls",
            dialect_settings=_with_crm_fields(cfg, _crm_settings),
            vendors=dict(cfg.vendors),
            contracts="strict",
            peripherals=True,  # WireMock for the landscape journeys, when Java is there
        )
    ).start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        tmp = shared / (SHARED_ENDPOINTS + ".part")
        write_endpoints(tmp, endpoints_document(stack))
        tmp.replace(shared / SHARED_ENDPOINTS)
        while not done.wait(1.0):
            if not _alive(watch):
                break
    finally:
        stack.stop()


def _with_crm_fields(cfg: Any, crm_settings: Any) -> dict[str, Any]:
    cfg.simulators = crm_settings(cfg.simulators)
    return dict(cfg.dialect_settings())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m harness.xdist_tenants")
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the shared simulators for a pytest-xdist run")
    s.add_argument("--dir", type=Path, required=True, help="the workers' shared directory")
    s.add_argument("--watch", type=int, required=True, help="stop when this process is gone")
    args = ap.parse_args(argv)
    serve(args.dir, args.watch)


if __name__ == "__main__":
    main()
