"""``harness run``: the main job. Simulators, the target, the firm from a seed, the
journeys, the cross-system invariants, and the reports; exit 0 passed, 1 failed, 2 misuse."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .._config import load_config
from .._errors import ConfigurationError
from . import _checks as checks
from ._contracts import release_args, release_options
from ._run_options import RunDefaults


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
    endpoints: Path | None = None,
    mapping: Path | None = None,
) -> str:
    """The exact command line that plays this run again."""
    argv = ["harness", "run", "--seed", str(seed), "--size", size, "--journeys", ",".join(journeys)]
    argv += ["--target", str(target)] if target else []
    argv += ["--endpoints", str(endpoints)] if endpoints else []
    argv += ["--https"] if https else []
    argv += ["--faults", str(faults)] if faults else []
    argv += ["--config", str(config)] if config else []
    argv += ["--mapping", str(mapping)] if mapping else []
    argv += ["--timeout", f"{timeout:g}"] if timeout != 300 else []
    argv += ["--step-timeout", f"{step_timeout:g}"] if step_timeout != 30 else []
    return shlex.join(argv)


def _target_option(param: typer.CallbackParam, value: str) -> str:
    if value != "embedded":
        checks.in_file(param, Path(value))
    return value


def run(
    suites: Annotated[
        list[str] | None,
        typer.Argument(
            help="Suites or journeys to play: billing, lifecycle, resilience, landscape, all."
        ),
    ] = None,
    k: Annotated[
        str | None,
        typer.Option("-k", help="Only journeys whose name or suite matches (not/and/or)."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="Mapping spec (TOML/JSON) of the stack's links.", callback=checks.in_file
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="Seed of the generated firm. [default: 1]", callback=checks.non_negative),
    ] = None,
    size: Annotated[
        str | None,
        typer.Option(
            help="Size of the firm: small, medium or large. [default: small]", callback=checks.size
        ),
    ] = None,
    journeys: Annotated[
        str | None,
        typer.Option(help="Comma-separated journeys or suites. [default: all]"),
    ] = None,
    report_dir: Annotated[
        Path | None,
        typer.Option(help="Where the reports go. [default: reports]", callback=checks.out_dir),
    ] = None,
    target: Annotated[
        str,
        typer.Option(
            help="'embedded' (the bundled reference integration) or a target file (TOML/JSON).",
            callback=_target_option,
        ),
    ] = "embedded",
    https: Annotated[
        bool,
        typer.Option(
            "--https", help="Serve the simulators over TLS (always on for the embedded target)."
        ),
    ] = False,
    faults: Annotated[
        Path | None,
        typer.Option(
            help="Fault rules to apply to the simulators first (TOML/JSON).",
            callback=checks.in_file,
        ),
    ] = None,
    endpoints: Annotated[
        Path | None,
        typer.Option(
            help="Use simulators already running (the endpoints file of a `harness up`) "
            "instead of starting them.",
            callback=checks.in_file,
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            help="Bound on the whole run, in seconds. [default: 300]", callback=checks.positive
        ),
    ] = None,
    step_timeout: Annotated[
        float | None,
        typer.Option(
            help="Bound on each wait for the stack's effect, in seconds. [default: 30]",
            callback=checks.positive,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Settings file (default: harness.toml, then [tool.harness] in pyproject.toml).",
            callback=checks.in_file,
        ),
    ] = None,
    release: Annotated[
        list[str] | None,
        typer.Option(help="Serve a vendor release, e.g. netsuite=2027.1 (repeatable)."),
    ] = None,
    contracts: Annotated[
        str, typer.Option(help="Request checks against the contracts: strict, lenient or off.")
    ] = "strict",
    compare: Annotated[
        str | None,
        typer.Option(help="'last': show each KPI against the previous run, fail on a regression."),
    ] = None,
    regression_threshold: Annotated[
        float, typer.Option(help="How much worse a time KPI may get under --compare (0.5 = 50%).")
    ] = 0.5,
    erp: Annotated[
        str | None,
        typer.Option(
            help="ERP simulator: netsuite or businesscentral. [default: the settings', netsuite]",
            callback=checks.one_of("netsuite", "businesscentral"),
        ),
    ] = None,
) -> None:
    """Play the opportunity-to-invoice journeys through the stack and judge all four systems."""
    from ..journeys import (
        EventBus,
        SessionOptions,
        check_fault_rules,
        embedded_spec,
        load_faults,
        load_target_file,
        run_journeys,
    )
    from ..reporting import (
        AllureReporter,
        ConsoleReporter,
        HtmlReporter,
        JsonSummaryReporter,
        JUnitReporter,
        KpiHistory,
    )

    cfg = load_config(config)
    cfg.dialect_settings()  # simulator sections (custom fields, ...) checked before anything starts
    target_path = None if target == "embedded" else Path(target)
    spec = embedded_spec() if target_path is None else load_target_file(target_path)
    o = RunDefaults(spec.run, f"{target_path} [run]")  # the target file's options, CLI wins
    seed = o.take("seed", seed, cfg.seed)
    size = o.take("size", size, cfg.size)
    file_journeys = o.take("journeys", None, [])
    if isinstance(file_journeys, str):
        file_journeys = [file_journeys]
    keys = _journeys(journeys or ",".join(file_journeys), suites, k)
    report_dir = Path(o.take("report_dir", report_dir, cfg.report_dir))
    https = bool(o.take("https", True if https else None, cfg.https))
    timeout = float(o.take("timeout", timeout, 300.0))
    step_timeout = float(o.take("step_timeout", step_timeout, 30.0))
    endpoints = _path(o.take("endpoints", endpoints, None))
    fault_opt = o.take("faults", faults, None)
    mapping_opt = o.take("mapping", mapping, None)
    if mapping is None and mapping_opt is not None and target_path is not None:
        mapping_opt = target_path.parent / str(mapping_opt)  # relative to the target file
    mapping = _path(mapping_opt)
    file_release = o.take("release", None, None)
    releases, contracts = release_options(
        release or ([str(file_release)] if file_release else []), contracts
    )
    if compare not in (None, "last"):
        raise ConfigurationError(f"--compare {compare!r} is not known", hint="use --compare last")
    o.finish()  # keys no option consumed are an error, never silently ignored
    problem = checks.dir_problem(report_dir)  # from a file or settings: not checked yet
    if problem:
        raise ConfigurationError(f"report_dir: {problem}")
    if isinstance(fault_opt, list):
        rules, faults = check_fault_rules(fault_opt, f"{target_path} [run] faults"), None
    else:
        faults = _path(fault_opt)
        rules = load_faults(faults) if faults else []
    if endpoints is not None:
        _check_endpoints(endpoints, spec.embedded, https)
    options = SessionOptions(
        seed=seed,
        size=size,
        https=https,
        target=spec,
        timeout=timeout,
        step_timeout=step_timeout,
        faults=rules,
        config=config,
        log_dir=report_dir,
        endpoints_file=endpoints,
        mapping=mapping,
        releases=releases,
        contracts=contracts,
        erp=erp,
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
    bus.subscribe(AllureReporter(report_dir / "allure-results"))
    history = KpiHistory(
        report_dir / "kpi-history.jsonl", compare == "last", regression_threshold, console
    )
    bus.subscribe(history)
    command = _command(
        seed,
        size,
        keys,
        target_path,
        https,
        faults,
        config,
        timeout,
        step_timeout,
        endpoints,
        mapping,
    )
    command += release_args(releases, contracts)
    command += f" --erp {erp}" if erp else ""
    result = run_journeys(options, keys, bus, command)
    console.print("reports: " + ", ".join(str(p) for p in paths.values()), soft_wrap=True)
    raise typer.Exit(0 if result.ok and not history.regressions else 1)


def _path(value: Any) -> Path | None:
    return None if value is None else Path(value)


def _check_endpoints(path: Path, embedded: bool, https: bool) -> None:
    """Simulators already running: their endpoints file must suit the run asked for."""
    from ..stack import read_endpoints

    doc = read_endpoints(path)
    missing = [s for s in ("crm", "erp", "psa", "hcm") if not isinstance(doc.get(s), dict)]
    if missing:
        raise ConfigurationError(
            f"{path} lacks {', '.join(missing)}: the journeys need all four systems",
            hint="start them with harness up (without --systems)",
        )
    if "ca_bundle" in doc:
        return
    if embedded:
        raise ConfigurationError(
            f"the simulators in {path} serve http, but the embedded reference integration "
            "needs https (its Salesforce client speaks https only)",
            hint="start them with harness up --https",
        )
    if https:
        raise ConfigurationError(
            f"--https asks for TLS but the simulators in {path} serve http",
            hint="start them with harness up --https, or drop --https",
        )
