"""``harness load PROFILE``: business-event load through the stack with Locust, journey
latency, vendor governance and its monthly projection; exit 0 when every threshold of
the profile holds, 1 when one does not, 2 for usage or configuration errors."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .._errors import ConfigurationError


def _stats_table(rows: list[dict[str, str]]) -> Table:
    t = Table(title="requests and journeys (Locust)")
    for col in ("type", "name", "count", "fail", "p50 ms", "p95 ms", "p99 ms", "req/s"):
        t.add_column(col, justify="left" if col in ("type", "name") else "right")
    for r in rows:
        t.add_row(
            r.get("Type", ""),
            r.get("Name", ""),
            r.get("Request Count", ""),
            r.get("Failure Count", ""),
            r.get("50%", ""),
            r.get("95%", ""),
            r.get("99%", ""),
            f"{float(r.get('Requests/s') or 0):.1f}",
        )
    return t


def _checks_table(verdict: dict[str, Any]) -> Table:
    t = Table(title="thresholds")
    for col in ("check", "limit", "measured", "verdict", "note"):
        t.add_column(col)
    for c in verdict.get("checks", []):
        t.add_row(
            c["check"],
            str(c["limit"]),
            "-" if c["value"] is None else str(c["value"]),
            "[green]pass[/]" if c["passed"] else "[red]FAIL[/]",
            str(c.get("note") or ""),
        )
    return t


def _ledger_table(verdict: dict[str, Any]) -> Table:
    t = Table(title="nothing lost: acknowledged / stored in the systems / delivered by the stack")
    for col in ("journey", "acknowledged", "stored", "delivered", "lost"):
        t.add_column(col, justify="left" if col == "journey" else "right")
    for c in verdict.get("ledger", []):
        lost = str(c["lost"]) if not c["lost"] else f"[red]{c['lost']}[/]"
        t.add_row(c["journey"], str(c["acknowledged"]), str(c["stored"]), str(c["delivered"]), lost)
    return t


def _governance_table(gov: dict[str, Any]) -> Table:
    t = Table(title="governance: this run, and a month at the profile's volume")
    for col in (
        "vendor",
        "requests",
        "429",
        "503",
        "peak req/s",
        "month requests",
        "quota",
        "month share",
        "peak day",
        "runs out",
    ):
        t.add_column(col, justify="left" if col in ("vendor", "quota") else "right")
    proj = {p["vendor"]: p for p in gov.get("projection", [])}
    for vendor, v in gov.get("vendors", {}).items():
        p = proj.get(vendor, {})

        def pct(x: Any) -> str:
            return "-" if x is None else f"{100 * x:.1f}%"

        t.add_row(
            vendor,
            str(v["requests"]),
            str(v["answers_429"]),
            str(v["answers_503"]),
            str(v["peak_requests_per_second"]),
            str(p.get("requests_per_month", "-")),
            str(p.get("quota", "-")),
            pct(p.get("month_share")),
            pct(p.get("peak_day_share")),
            f"day {p['runs_out_on_day']}" if p.get("runs_out_on_day") else "never",
        )
    return t


def load(
    profile: Annotated[
        Path, typer.Argument(help="Load profile (TOML), e.g. loadtests/profiles/month_end.toml.")
    ],
    target: Annotated[
        Path | None,
        typer.Option(
            help="Target file: the stack under test (default: the embedded reference integration)."
        ),
    ] = None,
    users: Annotated[
        int | None, typer.Option("-u", "--users", help="Peak number of Locust users.")
    ] = None,
    spawn_rate: Annotated[
        float | None, typer.Option("-r", "--spawn-rate", help="Users started per second.")
    ] = None,
    run_time: Annotated[
        str | None, typer.Option("-t", "--run-time", help="How long the load lasts (30s, 2m, 1h).")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Locust workers on this machine (master + N workers).")
    ] = 0,
    remote_workers: Annotated[
        int, typer.Option(help="Workers on other machines the master waits for.")
    ] = 0,
    master_bind: Annotated[
        str, typer.Option(help="Interface the master listens on for workers.")
    ] = "127.0.0.1",
    web: Annotated[
        bool, typer.Option("--web", help="Open Locust's own web UI instead of running headless.")
    ] = False,
    endpoints: Annotated[
        Path | None,
        typer.Option(
            help="Staging: an endpoints file naming the systems (any host) instead of local simulators."
        ),
    ] = None,
    credentials: Annotated[
        Path | None,
        typer.Option(
            help="Staging credentials (TOML/JSON, system -> keys); ${VAR} in the endpoints file reads the environment."
        ),
    ] = None,
    report_dir: Annotated[
        Path, typer.Option(help="Where the CSV, HTML and JSON reports go.")
    ] = Path("reports"),
) -> None:
    """Push business events through the stack with Locust and judge latency, losses and vendor quotas."""
    from ..load import LoadOptions, load_profile, parse_duration, run_load

    if (users is not None and users < 1) or (spawn_rate is not None and spawn_rate <= 0):
        raise ConfigurationError("-u and -r must be positive")
    if workers < 0 or remote_workers < 0:
        raise ConfigurationError("--workers and --remote-workers cannot be negative")
    p = load_profile(profile)
    console = Console(width=None if sys.stdout.isatty() else 150)
    command = shlex.join(["harness", "load", *sys.argv[2:]]) if sys.argv[1:2] == ["load"] else ""
    result = run_load(
        LoadOptions(
            profile=p,
            report_dir=report_dir,
            users=users,
            spawn_rate=spawn_rate,
            run_time=parse_duration(run_time) if run_time else None,
            workers=workers,
            remote_workers=remote_workers,
            master_bind=master_bind,
            web=web,
            target=target,
            endpoints=endpoints,
            credentials=credentials,
            command=command or f"harness load {profile}",
        ),
        on_phase=lambda text: console.print(f"[dim]·[/] {text}"),
    )
    if result.stats:
        console.print(_stats_table(result.stats))
    if result.governance:
        console.print(_governance_table(result.governance))
    for problem, times in ((result.governance or {}).get("clock_errors") or {}).items():
        console.print(f"[yellow]warning:[/] {problem} (x{times})", soft_wrap=True)
    if result.verdict and result.verdict.get("ledger"):
        console.print(_ledger_table(result.verdict))
    if result.verdict:
        console.print(_checks_table(result.verdict))
    if result.log_tail:
        console.print(
            f"Locust ended with code {result.exit_code}:\n{result.log_tail}", markup=False
        )
    existing = [str(p) for p in result.reports.values() if p.exists()]
    console.print("reports: " + ", ".join(existing), soft_wrap=True)
    verdict = result.verdict or {}
    console.print(
        f"load run {verdict.get('run_id', '')}: "
        + (
            "[green]passed[/]"
            if result.exit_code == 0
            else f"[red]failed[/] (exit {result.exit_code})"
        )
        + f"; seed {p.seed}; again: {command or f'harness load {profile}'}"
    )
    raise typer.Exit(result.exit_code)
