"""``harness health``: are the simulators (or any service) answering? For container health
checks and readiness probes: exit 0 when every URL answers 2xx, 1 otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from .._errors import ConfigurationError
from ..stack import PERIPHERALS, admin_headers, read_endpoints, simulator_endpoints
from . import _checks as checks


def _targets(
    endpoints: Path | None, urls: list[str]
) -> tuple[list[tuple[str, dict[str, str]]], Any]:
    """(URL, headers) to check, and what verifies TLS."""
    verify: Any = True
    found: list[tuple[str, dict[str, str]]] = [(u, {}) for u in urls]
    if endpoints is not None:
        doc = read_endpoints(endpoints)
        verify = doc.get("ca_bundle") or True
        for _system, ep in simulator_endpoints(doc):
            found.append((f"{ep['admin_url']}/health", admin_headers(ep)))
        collab = (doc.get(PERIPHERALS) or {}).get("collab") or {}
        if collab.get("admin_url"):  # WireMock of the collaboration and analytics stubs
            found.append((f"{collab['admin_url']}/health", {}))
    return found, verify


def health(
    endpoints: Annotated[
        Path | None,
        typer.Option(
            help="Check every simulator of this endpoints file (its admin health endpoint).",
            callback=checks.in_file,
        ),
    ] = None,
    url: Annotated[
        list[str] | None,
        typer.Option("--url", help="Also check this URL (repeatable), e.g. a stack's /health."),
    ] = None,
    ca_bundle: Annotated[
        Path | None,
        typer.Option(
            help="CA certificate for https URLs given with --url.", callback=checks.in_file
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for each answer.", callback=checks.positive)
    ] = 5.0,
) -> None:
    """Exit 0 when every simulator (and --url) answers 2xx; print what does not and exit 1."""
    targets, verify = _targets(endpoints, url or [])
    if not targets:
        raise ConfigurationError("nothing to check", hint="give --endpoints FILE or --url URL")
    if ca_bundle is not None:
        verify = str(ca_bundle)
    failed = []
    with httpx.Client(verify=verify, trust_env=False, timeout=timeout) as client:
        for target, headers in targets:
            try:
                r = client.get(target, headers=headers)
                if not r.is_success:
                    failed.append(f"{target}: HTTP {r.status_code}")
            except httpx.HTTPError as exc:
                failed.append(f"{target}: {type(exc).__name__}: {exc}")
    for line in failed:
        typer.echo(f"unhealthy: {line}", err=True)
    if failed:
        raise typer.Exit(1)
    typer.echo(f"healthy: {len(targets)} checked")
