"""A compiled write plan per sObject: what every create and update of it checks and fills.

The write rules walk an object's fields for defaults (booleans), compound addresses and
unique values; with 50-100 fields per object that walk cost more than the checks. The plan
lists, once per object, only the fields each rule touches, and the fields whose values are
checked by type and length alone (``simple``), so the usual value needs no general
coercion. It is rebuilt when the object's fields change (a custom field added or renamed);
a write looks it up once and hands it to every rule it runs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from . import _ids
from ._schema import NUMERIC_TYPES, TEXT_TYPES, FieldDef, ObjectDef

#: ``SimpleField.kind``: a string up to ``length``, a whole number, a double
TEXT, WHOLE, DOUBLE = 0, 1, 2

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
#: the keys of a compound address object, in order
ADDRESS_KEYS = tuple(key for key, _ in ADDRESS_PARTS)
#: objects whose IsActive defaults to true
_ACTIVE_BY_DEFAULT = frozenset({"Product2", "User", "PricebookEntry"})
#: objects whose save rules (``BusinessRules.defaults``/``derive``) do more than fill booleans
#: and compose addresses: they may set a field to null, run auto-numbers or read other records
SPECIAL_RULES = frozenset(
    {"Contact", "User", "Opportunity", "OpportunityLineItem", "Contract", "Order"}
)


@dataclass(frozen=True, slots=True)
class SimpleField:
    """A field whose usual value is valid by its JSON type alone (no picklist, no reference)."""

    kind: int
    #: most characters of a TEXT value (0: no limit)
    length: int
    createable: bool
    updateable: bool


@dataclass(frozen=True, slots=True)
class WritePlan:
    obj: ObjectDef
    nfields: int
    #: the newest field's key: a renamed field (re-added last) changes it
    last_key: str
    #: boolean fields and the value each takes when a write leaves it null (but IsDeleted,
    #: which the create and the bulk load set before the defaults)
    booleans: tuple[tuple[str, bool], ...]
    #: compound address fields: (field, its part fields in ``ADDRESS_KEYS`` order)
    addresses: tuple[tuple[str, tuple[str, ...]], ...]
    #: canonical names of the fields whose values must be unique
    unique: frozenset[str]
    #: fields by canonical name whose common values a write takes without ``coerce``
    simple: dict[str, SimpleField]
    #: fields a create must give a value
    required: tuple[str, ...]
    #: the object has an OwnerId (a create without one is owned by its user)
    owned: bool
    #: ``simple`` split by what a write may set, for the check of each body field: text
    #: fields with their most characters, number fields with whether they are whole
    create_texts: dict[str, int]
    create_numbers: dict[str, bool]
    update_texts: dict[str, int]
    update_numbers: dict[str, bool]
    #: the store sequence its record ids are numbered from (``_ids.new_id``)
    id_sequence: str
    #: its save rules are more than booleans and addresses (``SPECIAL_RULES``)
    special: bool = False

    def current(self, obj: ObjectDef) -> bool:
        fields = obj.fields
        return (
            self.obj is obj
            and self.nfields == len(fields)
            and (not fields or next(reversed(fields)) == self.last_key)
        )


def _simple(obj: ObjectDef, f: FieldDef) -> SimpleField | None:
    if f.type in TEXT_TYPES or f.type == "textarea":
        restricted = f.restricted_picklist and f.picklist_values
        if restricted or (f.name == "StageName" and obj.name == "Opportunity"):
            return None
        return SimpleField(TEXT, f.length, f.createable, f.updateable)
    if f.type in NUMERIC_TYPES:
        kind = WHOLE if f.type in ("int", "long") else DOUBLE
        return SimpleField(kind, 0, f.createable, f.updateable)
    return None


def _texts(simple: dict[str, SimpleField], creating: bool) -> dict[str, int]:
    return {
        name: sf.length or sys.maxsize
        for name, sf in simple.items()
        if sf.kind == TEXT and (sf.createable if creating else sf.updateable)
    }


def _numbers(simple: dict[str, SimpleField], creating: bool) -> dict[str, bool]:
    return {
        name: sf.kind == WHOLE
        for name, sf in simple.items()
        if sf.kind != TEXT and (sf.createable if creating else sf.updateable)
    }


def compile_plan(obj: ObjectDef) -> WritePlan:
    fields = list(obj.fields.values())
    simple = {f.name: sf for f in fields if (sf := _simple(obj, f)) is not None}
    return WritePlan(
        obj,
        len(obj.fields),
        next(reversed(obj.fields)) if obj.fields else "",
        tuple(
            (f.name, f.name == "IsActive" and obj.name in _ACTIVE_BY_DEFAULT)
            for f in fields
            if f.type == "boolean" and f.name != "IsDeleted"  # (every write sets it first)
        ),
        tuple(
            (f.name, tuple(f.name[: -len("Address")] + suffix for _, suffix in ADDRESS_PARTS))
            for f in fields
            if f.type == "address"
        ),
        frozenset(f.name for f in fields if f.unique),
        simple,
        tuple(f.name for f in fields if f.required_on_create),
        any(f.name == "OwnerId" for f in fields),
        _texts(simple, True),
        _numbers(simple, True),
        _texts(simple, False),
        _numbers(simple, False),
        _ids.sequence_name(obj.key_prefix),
        obj.name in SPECIAL_RULES,
    )
