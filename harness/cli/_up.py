"""``harness up``: start the simulators, describe them, serve until Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from simulators.engine import WILDCARD_HOSTS

from .._config import load_config
from .._errors import HarnessError
from ..journeys import journey_simulator_sections
from ..stack import Stack, StackSettings, endpoints_document, simulator_endpoints, write_endpoints
from ..stack._probes import probe
from ..stack._sharded import ShardedStack, print_processes
from . import _checks as checks
from ._contracts import release_options


def _table(doc: dict[str, Any]) -> Table:
    table = Table(title="simulators", show_lines=True)
    for col in ("system", "vendor", "base_url", "credentials"):
        table.add_column(col)
    for system, ep in simulator_endpoints(doc):
        creds = "\n".join(
            f"{k}={v}"
            for k, v in ep.items()
            if k not in ("vendor", "base_url", "admin_url", "sim_tenant", "private_key_pem")
            and v is not None
        )
        table.add_row(system, ep["vendor"], ep["base_url"], creds)
    return table


def up(
    port_base: Annotated[
        int | None,
        typer.Option(
            help="First port: crm, erp, psa and hcm take this and the next "
            "three; 0 picks free ports. [default: 8701]",
            callback=checks.port_base,
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on: 0.0.0.0 (or ::) for every interface.",
            callback=checks.host,
        ),
    ] = "127.0.0.1",
    advertise_host: Annotated[
        str | None,
        typer.Option(
            help="Host name clients reach the simulators by: goes into the URLs of the "
            "endpoints file and the TLS certificate. [default: --host, or 127.0.0.1 for 0.0.0.0]",
            callback=checks.host,
        ),
    ] = None,
    https: Annotated[
        bool | None, typer.Option("--https/--http", help="Serve TLS with a generated local CA.")
    ] = None,
    endpoints_file: Annotated[
        Path | None,
        typer.Option(
            help="Write the systems' URLs and credentials here (JSON).", callback=checks.out_file
        ),
    ] = None,
    tls_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where to write ca.pem and the server certificate.", callback=checks.out_dir
        ),
    ] = None,
    systems: Annotated[
        str | None,
        typer.Option(help="Comma-separated subset, e.g. crm,erp.", callback=checks.systems),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Persist simulator data here across restarts.", callback=checks.out_dir),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Probe every simulator over its vendor API, write a "
            "report and exit (non-zero on failure).",
        ),
    ] = False,
    report_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where --check writes its report. [default: reports]", callback=checks.out_dir
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Load a generated firm made from this seed.", callback=checks.non_negative
        ),
    ] = None,
    size: Annotated[
        str | None,
        typer.Option(
            help="Size of the firm to load: small, medium or large.", callback=checks.size
        ),
    ] = None,
    erp: Annotated[
        str | None,
        typer.Option(help="ERP simulator: netsuite or businesscentral. [default: netsuite]"),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Settings file (default: harness.toml, then [tool.harness] "
            "in pyproject.toml; HARNESS_* variables override).",
            callback=checks.in_file,
        ),
    ] = None,
    peripherals: Annotated[
        bool,
        typer.Option(
            "--peripherals/--no-peripherals",
            help="Also run WireMock with the collaboration (Slack, Teams) and analytics "
            "(Power BI) stubs; needs Java.",
        ),
    ] = True,
    release: Annotated[
        list[str] | None,
        typer.Option(help="Serve a vendor release, e.g. salesforce=69.0 (repeatable)."),
    ] = None,
    contracts: Annotated[
        str, typer.Option(help="Request checks against the contracts: strict, lenient or off.")
    ] = "strict",
    processes: Annotated[
        int,
        typer.Option(
            help="Shard the tenants across N simulator processes behind HAProxy (0: one "
            "process, no proxy); see docs/processes.md.",
            callback=checks.non_negative,
        ),
    ] = 0,
) -> None:
    """Start the simulators (on 127.0.0.1 unless --host) and serve until Ctrl-C or SIGTERM."""
    console = Console()
    releases, contracts = release_options(release or [], contracts)
    cfg = load_config(config)
    # the simulators serve what harness run's journeys rely on, so a run can use them
    cfg.simulators = journey_simulator_sections(cfg.simulators)
    if port_base is not None:
        cfg.port_base = port_base
    if https is not None:
        cfg.https = https
    if endpoints_file is not None:
        cfg.endpoints_file = endpoints_file
    if systems is not None:
        cfg.systems = [s.strip() for s in systems.split(",") if s.strip()]
    if data_dir is not None:
        cfg.data_dir = data_dir
    if report_dir is not None:
        cfg.report_dir = report_dir
    if erp is not None:
        cfg.vendors["erp"] = erp
    endpoints_file, report_dir = cfg.endpoints_file, cfg.report_dir
    settings = StackSettings(
        host=host,
        advertise_host=advertise_host,
        port_base=cfg.port_base or None,  # 0: every simulator on a free port
        https=cfg.https,
        tls_dir=tls_dir or (Path(".harness/tls") if cfg.https else None),
        systems=cfg.systems,
        data_dir=cfg.data_dir,
        dialect_settings=cfg.dialect_settings(),
        peripherals=peripherals,
        vendors=dict(cfg.vendors),
        releases=releases,
        contracts=contracts,
    )
    stack: Any = ShardedStack(settings, processes, cfg.simulators) if processes else Stack(settings)
    stack.start()
    if stack.peripherals_skipped:
        console.print(f"peripherals skipped: {stack.peripherals_skipped}")
    try:
        doc = stack.endpoints() if processes else endpoints_document(stack)
        if seed is not None or size is not None:
            _load(console, doc, cfg.seed if seed is None else seed, size or cfg.size)
        if endpoints_file is not None:
            write_endpoints(endpoints_file, doc)
        console.print(_table(doc))
        if stack.peripherals is not None:
            console.print(f"peripherals (WireMock): {stack.peripherals.server.base_url}")
        if "ca_bundle" in doc:
            console.print(f"CA bundle: {doc['ca_bundle']}")
        if host in WILDCARD_HOSTS and not advertise_host:
            console.print(
                f"listening on every interface ({host}); the URLs name 127.0.0.1: "
                "give --advertise-host NAME for clients on other machines"
            )
        if endpoints_file is not None:
            console.print(f"endpoints file: {endpoints_file}")
        if processes:
            print_processes(console, stack)
        if check:
            _check(console, doc, report_dir)
            return
        console.print("serving; press Ctrl-C to stop")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            stop.wait(0.5)
        console.print("stopping")
    finally:
        stack.stop()


def _check(console: Console, doc: dict[str, Any], report_dir: Path | None) -> None:
    report_dir = report_dir or Path("reports")
    started = time.time()
    results = [probe(system, ep, doc.get("ca_bundle")) for system, ep in simulator_endpoints(doc)]
    ok = all(r.ok for r in results)
    report = {
        "kind": "stack-check",
        "ok": ok,
        "started_at": started,
        "duration_s": round(time.time() - started, 3),
        "systems": [r.to_dict() for r in results],
    }
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / "stack-check.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    table = Table(title="stack check")
    for col in ("system", "vendor", "result", "steps", "detail"):
        table.add_column(col)
    for r in results:
        detail = r.error or ", ".join(f"{s['step']} {s['ms']}ms" for s in r.steps)
        table.add_row(r.system, r.vendor, "ok" if r.ok else "FAILED", str(len(r.steps)), detail)
    console.print(table)
    console.print(f"report: {path}")
    if not ok:
        raise HarnessError("stack check failed", hint=f"see {path} for the failing step")


def _load(console: Console, doc: dict[str, Any], seed: int, size: str) -> None:
    """Generate the firm from ``seed`` and bulk-load it, with a progress bar per system."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..data import generate_firm
    from ..loaders import load_firm

    console.print(f"generating the {size} firm from seed {seed}")
    t0 = time.perf_counter()
    firm = generate_firm(seed, size)
    gen_s = time.perf_counter() - t0
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        tasks: dict[tuple[str, str], Any] = {}

        def on_progress(system: str, record_type: str, done: int, total: int) -> None:
            key = (system, record_type)
            if key not in tasks:
                tasks[key] = progress.add_task(f"{system} {record_type}", total=total)
            progress.update(tasks[key], completed=done)

        report = load_firm(firm, doc, on_progress=on_progress)
    loaded = ", ".join(f"{system}: {sum(c.values())}" for system, c in report.counts.items())
    console.print(
        f"seed {seed}: generated {firm.total()} records in {gen_s:.1f}s; loaded {loaded}"
        + (f" (no loader yet for {', '.join(report.skipped)})" if report.skipped else "")
    )
