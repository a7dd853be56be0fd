"""Which vendor simulates each system: the default per system, and the alternatives.

The ERP can be NetSuite (default) or Business Central; a run chooses with
``harness up --erp businesscentral``, ``erp = "businesscentral"`` in the settings file
or ``HARNESS_ERP``.
"""

from __future__ import annotations

from .._errors import StackError

#: system -> vendor -> simulator module; the first vendor is the default
VENDORS: dict[str, dict[str, str]] = {
    "crm": {"salesforce": "simulators.salesforce"},
    "erp": {"netsuite": "simulators.netsuite", "businesscentral": "simulators.businesscentral"},
    "psa": {"kantata": "simulators.kantata"},
    "hcm": {"workday": "simulators.workday"},
    "procurement": {"coupa": "simulators.coupa"},
}


def vendor_module(system: str, vendor: str | None) -> tuple[str, str]:
    """(vendor, module) serving ``system``: the chosen vendor, or the system's default."""
    choices = VENDORS[system]
    if vendor is None:
        return next(iter(choices.items()))
    module = choices.get(vendor)
    if module is None:
        raise StackError(
            f"no {vendor!r} simulator for the {system}",
            hint=f"choose one of {', '.join(choices)}",
        )
    return vendor, module


def check_vendors(vendors: dict[str, str]) -> None:
    """Refuse unknown systems or vendors before anything starts."""
    for system, vendor in vendors.items():
        if system not in VENDORS:
            raise StackError(f"unknown system {system!r}", hint=f"choose from {', '.join(VENDORS)}")
        vendor_module(system, vendor)
