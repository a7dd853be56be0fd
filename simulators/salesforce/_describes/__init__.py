"""Standard sObject definitions generated from recorded Salesforce describes.

One JSON file per object (``Account.json`` ...), written by ``_generate.py`` from the
describe recordings of a real org (CumulusCI's test cassettes, BSD-3-Clause): every standard
field with its type, length, precision, picklist values, create/update flags, relationship
and compound field. The org's own custom fields are left out; the simulator's custom fields
come from its settings.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

DESCRIBED = ("Account", "Contact", "Opportunity")


def load(name: str) -> dict[str, Any]:
    """The generated definition of one described object."""
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
