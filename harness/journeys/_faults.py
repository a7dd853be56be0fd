"""A faults file: simulator fault rules applied before the journeys play.

JSON (a list, or ``{"fault": [...]}``) or TOML (``[[fault]]`` tables); each rule is the
admin API's fault rule plus ``system`` (crm, erp, psa, hcm)::

    [[fault]]
    system = "erp"
    path = "/services/rest/record/v1/invoice*"
    method = "PUT"
    fault = {kind = "error", status = 400, message = "invoices are closed"}

The file is checked against ``harness/schemas/faults.schema.json`` first: an unknown
section (``[[faults]]``) or a mistyped key in a rule is an error, never a rule that
silently matches more than was meant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._errors import ConfigurationError
from .._schema_input import check_document, read_document


def check_fault_rules(rules: Any, source: str) -> list[dict[str, Any]]:
    """Validate rules given inline (a target file's ``[run] faults``); returns copies."""
    doc = {"fault": rules}
    check_document(doc, "faults", source)
    return [dict(r) for r in doc["fault"]]


def load_faults(path: Path) -> list[dict[str, Any]]:
    """Read and validate a faults file; at least one rule."""
    doc = read_document(path, "faults file")
    if isinstance(doc, list):  # JSON: a bare list of rules
        doc = {"fault": doc}
    check_document(doc, "faults", str(path))
    rules = [dict(r) for r in doc["fault"]]
    if not rules:
        raise ConfigurationError(f"{path}: fault: no rules given", hint="add a [[fault]] table")
    return rules
