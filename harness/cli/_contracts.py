"""``harness contracts diff|verify`` and ``harness rehearse``: what a vendor release changes,
whether a live sandbox drifted from its contract, and which journeys an upcoming release
breaks. Exit 0 clean, 1 breaking change / drift / broken journey, 2 bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from .._errors import ConfigurationError
from . import _checks as checks

if TYPE_CHECKING:
    from contracts import Contract

contracts_app = typer.Typer(
    help="The vendor contracts: diff two releases, verify a live sandbox.",
    no_args_is_help=True,
)

MODES = ("strict", "lenient", "off")


def release_options(items: list[str], mode: str) -> tuple[dict[str, str], str]:
    """--release VENDOR=RELEASE items and --contracts MODE, checked (ConfigurationError)."""
    from contracts import ContractError, load_contract, load_profile, parse_release_args

    if mode not in MODES:
        raise ConfigurationError(f"--contracts {mode!r}", hint=f"choose from {', '.join(MODES)}")
    try:
        releases = parse_release_args(items)
        for vendor, name in releases.items():  # read now: bad files stop the run before it starts
            load_contract(vendor, name)
            load_profile(vendor, name)
    except ContractError as exc:
        raise ConfigurationError(exc.message, hint=exc.hint or None) from None
    return releases, mode


def release_args(releases: dict[str, str], mode: str) -> str:
    """The options that play the same releases again, for the reproducing command."""
    parts = [f" --release {v}={r}" for v, r in sorted(releases.items())]
    return "".join(parts) + (f" --contracts {mode}" if mode != "strict" else "")


def _contract(vendor: str, name: str) -> Contract:
    from contracts import ContractError, load_contract

    try:
        return load_contract(vendor, name)
    except ContractError as exc:
        raise ConfigurationError(exc.message, hint=exc.hint or None) from None


@contracts_app.command("diff")
def diff_cmd(
    vendor: Annotated[str, typer.Argument(help="salesforce, netsuite, kantata or workday")],
    old: Annotated[str, typer.Argument(help="The release a stack works against today.")],
    new: Annotated[str, typer.Argument(help="The release to compare it with.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Every change from OLD to NEW, breaking ones first; exit 1 when any change breaks."""
    from contracts import diff

    changes = diff(_contract(vendor, old), _contract(vendor, new))
    breaking = [c for c in changes if c.breaking]
    if as_json:
        doc = {
            "vendor": vendor,
            "old": old,
            "new": new,
            "breaking": len(breaking),
            "changes": [c.to_dict() for c in changes],
        }
        typer.echo(json.dumps(doc, indent=2, default=str))
    else:
        typer.echo(f"{vendor} {old} -> {new}: {len(changes)} change(s), {len(breaking)} breaking")
        for c in changes:
            typer.echo("  " + c.line())
    raise typer.Exit(1 if breaking else 0)


@contracts_app.command("verify")
def verify_cmd(
    vendor: Annotated[str, typer.Argument(help="salesforce, netsuite, kantata or workday")],
    base_url: Annotated[str, typer.Option(help="The sandbox's base URL.")],
    endpoints: Annotated[
        Path, typer.Option(help="Endpoints file with the credentials (as harness up writes it).")
    ],
    release: Annotated[
        str | None,
        typer.Option(
            help="Contract release to hold it to. [default: the endpoints file's, else current]"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Read the sandbox's describe / metadata / records (never writes) and report drift."""
    from contracts import ContractError, current

    from ..release import served_release, verify

    try:
        name = release or served_release(endpoints, vendor) or current(vendor).name
    except ContractError as exc:
        raise ConfigurationError(exc.message, hint=exc.hint or None) from None
    report = verify(vendor, base_url, endpoints, _contract(vendor, name))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for line in report.lines():
            typer.echo(line)
    raise typer.Exit(1 if report.drifted else 0)


def _target_file(param: typer.CallbackParam, value: str) -> str:
    if value != "embedded":
        checks.in_file(param, Path(value))
    return value


def rehearse(
    release: Annotated[
        list[str] | None,
        typer.Option(help="Rehearse only these releases, VENDOR=RELEASE (repeatable)."),
    ] = None,
    journeys: Annotated[
        str, typer.Option(help="Comma-separated journeys: tm, fixed_fee, milestone.")
    ] = "tm,fixed_fee,milestone",
    seed: Annotated[int, typer.Option(help="Seed of the generated firm.")] = 1,
    report_dir: Annotated[Path, typer.Option(help="Where the reports go.")] = Path("reports"),
    step_timeout: Annotated[
        float, typer.Option(help="Bound on each wait for the stack's effect, in seconds.")
    ] = 15.0,
    variants: Annotated[
        bool, typer.Option("--variants/--no-variants", help="Also run every ambiguity variant.")
    ] = True,
    target: Annotated[
        str,
        typer.Option(
            help="'embedded' (the bundled reference integration) or a target file (TOML/JSON).",
            callback=_target_file,
        ),
    ] = "embedded",
) -> None:
    """Play the journeys under each upcoming release, all together, and each variant.

    Prints journey x release with the first breaking call of each failure and the contract diff
    entry that explains it; exit 1 when a journey breaks.
    """
    from ..journeys import load_target_file
    from ..release import plan_rehearsal, run_rehearsal

    releases, _ = release_options(release or [], "strict")
    from ._run import _journeys

    keys = _journeys(journeys)
    try:
        plan = plan_rehearsal(releases, variants)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    spec = None if target == "embedded" else load_target_file(Path(target))
    outcome = run_rehearsal(
        plan, keys, seed, report_dir, step_timeout, Console(), spec, "" if spec is None else target
    )
    raise typer.Exit(0 if outcome.ok else 1)
