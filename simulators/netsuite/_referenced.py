"""Every body field of the 2026.1 record reference on the record types that have one.

The hand-written definitions in ``_schema.py`` carry the simulator's rules (required
fields, reference targets, list values, read-only totals); this module adds every other
body field the REST API Browser lists (``_reference/*.json``) with its type, and takes the
browser's spelling where a hand-written name differs only in case. Sublists, subrecords
(``invoice-billingAddress``) and links are not body fields and are left out.
"""

from __future__ import annotations

from typing import Any

from ._reference import REFERENCED, load
from ._schema import FieldDef, Kind, RecordType

#: names of list values the browser gives only as ids (invoice status, NetSuite's UI labels)
_NAMES = {("invoice", "status"): {"D": "Pending Approval", "E": "Rejected", "V": "Voided"}}
_SCALAR: dict[str, Kind] = {"number": "float", "integer": "integer", "boolean": "boolean"}


def kind_of(prop: dict[str, Any], served: set[str]) -> FieldDef | None:
    """The simulator field for one browser property; None for subrecords."""
    name, t, fmt = prop["name"], prop["type"], prop["format"]
    ro = bool(prop["readOnly"])
    if t == "object":
        choices = tuple((e, e) for e in prop["enum"] or ())
        return FieldDef(name, "ref", (), choices, ro)
    if t == "string":
        kind: Kind = {"date": "date", "date-time": "datetime"}.get(fmt or "", "string")  # type: ignore[assignment]
        return FieldDef(name, kind, readonly=ro)
    if t in _SCALAR:
        return FieldDef(name, _SCALAR[t], readonly=ro)
    if "-" in t:
        return None
    targets = (t,) if t.lower() in served else ()
    return FieldDef(name, "ref", targets, (), ro)


def _aligned(rt: str, have: FieldDef, prop: dict[str, Any]) -> FieldDef:
    """A hand-written field with the browser's spelling and every browser list value
    (values the browser lists without a name get their id as refName)."""
    choices = have.choices
    if choices and prop["enum"]:
        known = {c[0] for c in choices}
        names = _NAMES.get((rt, prop["name"]), {})
        choices = (*choices, *((e, names.get(e, e)) for e in prop["enum"] if e not in known))
    if have.name == prop["name"] and choices == have.choices:
        return have
    return FieldDef(prop["name"], have.kind, have.targets, choices, have.readonly, have.required)


def add_reference_fields(types: dict[str, RecordType]) -> None:
    """Complete each referenced record type with the browser's body fields, in place."""
    served = set(types)
    for name in REFERENCED:
        rt = types[name.lower()]
        for prop in load(name)["fields"]:
            key = prop["name"].lower()
            have = rt.fields.get(key)
            if have is not None:
                rt.set_field(key, _aligned(name, have, prop))
                continue
            f = kind_of(prop, served)
            if f is not None:
                rt.set_field(key, f)
