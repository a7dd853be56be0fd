"""Staging: systems and a stack on other hosts, credentials from the environment or a
file (never from the profile), redacted in every report."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from .._errors import ConfigurationError

_SECRET = re.compile(r"secret|password|token|private_key|consumer_key|assertion", re.I)
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TARGET_KEYS = {"name", "base_url", "health_url", "billing_run_url", "task_url"}


def _read(path: Path, what: str) -> dict[str, Any]:
    try:
        raw = path.read_text()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        doc = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw)
    except ValueError as exc:
        raise ConfigurationError(
            f"{what} {path} is not valid {path.suffix[1:] or 'TOML'}: {exc}"
        ) from None
    if not isinstance(doc, dict):
        raise ConfigurationError(f"{what} {path} must hold a table/object")
    return doc


def _expand(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in os.environ:
                raise ConfigurationError(
                    f"{where} needs the environment variable {m.group(1)}, which is not set"
                )
            return os.environ[m.group(1)]

        return _VAR.sub(sub, value)
    return value


def staging_endpoints(path: Path, credentials: Path | None) -> dict[str, Any]:
    """An endpoints document (the shape ``harness up --endpoints-file`` writes) naming
    any hosts; ``${VAR}`` values come from the environment, a credentials file (same
    shape: system -> keys) fills in the rest."""
    doc = _expand(_read(path, "endpoints file"), path.name)
    if credentials is not None:
        for system, keys in _read(credentials, "credentials file").items():
            if not isinstance(keys, dict) or system not in doc:
                raise ConfigurationError(
                    f"credentials file {credentials}: {system!r} is not a system of {path}"
                )
            doc[system] = {**doc[system], **_expand(keys, f"{credentials.name}.{system}")}
    missing = [s for s in ("crm", "erp", "psa", "hcm") if s not in doc]
    if missing:
        raise ConfigurationError(f"endpoints file {path} lacks {', '.join(missing)}")
    return doc


def staging_target(path: Path) -> dict[str, Any]:
    """The stack's URLs from a target file; any host (staging is not on this machine)."""
    doc = _read(path, "target file")
    doc = doc.get("target", doc)
    known = _TARGET_KEYS | {"start", "webhooks", "startup_timeout"}
    unknown = set(doc) - known
    if unknown:
        raise ConfigurationError(
            f"unknown keys in target file {path}: {', '.join(sorted(unknown))}",
            hint=f"known: {', '.join(sorted(known))}",
        )
    return {k: str(doc[k]) for k in _TARGET_KEYS if doc.get(k)}


def redact(value: Any) -> Any:
    """Credentials replaced by ``***`` (for anything written to a report)."""
    if isinstance(value, dict):
        return {k: ("***" if _SECRET.search(k) and v else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value
