"""A compiled write plan per sObject: what every create and update of it checks and fills.

The write rules walk an object's fields for defaults (booleans), compound addresses and
unique values; with 50-100 fields per object that walk cost more than the checks. The plan
lists, once per object, only the fields each rule touches. It is rebuilt when the object's
fields change (a custom field added at run time).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._schema import ObjectDef

#: the parts of a compound address, as REST reads return them: (key, field name suffix)
ADDRESS_PARTS = (
    ("city", "City"),
    ("country", "Country"),
    ("geocodeAccuracy", "GeocodeAccuracy"),
    ("latitude", "Latitude"),
    ("longitude", "Longitude"),
    ("postalCode", "PostalCode"),
    ("state", "State"),
    ("street", "Street"),
)
#: objects whose IsActive defaults to true
_ACTIVE_BY_DEFAULT = frozenset({"Product2", "User", "PricebookEntry"})


@dataclass(frozen=True, slots=True)
class WritePlan:
    obj: ObjectDef
    nfields: int
    #: boolean fields and the value each takes when a write leaves it null
    booleans: tuple[tuple[str, bool], ...]
    #: compound address fields: (field, ((key, part field) ...))
    addresses: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    #: canonical names of the fields whose values must be unique
    unique: frozenset[str]

    def current(self, obj: ObjectDef) -> bool:
        return self.obj is obj and self.nfields == len(obj.fields)


def compile_plan(obj: ObjectDef) -> WritePlan:
    fields = list(obj.fields.values())
    return WritePlan(
        obj,
        len(obj.fields),
        tuple(
            (f.name, f.name == "IsActive" and obj.name in _ACTIVE_BY_DEFAULT)
            for f in fields
            if f.type == "boolean"
        ),
        tuple(
            (
                f.name,
                tuple((key, f.name[: -len("Address")] + suffix) for key, suffix in ADDRESS_PARTS),
            )
            for f in fields
            if f.type == "address"
        ),
        frozenset(f.name for f in fields if f.unique),
    )
