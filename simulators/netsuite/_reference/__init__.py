"""Body fields of NetSuite's standard records as the 2026.1 REST API Browser lists them.

One JSON file per record type (``customer.json`` ...), written by ``_generate.py`` from a
Markdown extraction of NetSuite's REST API Browser, record v1, release 2026.1
(wsjmnh/netsuite-record-rest-docs): each property's type, format, read-only flag, the record
type it references and its enum values. Sublists (``*Collection``) and links are left out.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

REFERENCED = (
    "customer",
    "job",
    "employee",
    "invoice",
    "timeBill",
    "customerPayment",
    "creditMemo",
    "expenseReport",
    "subsidiary",
)


def load(name: str) -> dict[str, Any]:
    """The generated body-field list of one record type."""
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
