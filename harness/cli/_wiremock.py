"""``harness export wiremock`` and ``harness wiremock install``: WireMock beside the simulators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .._errors import ConfigurationError
from ..wiremock import WIREMOCK_VERSION, find_java, install_jar

SYSTEM_NAMES = ("crm", "erp", "psa", "hcm")

wiremock_app = typer.Typer(
    help="The WireMock server the harness runs for the peripheral systems.",
    no_args_is_help=True,
    add_completion=False,
)
export_app = typer.Typer(
    help="Export simulator state for other tools.", no_args_is_help=True, add_completion=False
)


@wiremock_app.command("install")
def install(
    version: Annotated[str, typer.Option(help="WireMock release.")] = WIREMOCK_VERSION,
) -> None:
    """Fetch the WireMock standalone jar (npm package ``wiremock``) into the harness cache."""
    jar = install_jar(version)
    java = find_java()
    Console().print(f"WireMock {version}: {jar}\nJava: {java}")


def _read_endpoints(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigurationError(
            f"endpoints file {path} does not exist",
            hint="write one with `harness up --endpoints-file`",
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"endpoints file {path} is not readable JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ConfigurationError(f"endpoints file {path} is not a JSON object")
    return doc


@export_app.command("wiremock")
def export_wiremock_cmd(
    system: Annotated[str, typer.Argument(help="crm, erp, psa or hcm.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for mappings/*.json.")],
    endpoints: Annotated[
        Path | None,
        typer.Option(help="Endpoints file of running simulators (from `harness up`)."),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Without --endpoints: the firm to generate and export.")
    ] = 1,
    size: Annotated[
        str, typer.Option(help="Without --endpoints: small, medium or large.")
    ] = "small",
    limit: Annotated[
        int, typer.Option(min=1, max=100_000, help="Records per type to export reads of.")
    ] = 50,
) -> None:
    """Write WireMock stub mappings of the reads a stack makes of one system's tenant."""
    from ..wiremock._export import export_wiremock

    if system not in SYSTEM_NAMES:
        raise ConfigurationError(
            f"unknown system {system!r}", hint=f"choose from {', '.join(SYSTEM_NAMES)}"
        )
    console = Console()
    if endpoints is not None:
        report = export_wiremock(_read_endpoints(endpoints), system, out, limit=limit)
    else:
        from ..data import generate_firm
        from ..loaders import load_firm
        from ..stack import Stack, StackSettings, endpoints_document

        stack = Stack(StackSettings(port_base=None, systems=[system])).start()
        try:
            doc = endpoints_document(stack)
            console.print(f"loading the {size} firm from seed {seed} into the {system} simulator")
            load_firm(generate_firm(seed, size), doc)
            report = export_wiremock(doc, system, out, limit=limit)
        finally:
            stack.stop()
    console.print(
        f"{system} ({report.vendor}): {report.written} mappings in {out / 'mappings'}; "
        f"serve them with `java -jar wiremock-standalone.jar --root-dir {out}`"
    )
    for line in report.skipped:
        console.print(f"skipped: {line}")
