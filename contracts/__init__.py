"""JSON Schemas (Draft 2020-12) of the vendor APIs per release, release profiles and the
one loader both the simulators and the harness use.

>>> c = load_contract("netsuite", "2027.1")
>>> c.validator("objects/job.json#/$defs/create").violations({"companyName": "Acme"})
"""

from ._catalog import ROOT, ReleaseInfo, current, release, releases, upcoming, vendors
from ._diff import Change, diff
from ._errors import ContractError
from ._loader import Contract, ContractSet, Validator, Violation, load_contract
from ._profile import (
    ReleaseProfile,
    Variant,
    ambiguity_variants,
    load_profile,
    parse_profile,
    parse_release_args,
)
from ._salesforce import SALESFORCE_TEXT_TYPES
from ._types import json_type

__all__ = [
    "ROOT",
    "SALESFORCE_TEXT_TYPES",
    "Change",
    "Contract",
    "ContractError",
    "ContractSet",
    "ReleaseInfo",
    "ReleaseProfile",
    "Validator",
    "Variant",
    "Violation",
    "ambiguity_variants",
    "current",
    "diff",
    "json_type",
    "load_contract",
    "load_profile",
    "parse_profile",
    "parse_release_args",
    "release",
    "releases",
    "upcoming",
    "vendors",
]
