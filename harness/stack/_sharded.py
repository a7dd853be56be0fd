"""``harness up --processes N``: the simulators in N processes (one store each) behind HAProxy.

Every process runs every system; a tenant lives on one process, ``crc32(name) % N``
(the default tenant included), or where it was created when that differs. HAProxy
listens on the stack's usual ports and routes each request to its tenant's process (see
``_proxy``); a thread keeps the proxy's maps in step with the tenants the processes hold,
so tenants created later through the admin API are routed within a second.
"""

from __future__ import annotations

import copy
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from simulators.engine import DEFAULT_TENANT, WILDCARD_HOSTS, TlsFiles, make_tls_files

from .._errors import StackError
from ._endpoints import admin_headers, simulator_endpoints
from ._launcher import SYSTEMS, StackSettings, available_systems
from ._proxy import Frontend, Proxy, home_process, route_keys
from ._vendors import check_vendors, vendor_module

#: how often the tenants of the processes are compared with the proxy's maps
SYNC_SECONDS = 1.0
START_TIMEOUT = 90.0


class ShardedStack:
    """N simulator processes and the proxy in front of them, for one ``harness up``."""

    def __init__(
        self,
        settings: StackSettings,
        processes: int,
        simulators: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        if processes < 1:
            raise StackError(f"--processes must be 1 or more, not {processes}")
        self.settings = settings
        self.processes = processes
        self.simulators = simulators or {}
        self.admin_token = settings.admin_token or secrets.token_urlsafe(32)
        self.workdir = Path(tempfile.mkdtemp(prefix="harness-processes-"))
        self.children: list[subprocess.Popen[bytes]] = []
        self.docs: list[dict[str, Any]] = []  # each process's endpoints document
        self.listen: list[dict[str, tuple[str, int]]] = []  # each process's system -> address
        self.proxy: Proxy | None = None
        self.keys: dict[str, str] = {}  # vendor key -> tenant, as HAProxy has them
        self.homes: dict[str, int] = {}
        #: one line per routing problem found (a vendor key two tenants share)
        self.notes: list[str] = []
        self.peripherals = None
        self.peripherals_skipped: str | None = (
            "not run with --processes" if settings.peripherals else None
        )
        self.tls: TlsFiles | None = None  # HAProxy serves TLS; the processes plain HTTP
        self._stop = threading.Event()
        self._sync: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> ShardedStack:
        Proxy.executable()  # before starting anything
        s = self.settings
        try:
            if s.https:
                self.tls = make_tls_files(
                    s.tls_dir or self.workdir / "tls", [s.host, s.advertise_host or ""]
                )
            frontends = self._frontends()
            self._start_processes({fe.system: self._url(fe.port) for fe in frontends})
            self._start_proxy(frontends)
        except BaseException:
            self.stop()
            raise
        self._sync = threading.Thread(target=self._sync_loop, name="proxy-maps", daemon=True)
        self._sync.start()
        return self

    def _frontends(self) -> list[Frontend]:
        s = self.settings
        check_vendors(s.vendors)
        wanted = s.systems or available_systems()
        out = []
        for index, system in enumerate(SYSTEMS):
            if system in wanted:
                vendor, _ = vendor_module(system, s.vendors.get(system))
                port = _free_port() if s.port_base is None else s.port_base + index
                out.append(Frontend(system, vendor, port, (), self._tls_pem()))
        return out

    def _start_processes(self, public_urls: dict[str, str]) -> None:
        s = self.settings
        for i in range(self.processes):
            spec = {
                "endpoints_file": str(self.workdir / f"process-{i}.json"),
                "public_urls": public_urls,
                "admin_token": self.admin_token,
                "systems": s.systems,
                "data_dir": str(s.data_dir / f"process-{i}") if s.data_dir else None,
                "simulators": self.simulators,
                "vendors": s.vendors,
                "releases": s.releases,
                "contracts": s.contracts,
                "allowed_hosts": [
                    *s.allowed_hosts,
                    *([s.advertise_host] if s.advertise_host else []),
                ],
            }
            path = self.workdir / f"process-{i}.spec.json"
            path.write_text(json.dumps(spec))
            log = (self.workdir / f"process-{i}.log").open("wb")
            self.children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "harness.stack._process", str(path)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
            log.close()
        deadline = time.monotonic() + START_TIMEOUT
        for i, child in enumerate(self.children):
            out = self.workdir / f"process-{i}.json"
            while not out.exists():
                if child.poll() is not None or time.monotonic() > deadline:
                    tail = (self.workdir / f"process-{i}.log").read_text(errors="replace")[-800:]
                    raise StackError(f"simulator process {i} did not start: {tail.strip()}")
                time.sleep(0.05)
            doc = json.loads(out.read_text())
            self.listen.append({k: (str(h), int(p)) for k, (h, p) in doc.pop("listen").items()})
            self.docs.append(doc)

    def _start_proxy(self, frontends: list[Frontend]) -> None:
        from simulators.workday import WorkdaySettings

        self.proxy = Proxy(
            [
                Frontend(
                    fe.system,
                    fe.vendor,
                    fe.port,
                    tuple(listen[fe.system] for listen in self.listen),
                    fe.tls_pem,
                )
                for fe in frontends
            ],
            host=self.settings.host,
            workdir=self.workdir,
            workday_prefix=WorkdaySettings().tenant_prefix,
            processes=self.processes,
        )
        for change in self._scan():
            self._record(*change)
        self.proxy.start(dict(self.keys), dict(self.homes))

    def stop(self) -> None:
        self._stop.set()
        if self._sync is not None:
            self._sync.join(5)
        if self.proxy is not None:
            self.proxy.stop()
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        for child in self.children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(5)
        self.children.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ShardedStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what clients see -------------------------------------------------------------

    def _tls_pem(self) -> Path | None:
        if self.tls is None:
            return None
        pem = self.workdir / "proxy.pem"
        if not pem.exists():
            pem.write_text(self.tls.cert_file.read_text() + self.tls.key_file.read_text())
            pem.chmod(0o600)
        return pem

    def _url(self, port: int) -> str:
        host = self.settings.advertise_host or (
            "127.0.0.1" if self.settings.host in WILDCARD_HOSTS else self.settings.host
        )
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    def base_url(self, system: str) -> str:
        assert self.proxy is not None
        return self._url(next(f.port for f in self.proxy.frontends if f.system == system))

    def process_admin_urls(self) -> list[dict[str, str]]:
        """Each process's own admin URL per system (process-wide admin calls, journals)."""
        return [
            {system: f"http://{h}:{p}/__admin" for system, (h, p) in listen.items()}
            for listen in self.listen
        ]

    def endpoints(self) -> dict[str, Any]:
        """The endpoints document of the default tenant, every URL on the proxy."""
        doc = copy.deepcopy(self.docs[home_process(DEFAULT_TENANT, self.processes)])
        if self.tls is not None:
            doc["ca_bundle"] = str(self.tls.ca_bundle)
        return doc

    # -- keeping the proxy's maps in step ----------------------------------------------

    def _scan(self) -> list[tuple[str, str, str]]:
        """Read every process's tenants; returns the map entries to add (none recorded yet)."""
        changed: list[tuple[str, str, str]] = []
        keys, homes = dict(self.keys), dict(self.homes)
        with httpx.Client(timeout=10, trust_env=False) as client:
            for i, doc in enumerate(self.docs):
                for system, ep in simulator_endpoints(doc):
                    host, port = self.listen[i][system]
                    r = client.get(
                        f"http://{host}:{port}/__admin/tenants", headers=admin_headers(ep)
                    )
                    r.raise_for_status()
                    for t in r.json().get("tenants") or []:
                        name = str(t["name"])
                        if home_process(name, self.processes) != i:
                            if name == DEFAULT_TENANT or name in homes:
                                continue  # its home holds it (or it is on two: the first wins)
                            homes[name] = i
                            changed.append(("homes.map", name, str(i)))
                        for key in route_keys(str(ep["vendor"]), t.get("credentials") or {}):
                            had = keys.get(key)
                            if had == name:
                                continue
                            if had is not None:
                                note = f"tenants {had} and {name} share the vendor key {key}"
                                if note not in self.notes:
                                    self.notes.append(note)
                                continue
                            keys[key] = name
                            changed.append(("keys.map", key, name))
        return changed

    def _record(self, map_name: str, key: str, value: str) -> None:
        if map_name == "homes.map":
            self.homes[key] = int(value)
        else:
            self.keys[key] = value

    def _sync_loop(self) -> None:
        while not self._stop.wait(SYNC_SECONDS):
            try:
                for change in self._scan():
                    assert self.proxy is not None
                    self.proxy.add(*change)  # HAProxy first: ``keys`` says what it routes
                    self._record(*change)
            except (httpx.HTTPError, StackError, OSError) as exc:
                note = f"proxy maps not refreshed: {exc}"
                if note not in self.notes:
                    self.notes.append(note)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def print_processes(console: Any, stack: ShardedStack) -> None:
    """One line per process (its own admin URLs) and one per routing note."""
    assert stack.proxy is not None
    console.print(f"HAProxy routes by tenant to {stack.processes} processes ({stack.workdir})")
    for i, urls in enumerate(stack.process_admin_urls()):
        console.print(f"process {i}: " + ", ".join(f"{k} {v}" for k, v in urls.items()))
    for note in stack.notes:
        console.print(f"routing: {note}")
