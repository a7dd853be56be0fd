"""A faults file: simulator fault rules applied before the journeys play.

JSON (a list) or TOML (``[[fault]]`` tables); each rule is the admin API's fault rule
plus ``system`` (crm, erp, psa, hcm)::

    [[fault]]
    system = "erp"
    path = "/services/rest/record/v1/invoice*"
    method = "PUT"
    fault = {kind = "error", status = 400, message = "invoices are closed"}
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from .._errors import ConfigurationError

_SYSTEMS = ("crm", "erp", "psa", "hcm")


def load_faults(path: Path) -> list[dict[str, Any]]:
    try:
        raw = path.read_text()
    except OSError as exc:
        raise ConfigurationError(f"cannot read faults file {path}: {exc.strerror}") from None
    try:
        doc: Any = (
            json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw).get("fault", [])
        )
    except ValueError as exc:
        raise ConfigurationError(f"faults file {path} is not valid: {exc}") from None
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise ConfigurationError(
            f"faults file {path} must hold a list of rules ([[fault]] in TOML)"
        )
    for rule in doc:
        if rule.get("system") not in _SYSTEMS or "fault" not in rule:
            raise ConfigurationError(
                f"each rule in {path} needs system ({', '.join(_SYSTEMS)}) and fault",
                hint='e.g. {"system": "erp", "path": "/services/rest/*", "fault": {"kind": "error", "status": 503}}',
            )
    return list(doc)
