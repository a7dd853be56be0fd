"""``harness report``: Allure's HTML from the run's Allure results, when the Allure command
line is installed; one line saying how to get it when it is not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from .._errors import ConfigurationError


def report(
    results: Annotated[
        Path, typer.Option(help="Allure results (harness run writes reports/allure-results).")
    ] = Path("reports/allure-results"),
    out: Annotated[Path, typer.Option(help="Where the HTML report goes.")] = Path(
        "reports/allure-report"
    ),
) -> None:
    """Build the Allure HTML report of the last run."""
    if not results.is_dir() or not any(results.glob("*-result.json")):
        raise ConfigurationError(
            f"no Allure results in {results}", hint="run `harness run` first (or pass --results)"
        )
    allure = shutil.which("allure")
    if allure is None:
        raise ConfigurationError(
            "the Allure command line (allure) is not installed",
            hint="install it (e.g. `npm install -g allure-commandline`, Java needed) and run "
            f"`harness report` again; the results are in {results}",
        )
    done = subprocess.run(
        [allure, "generate", str(results), "-o", str(out), "--clean"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ConfigurationError(f"allure generate failed: {done.stderr.strip()[:300]}")
    typer.echo(f"Allure report: {out / 'index.html'}")
