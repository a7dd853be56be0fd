"""``harness run``: the main job. Simulators, the target, the firm from a seed, the
journeys, the cross-system invariants, and the reports; exit 0 passed, 1 failed, 2 misuse."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .._config import load_config
from .._errors import ConfigurationError
from ._contracts import release_args, release_options


def _journeys(value: str, suites: list[str] | None = None, k: str | None = None) -> list[str]:
    from ..journeys import select_journeys

    return select_journeys([*(suites or []), *[v for v in value.split(",") if v.strip()]], k)


def _command(
    seed: int,
    size: str,
    journeys: list[str],
    target: Path | None,
    https: bool,
    faults: Path | None,
    config: Path | None,
    timeout: float,
    step_timeout: float,
) -> str:
    """The exact command line that plays this run again."""
    argv = ["harness", "run", "--seed", str(seed), "--size", size, "--journeys", ",".join(journeys)]
    argv += ["--target", str(target)] if target else []
    argv += ["--https"] if https else []
    argv += ["--faults", str(faults)] if faults else []
    argv += ["--config", str(config)] if config else []
    argv += ["--timeout", f"{timeout:g}"] if timeout != 300 else []
    argv += ["--step-timeout", f"{step_timeout:g}"] if step_timeout != 30 else []
    return shlex.join(argv)


def run(
    suites: Annotated[
        list[str] | None,
        typer.Argument(help="Suites or journeys to play: billing, lifecycle, resilience, all."),
    ] = None,
    k: Annotated[
        str | None,
        typer.Option("-k", help="Only journeys whose name or suite matches (not/and/or)."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Mapping spec (TOML/JSON) of the stack's links.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the generated firm. [default: 1]")
    ] = None,
    size: Annotated[
        str | None, typer.Option(help="Size of the firm: small, medium or large. [default: small]")
    ] = None,
    journeys: Annotated[
        str, typer.Option(help="Comma-separated journeys or suites (default: all).")
    ] = "",
    report_dir: Annotated[
        Path | None, typer.Option(help="Where the reports go. [default: reports]")
    ] = None,
    target: Annotated[
        str,
        typer.Option(
            help="'embedded' (the bundled reference integration) or a target file (TOML/JSON)."
        ),
    ] = "embedded",
    https: Annotated[
        bool,
        typer.Option(
            "--https", help="Serve the simulators over TLS (always on for the embedded target)."
        ),
    ] = False,
    faults: Annotated[
        Path | None, typer.Option(help="Fault rules to apply to the simulators first (TOML/JSON).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Bound on the whole run, in seconds.")] = 300.0,
    step_timeout: Annotated[
        float, typer.Option(help="Bound on each wait for the stack's effect, in seconds.")
    ] = 30.0,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Settings file (default: harness.toml, then [tool.harness] in pyproject.toml)."
        ),
    ] = None,
    release: Annotated[
        list[str] | None,
        typer.Option(help="Serve a vendor release, e.g. netsuite=2027.1 (repeatable)."),
    ] = None,
    contracts: Annotated[
        str, typer.Option(help="Request checks against the contracts: strict, lenient or off.")
    ] = "strict",
) -> None:
    """Play the opportunity-to-invoice journeys through the stack and judge all four systems."""
    from ..data._sizes import SIZES
    from ..journeys import (
        EventBus,
        SessionOptions,
        embedded_spec,
        load_faults,
        load_target_file,
        run_journeys,
    )
    from ..reporting import ConsoleReporter, HtmlReporter, JsonSummaryReporter, JUnitReporter

    cfg = load_config(config)
    seed = cfg.seed if seed is None else seed
    size = size or cfg.size
    if size not in SIZES:
        raise ConfigurationError(f"unknown size {size!r}", hint=f"choose from {', '.join(SIZES)}")
    if timeout <= 0 or step_timeout <= 0:
        raise ConfigurationError("--timeout and --step-timeout must be positive")
    keys = _journeys(journeys, suites, k)
    releases, contracts = release_options(release or [], contracts)
    target_path = None if target == "embedded" else Path(target)
    spec = embedded_spec() if target_path is None else load_target_file(target_path)
    report_dir = report_dir or cfg.report_dir
    https = https or cfg.https
    options = SessionOptions(
        seed=seed,
        size=size,
        https=https,
        target=spec,
        timeout=timeout,
        step_timeout=step_timeout,
        faults=load_faults(faults) if faults else [],
        config=config,
        log_dir=report_dir,
        mapping=mapping,
        releases=releases,
        contracts=contracts,
    )
    bus = EventBus()
    console = Console()
    bus.subscribe(ConsoleReporter(console))
    paths = {
        "junit": report_dir / "run-junit.xml",
        "summary": report_dir / "run-summary.json",
        "html": report_dir / "run-report.html",
    }
    bus.subscribe(JUnitReporter(paths["junit"]))
    bus.subscribe(JsonSummaryReporter(paths["summary"]))
    bus.subscribe(HtmlReporter(paths["html"]))
    command = _command(seed, size, keys, target_path, https, faults, config, timeout, step_timeout)
    command += release_args(releases, contracts)
    result = run_journeys(options, keys, bus, command)
    console.print("reports: " + ", ".join(str(p) for p in paths.values()), soft_wrap=True)
    raise typer.Exit(0 if result.ok else 1)
