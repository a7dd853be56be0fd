"""Start the simulators that exist, HTTP or HTTPS, in background threads.

They listen on loopback unless ``StackSettings.host`` names another address;
``advertise_host`` is the name clients reach them by (URLs, TLS certificate).

Each system (crm, erp, psa, hcm) maps to a simulator module exposing
``create_simulator(dialect_settings=None, engine_settings=None)``. Systems whose module
is not installed are skipped, so the stack grows as simulators land.
"""

from __future__ import annotations

import importlib
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulators.engine import (
    ServerOptions,
    Simulator,
    SimulatorError,
    SimulatorServer,
    SimulatorSettings,
    TlsFiles,
    make_tls_files,
    warn_if_exposed,
)

from .._errors import StackError
from ..peripherals import Peripherals, start_peripherals
from ._vendors import check_vendors, vendor_module

#: system -> (vendor, module); order is the port order from --port-base
SYSTEMS: dict[str, tuple[str, str]] = {
    "crm": ("salesforce", "simulators.salesforce"),
    "erp": ("netsuite", "simulators.netsuite"),
    "psa": ("kantata", "simulators.kantata"),
    "hcm": ("workday", "simulators.workday"),
    "procurement": ("coupa", "simulators.coupa"),
}


def _factory(module: str) -> Callable[..., Simulator] | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    return getattr(mod, "create_simulator", None)


def available_systems() -> list[str]:
    return [s for s, (_, mod) in SYSTEMS.items() if _factory(mod) is not None]


@dataclass(slots=True)
class StackSettings:
    host: str = "127.0.0.1"  # address to listen on; 0.0.0.0 or :: for every interface
    advertise_host: str | None = None  # name in URLs and the certificate (default: host)
    port_base: int | None = 8701  # None: every simulator on a free port
    https: bool = False
    tls_dir: Path | None = None
    systems: list[str] | None = None  # None: all available
    data_dir: Path | None = None
    journal_size: int = 10_000
    journal_body_bytes: int = 4096  # bodies kept per journal entry (contract checks read them)
    dialect_settings: dict[str, Any] = field(
        default_factory=dict
    )  # system -> dialect settings object
    vendors: dict[str, str] = field(default_factory=dict)  # system -> vendor if not default
    #: also start WireMock with the collaboration and analytics stubs (needs Java)
    peripherals: bool = False
    #: the admin token every simulator of the run requires (None: a fresh one per run)
    admin_token: str | None = None
    #: host names the admin APIs answer for besides loopback and ``host`` (advertised names)
    allowed_hosts: tuple[str, ...] = ()
    releases: dict[str, str] = field(default_factory=dict)  # vendor -> release served
    contracts: str = "off"  # request checks against the contracts: off | lenient | strict
    dialect_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # vendor -> by name


class Stack:
    """The running simulators of one harness run."""

    def __init__(self, settings: StackSettings | None = None) -> None:
        self.settings = settings or StackSettings()
        self.servers: dict[str, SimulatorServer] = {}
        self.tls: TlsFiles | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.peripherals: Peripherals | None = None
        #: why the peripherals are not running although asked for (one line), else None
        self.peripherals_skipped: str | None = None
        self.admin_token = self.settings.admin_token or secrets.token_urlsafe(32)

    def _build(self) -> None:
        s = self.settings
        wanted = s.systems or list(SYSTEMS)
        unknown = [x for x in wanted if x not in SYSTEMS]
        if unknown:
            raise StackError(
                f"unknown system(s) {', '.join(unknown)}", hint=f"choose from {', '.join(SYSTEMS)}"
            )
        if s.https:
            tls_dir = s.tls_dir
            if tls_dir is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="harness-tls-")
                tls_dir = Path(self._tmp.name)
            self.tls = make_tls_files(tls_dir, [s.host, s.advertise_host or ""])
        check_vendors(s.vendors)
        for index, system in enumerate(SYSTEMS):
            if system not in wanted:
                continue
            vendor, module = vendor_module(system, s.vendors.get(system))
            factory = _factory(module)
            if factory is None:
                if s.systems:
                    raise StackError(
                        f"the {system} simulator ({vendor}) is not available in this installation"
                    )
                continue
            engine = SimulatorSettings(
                journal_size=s.journal_size,
                journal_body_bytes=s.journal_body_bytes,
                data_dir=(s.data_dir / system) if s.data_dir else None,
                ca_bundle=str(self.tls.ca_bundle) if self.tls else None,
                admin_token=self.admin_token,
                allowed_hosts=tuple(s.allowed_hosts)
                + ((s.advertise_host,) if s.advertise_host else ()),
                release=s.releases.get(vendor, ""),
                contracts=s.contracts,
                dialect_options=dict(s.dialect_options.get(vendor, {})),
            )
            try:
                sim = factory(s.dialect_settings.get(system), engine)
            except SimulatorError as exc:
                raise StackError(f"the {system} simulator ({vendor}): {exc.message}") from None
            port = 0 if s.port_base is None else s.port_base + index
            try:
                self.servers[system] = SimulatorServer(
                    sim,
                    ServerOptions(
                        host=s.host, port=port, tls=self.tls, advertise_host=s.advertise_host
                    ),
                )
            except SimulatorError as exc:
                self.close_sockets()
                raise StackError(str(exc.message), hint=exc.hint) from None

    def close_sockets(self) -> None:
        for srv in self.servers.values():
            srv.sock.close()
        self.servers.clear()

    def start(self) -> Stack:
        """Start every simulator in a background thread; returns when all accept connections."""
        self._build()
        warn_if_exposed(self.settings.host)
        started: list[SimulatorServer] = []
        try:
            for srv in self.servers.values():
                started.append(srv.start_in_thread())
        except SimulatorError as exc:
            for srv in started:
                srv.stop()
            raise StackError(exc.message, hint=exc.hint) from None
        if self.settings.peripherals:
            try:
                self.peripherals, self.peripherals_skipped = start_peripherals(
                    host=self.settings.host
                )
            except Exception:
                self.stop()
                raise
        return self

    def stop(self) -> None:
        if self.peripherals is not None:
            self.peripherals.stop()
            self.peripherals = None
        for srv in self.servers.values():
            srv.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def simulator(self, system: str) -> Simulator:
        return self.servers[system].sim

    def base_url(self, system: str) -> str:
        return self.servers[system].base_url
