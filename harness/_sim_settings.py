"""Simulator sections of the settings file ([crm], [erp], [psa], [hcm]) as each vendor's
settings object, built by the vendor's own ``from_mapping``: a key it does not know is a
configuration error (one line, exit 2), never silently dropped."""

from __future__ import annotations

import importlib
from typing import Any

from simulators.engine import SimulatorError

from ._errors import ConfigurationError, StackError
from .stack._vendors import vendor_module

#: vendor -> the settings class its simulator package exports
SETTINGS_CLASSES: dict[str, str] = {
    "salesforce": "SalesforceSettings",
    "netsuite": "NetSuiteSettings",
    "businesscentral": "BusinessCentralSettings",
    "kantata": "KantataSettings",
    "workday": "WorkdaySettings",
    "coupa": "CoupaSettings",
}


def simulator_settings(system: str, vendor: str | None, section: dict[str, Any]) -> Any:
    """The settings object of the vendor serving ``system``, from its section."""
    try:
        vendor_name, module = vendor_module(system, vendor)
    except StackError as exc:
        raise ConfigurationError(exc.message, hint=exc.hint) from None
    cls = getattr(importlib.import_module(module), SETTINGS_CLASSES[vendor_name])
    try:
        return cls.from_mapping(section)
    except SimulatorError as exc:
        raise ConfigurationError(f"[{system}] {exc.message}", hint=exc.hint) from None
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"invalid [{system}] settings for {vendor_name}: {exc}") from None
