"""Range and shape checks for command-line options, as typer callbacks.

Any option can use them: ``typer.Option(callback=checks.port)``. A bad value raises
``typer.BadParameter`` naming the option; the ``harness`` entry point prints it as one
line and exits 2, before anything starts.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any

import typer

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)
SYSTEMS = ("crm", "erp", "psa", "hcm")
SIZES = ("small", "medium", "large")


def _bad(param: typer.CallbackParam, message: str) -> typer.BadParameter:
    return typer.BadParameter(message, param=param)  # type: ignore[arg-type]


def port(param: typer.CallbackParam, value: int | None) -> int | None:
    """A TCP port, 1-65535."""
    if value is not None and not 1 <= value <= 65535:
        raise _bad(param, f"{value} is not a port (1-65535)")
    return value


def port_base(param: typer.CallbackParam, value: int | None) -> int | None:
    """The first of four consecutive ports (crm, erp, psa, hcm), or 0 for free ports."""
    if value is not None and not 0 <= value <= 65532:
        raise _bad(
            param, f"{value} is out of range (1-65532 so four ports fit, or 0 for free ports)"
        )
    return value


def positive(param: typer.CallbackParam, value: float | None) -> float | None:
    """A duration or size that must be greater than zero."""
    if value is not None and not value > 0:
        raise _bad(param, f"{value:g} must be greater than 0")
    return value


def non_negative(param: typer.CallbackParam, value: int | None) -> int | None:
    """A seed or a count: zero or more."""
    if value is not None and value < 0:
        raise _bad(param, f"{value} must be 0 or more")
    return value


def host(param: typer.CallbackParam, value: str | None) -> str | None:
    """An IP address (v4 or v6) or a DNS host name."""
    if value is None:
        return value
    try:
        ipaddress.ip_address(value.strip("[]"))
        return value.strip("[]")
    except ValueError:
        pass
    if not _HOSTNAME.match(value):
        raise _bad(param, f"{value!r} is neither an IP address nor a host name")
    return value


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.absolute().parents):
        if candidate.exists():
            return candidate
    return Path("/")


def dir_problem(value: Path) -> str | None:
    """Why ``value`` cannot be a directory to write into, or None."""
    if value.exists() and not value.is_dir():
        return f"{value} is a file, not a directory"
    base = _nearest_existing(value)
    if not base.is_dir():
        return f"{value} cannot be created: {base} is a file"
    if not os.access(base, os.W_OK | os.X_OK):
        return f"{value} cannot be written: {base} is not writable"
    return None


def out_dir(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """A directory to write into: an existing directory, or one that can be created."""
    problem = None if value is None else dir_problem(value)
    if problem:
        raise _bad(param, problem)
    return value


def out_file(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """A file to write: not a directory, in a directory that exists or can be created."""
    if value is None:
        return value
    if value.is_dir():
        raise _bad(param, f"{value} is a directory, not a file")
    base = _nearest_existing(value.parent)
    if not base.is_dir():
        raise _bad(param, f"{value} cannot be created: {base} is a file")
    if not os.access(base, os.W_OK | os.X_OK):
        raise _bad(param, f"{value} cannot be written: {base} is not writable")
    return value


def in_file(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """A file to read: it must exist and be a readable file."""
    if value is None:
        return value
    if not value.exists():
        raise _bad(param, f"{value} does not exist")
    if not value.is_file():
        raise _bad(param, f"{value} is not a file")
    if not os.access(value, os.R_OK):
        raise _bad(param, f"{value} is not readable")
    return value


def systems(param: typer.CallbackParam, value: str | None) -> str | None:
    """A comma-separated subset of crm, erp, psa, hcm."""
    if value is None:
        return value
    names = [s.strip() for s in value.split(",") if s.strip()]
    bad = [s for s in names if s not in SYSTEMS]
    if bad or not names:
        raise _bad(param, f"{value!r}: choose from {', '.join(SYSTEMS)}, comma-separated")
    return value


def size(param: typer.CallbackParam, value: str | None) -> str | None:
    """A preset firm size."""
    if value is not None and value not in SIZES:
        raise _bad(param, f"{value!r}: choose from {', '.join(SIZES)}")
    return value


def one_of(*choices: str) -> Any:
    """A callback accepting only ``choices``."""

    def check(param: typer.CallbackParam, value: str | None) -> str | None:
        if value is not None and value not in choices:
            raise _bad(param, f"{value!r}: choose from {', '.join(choices)}")
        return value

    return check
