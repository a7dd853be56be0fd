"""``harness export wiremock`` and ``harness wiremock install``: WireMock beside the simulators."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Annotated, Any

import typer

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
    typer.echo(f"WireMock {version}: {jar}\nJava: {java}")


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
    if endpoints is not None:
        report = export_wiremock(_read_endpoints(endpoints), system, out, limit=limit)
    else:
        from ..data import generate_firm
        from ..loaders import load_firm
        from ..stack import Stack, StackSettings, endpoints_document

        stack = Stack(StackSettings(port_base=None, systems=[system])).start()
        try:
            doc = endpoints_document(stack)
            typer.echo(f"loading the {size} firm from seed {seed} into the {system} simulator")
            load_firm(generate_firm(seed, size), doc)
            report = export_wiremock(doc, system, out, limit=limit)
        finally:
            stack.stop()
    typer.echo(
        f"{system} ({report.vendor}): {report.written} mappings in {out / 'mappings'}; "
        f"serve them with `java -jar wiremock-standalone.jar --root-dir {out}`"
    )
    for line in report.skipped:
        typer.echo(f"skipped: {line}")


def record_cmd(
    system: Annotated[str, typer.Argument(help="crm, erp, psa or hcm: what the upstream is.")],
    upstream: Annotated[str, typer.Option(help="Base URL of the live sandbox to record.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for mappings/, examples/, fixtures/.")],
    endpoints: Annotated[
        Path | None,
        typer.Option(
            help="Endpoints file with the sandbox's credentials; with --reads the harness "
            "makes the reads itself."
        ),
    ] = None,
    reads: Annotated[
        bool,
        typer.Option(
            "--reads/--interactive",
            help="Make the vendor reads through the recorder (needs --endpoints with an "
            "admin_url), or wait while your stack sends its own traffic to the proxy.",
        ),
    ] = False,
    duration: Annotated[
        float,
        typer.Option(
            min=1, max=86_400, help="--interactive: seconds to record (Ctrl-C stops early)."
        ),
    ] = 300,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="--reads: records per type.")] = 20,
    insecure_upstream: Annotated[
        bool,
        typer.Option(help="Trust any TLS certificate of the upstream (self-signed sandboxes)."),
    ] = False,
) -> None:
    """Record a sandbox through WireMock's recorder into redacted mappings, contract examples
    and simulator fixtures."""
    import threading

    import httpx

    from ..wiremock import find_wiremock
    from ..wiremock._reads import iter_reads, read_plan
    from ..wiremock._record import record

    if system not in SYSTEM_NAMES:
        raise ConfigurationError(
            f"unknown system {system!r}", hint=f"choose from {', '.join(SYSTEM_NAMES)}"
        )
    if not upstream.startswith(("http://", "https://")):
        raise ConfigurationError(f"--upstream {upstream!r} is not an http(s) URL")
    if out.exists() and not out.is_dir():
        raise ConfigurationError(f"--out {out} is a file", hint="name a folder")
    doc = _read_endpoints(endpoints) if endpoints is not None else {}
    ep = doc.get(system) if isinstance(doc.get(system), dict) else None
    if reads and (ep is None or "admin_url" not in ep):
        raise ConfigurationError(
            "--reads needs --endpoints naming the system with its admin_url",
            hint="use --interactive and send your own traffic to the proxy",
        )

    def drive(proxy: str) -> None:
        if reads:
            assert ep is not None
            with httpx.Client(
                verify=doc.get("ca_bundle") or True, trust_env=False, timeout=30
            ) as c:
                plan = read_plan(c, ep, limit)
                for _ in iter_reads(c, proxy, plan):
                    pass
            return
        typer.echo(f"recording {upstream} through {proxy} for {duration:.0f}s; Ctrl-C stops")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait(duration)

    report = record(
        find_wiremock(install=True),
        upstream,
        out,
        drive,
        trust_all_upstream_certificates=insecure_upstream,
    )
    fixtures = ", ".join(f"{t}: {n}" for t, n in report.fixtures.items()) or "none"
    typer.echo(
        f"recorded {report.mappings} mappings, {report.examples} examples, fixtures ({fixtures}) "
        f"in {out}; secrets removed and personal data replaced"
    )
