"""``harness data``: generate the canonical firm and write it to files."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from harness.data import (
    DEFAULT_AS_OF,
    SIZES,
    DataError,
    Format,
    SizeSpec,
    generate_firm,
    resolve_size,
    write_firm,
)

from . import _checks as checks

data_app = typer.Typer(
    help="Generate a realistic professional-services firm from one seed.",
    no_args_is_help=True,
    add_completion=False,
)


@data_app.callback()
def _data() -> None:
    """Generate a realistic professional-services firm from one seed."""


def _fail(error: DataError) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(code=2)


def _size(
    name: str, consultants: int | None, accounts: int | None, opportunities: int | None
) -> SizeSpec:
    overrides = {
        key: value
        for key, value in (
            ("consultants", consultants),
            ("accounts", accounts),
            ("opportunities", opportunities),
        )
        if value is not None
    }
    base = resolve_size("small" if name == "custom" else name)
    return base.with_counts(**overrides) if overrides else base


class _Bars:
    """A rich progress bar per stage, fed by the generator's and writer's callbacks."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        task = self._tasks.get(stage)
        if task is None:
            task = self._progress.add_task(stage, total=total)
            self._tasks[stage] = task
        self._progress.update(task, completed=done, total=total)


@data_app.command("generate")
def generate(
    seed: Annotated[
        int | None,
        typer.Option(
            help="Seed of the whole firm; a random one is chosen and printed if omitted.",
            callback=checks.non_negative,
        ),
    ] = None,
    size: Annotated[
        str, typer.Option(help="small, medium, large, or custom (see counts).")
    ] = "small",
    out: Annotated[
        Path,
        typer.Option(help="Directory to write one file per entity into.", callback=checks.out_dir),
    ] = Path("firm"),
    format: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    as_of: Annotated[
        str, typer.Option(help="Date the firm is generated relative to (YYYY-MM-DD).")
    ] = DEFAULT_AS_OF.isoformat(),
    consultants: Annotated[
        int | None, typer.Option(help="Override the consultant count.", callback=checks.positive)
    ] = None,
    accounts: Annotated[
        int | None, typer.Option(help="Override the account count.", callback=checks.positive)
    ] = None,
    opportunities: Annotated[
        int | None, typer.Option(help="Override the opportunity count.", callback=checks.positive)
    ] = None,
) -> None:
    """Generate the firm and write it as JSON lines (or CSV), one file per entity kind."""
    chosen_seed = secrets.randbelow(2**31) if seed is None else seed
    console = Console()
    try:
        spec = _size(size, consultants, accounts, opportunities)
        try:
            fmt = Format(format)
        except ValueError:
            raise DataError(f"unknown format {format!r}", hint="use jsonl or csv") from None
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise DataError(f"invalid --as-of {as_of!r}", hint="use YYYY-MM-DD") from None
        console.print(
            f"seed: {chosen_seed}  size: {spec.name}  as-of: {as_of_date.isoformat()}",
            highlight=False,
        )
        started = time.perf_counter()
        progress = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with progress:
            bars = _Bars(progress)
            firm = generate_firm(chosen_seed, spec, as_of_date, on_progress=bars)
            files = write_firm(firm, out, fmt.value, on_progress=bars)
        elapsed = time.perf_counter() - started
    except DataError as error:
        raise _fail(error) from None

    table = Table(title=f"firm written to {out}")
    table.add_column("entity")
    table.add_column("records", justify="right")
    table.add_column("file")
    counts = firm.counts()
    for kind, path in files.items():
        table.add_row(kind, str(counts[kind]), path.name)
    total = firm.total()
    table.add_row("total", str(total), "", style="bold")
    console.print(table)
    console.print(
        f"seed: {chosen_seed}  {total} records in {elapsed:.1f} s "
        f"({total / max(elapsed, 1e-9):,.0f} records/s)",
        highlight=False,
    )


@data_app.command("sizes")
def sizes() -> None:
    """List the preset sizes and their counts."""
    table = Table()
    for column in ("size", "consultants", "accounts", "opportunities", "entities", "days"):
        table.add_column(column, justify="left" if column == "size" else "right")
    for name, spec in SIZES.items():
        table.add_row(
            name,
            str(spec.consultants),
            str(spec.accounts),
            str(spec.opportunities),
            str(spec.legal_entities),
            str(spec.timesheet_days),
        )
    Console().print(table)
