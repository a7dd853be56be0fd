"""The ``harness`` command line: one typer app with a sub-command per job."""

from __future__ import annotations

import sys

import typer

from .._errors import HarnessError
from ._contracts import contracts_app, rehearse
from ._data import data_app
from ._load import load
from ._report import report
from ._run import run
from ._up import up
from ._wiremock import export_app, record_cmd, wiremock_app

app = typer.Typer(
    name="harness",
    help="Prove that an integration stack turns a won deal into a staffed project and a correct invoice.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("up")(up)
app.command("run")(run)
app.command("report")(report)
app.command("load")(load)
app.command("record")(record_cmd)

app.add_typer(data_app, name="data")
app.add_typer(export_app, name="export")
app.add_typer(wiremock_app, name="wiremock")
app.add_typer(contracts_app, name="contracts")
app.command("rehearse")(rehearse)


def main() -> None:
    """Console entry point: turns harness errors into one clear line and exit code 2."""
    try:
        app()
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


__all__ = ["app", "main"]
