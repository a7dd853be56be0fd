"""Finding Java and the WireMock standalone jar, and installing the jar from npm when asked.

The jar ships in the npm package ``wiremock``. Where it comes from, in order:
``HARNESS_WIREMOCK_JAR``, then the harness's cache folder (``HARNESS_CACHE_DIR``, default
``~/.cache/ps-integration-harness``), where ``npm install wiremock@VERSION`` puts it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .._errors import HarnessError

#: the WireMock release the harness is tested with
WIREMOCK_VERSION = "3.13.2"
JAVA_HINT = (
    "install a Java 11+ runtime (Debian/Ubuntu: apt-get install default-jre-headless; "
    "macOS: brew install openjdk) or set JAVA_HOME"
)


class WireMockUnavailable(HarnessError):
    """WireMock cannot run here (no Java, no jar and no npm to fetch it)."""


@dataclass(frozen=True, slots=True)
class WireMockRuntime:
    """A Java executable and the WireMock standalone jar it runs."""

    java: str
    jar: Path


def cache_dir() -> Path:
    base = os.environ.get("HARNESS_CACHE_DIR")
    return Path(base) if base else Path.home() / ".cache" / "ps-integration-harness"


def find_java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise WireMockUnavailable("no Java runtime found for WireMock", hint=JAVA_HINT)
    return java


def _cached_jar(version: str) -> Path | None:
    build = cache_dir() / "wiremock" / "node_modules" / "wiremock" / "build"
    jar = build / f"wiremock-standalone-{version}.jar"
    return jar if jar.is_file() else None


def install_jar(version: str = WIREMOCK_VERSION) -> Path:
    """``npm install wiremock@version`` into the cache folder; returns the jar's path."""
    npm = shutil.which("npm")
    if npm is None:
        raise WireMockUnavailable(
            "the WireMock jar is not installed and npm is not available to fetch it",
            hint="install Node.js and npm, or download the WireMock standalone jar and set "
            "HARNESS_WIREMOCK_JAR to its path",
        )
    prefix = cache_dir() / "wiremock"
    prefix.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"wiremock@{version}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    jar = _cached_jar(version)
    if proc.returncode != 0 or jar is None:
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise WireMockUnavailable(
            f"npm could not install wiremock@{version}: {last[0]}",
            hint="set HARNESS_WIREMOCK_JAR to a WireMock standalone jar",
        )
    return jar


def find_wiremock(*, install: bool = True, version: str = WIREMOCK_VERSION) -> WireMockRuntime:
    """Java plus the jar; installs the jar from npm when missing and ``install`` is true."""
    java = find_java()
    configured = os.environ.get("HARNESS_WIREMOCK_JAR")
    if configured:
        jar = Path(configured).expanduser()
        if not jar.is_file():
            raise WireMockUnavailable(
                f"HARNESS_WIREMOCK_JAR names {jar}, which is not a file",
                hint="point it at wiremock-standalone-<version>.jar",
            )
        return WireMockRuntime(java, jar.resolve())
    jar_path = _cached_jar(version)
    if jar_path is None:
        if not install:
            raise WireMockUnavailable(
                f"the WireMock {version} jar is not installed",
                hint="run `harness wiremock install` or set HARNESS_WIREMOCK_JAR",
            )
        jar_path = install_jar(version)
    return WireMockRuntime(java, jar_path)
