"""The ``harness`` command line: one typer app with a sub-command per job."""

from __future__ import annotations

import sys

import typer

from .._errors import HarnessError
from ._contracts import contracts_app, rehearse
from ._data import data_app
from ._health import health
from ._load import load
from ._report import report
from ._run import run
from ._up import up
from ._wiremock import export_app, record_cmd, wiremock_app

#: click's exceptions as typer raises them (typer may vendor its own copy of click)
_clicks = sys.modules[typer.BadParameter.__module__]


class _NeverRaised(Exception):
    """Stands in for NoArgsIsHelpError with a click that has none."""


_NoArgsIsHelp: type[Exception] = getattr(_clicks, "NoArgsIsHelpError", _NeverRaised)

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
app.command("health")(health)

app.add_typer(data_app, name="data")
app.add_typer(export_app, name="export")
app.add_typer(wiremock_app, name="wiremock")
app.add_typer(contracts_app, name="contracts")
app.command("rehearse")(rehearse)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: usage and configuration errors become one line and exit 2."""
    try:
        code = app(args=argv, prog_name="harness", standalone_mode=False)
    except _NoArgsIsHelp as exc:
        exc.show()  # type: ignore[attr-defined]
        sys.exit(2)
    except _clicks.UsageError as exc:  # bad option values, unknown options, missing arguments
        where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
        print(f"error: {where}{exc.format_message()}", file=sys.stderr)
        sys.exit(2)
    except _clicks.ClickException as exc:
        print(f"error: {exc.format_message()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
