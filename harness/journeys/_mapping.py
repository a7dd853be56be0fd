"""The mapping spec: how the stack under test links records across the four systems.

Journeys and invariants read links only through it (which Opportunity field holds the
PSA workspace id, how an ERP time bill names its PSA entry, how the invoice status is
worded in the CRM, which billing rules apply), so a stack with its own field names is
judged by its own file. The bundled ``mappings/reference.toml`` describes the reference
integration; a target file names another with ``mapping = "file.toml"``.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .._errors import ConfigurationError

DEFAULT_MAPPING = "reference.toml"
#: the reference integration's spec per ERP vendor other than NetSuite
VENDOR_MAPPINGS = {"businesscentral": "reference-businesscentral.toml"}


@dataclass(frozen=True, slots=True)
class MappingSpec:
    """A validated mapping spec; ``doc`` is the file's content, ``source`` where it came from."""

    doc: dict[str, Any]
    source: str

    def crm(self, key: str) -> str:
        return str(self.doc["crm"].get(key) or "")

    def psa(self, key: str) -> str:
        return str(self.doc["psa"][key])

    def erp(self, key: str, **values: Any) -> str:
        return str(self.doc["erp"][key]).format(**values)

    @property
    def status_open(self) -> str:
        return str(self.doc["erp"]["status"]["open"])

    @property
    def status_paid(self) -> str:
        return str(self.doc["erp"]["status"]["paid"])

    def invoice_status(self, tran_id: str, status: str) -> str:
        return self.crm("invoice_status_format").format(tranId=tran_id, status=status)

    def bills_time(self, model: str) -> bool:
        return model in self.doc["billing"]["bills_time_on"]

    def bills_expenses(self, model: str) -> bool:
        return model in self.doc["billing"].get("bills_expenses_on", [])

    @property
    def rates(self) -> str:
        return str(self.doc["billing"].get("rates", "rate_card"))

    @property
    def fixed_rate(self) -> float:
        return float(self.doc["billing"].get("fixed_rate", 150.0))

    def milestone_shares(self, model: str) -> list[float]:
        return [float(x) for x in self.doc["billing"]["milestones"].get(model, [])]


def _schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("_mapping_schema.json").read_text()
    return dict(json.loads(text))


def parse_mapping(doc: Any, source: str) -> MappingSpec:
    """Check ``doc`` against the schema; every problem in one error naming its place."""
    validator = jsonschema.Draft202012Validator(_schema())
    problems = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if problems:
        lines = [
            f"{'.'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in problems
        ]
        raise ConfigurationError(
            f"mapping spec {source} is not valid: " + "; ".join(lines),
            hint="see harness/journeys/mappings/reference.toml for every key",
        )
    for model, shares in doc["billing"]["milestones"].items():
        if abs(sum(shares) - 1.0) > 1e-6:
            raise ConfigurationError(
                f"mapping spec {source}: billing.milestones.{model!r} shares add up to {sum(shares):g}, not 1"
            )
    return MappingSpec(doc, source)


def load_mapping(path: Path | None = None, vendor: str = "") -> MappingSpec:
    """The spec in ``path`` (TOML or JSON), or the reference integration's default for the
    ERP ``vendor``."""
    if path is None:
        name = VENDOR_MAPPINGS.get(vendor, DEFAULT_MAPPING)
        text = resources.files(__package__).joinpath("mappings", name).read_text()
        return parse_mapping(tomllib.loads(text), f"(default) {name}")
    try:
        raw = path.read_text()
    except OSError as exc:
        raise ConfigurationError(f"cannot read mapping spec {path}: {exc.strerror}") from None
    try:
        doc = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw)
    except ValueError as exc:
        raise ConfigurationError(f"mapping spec {path} is not valid TOML/JSON: {exc}") from None
    return parse_mapping(doc, str(path))
