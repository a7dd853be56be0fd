"""Standard objects built from the generated describe data (``_describes/*.json``).

Every standard field of the recorded describe is served with its recorded type, length,
precision, flags, picklist values, relationship and compound field. Child relationship
names come from the parent's recorded describe; the few parents without a recording
(Pricebook2) keep the names Salesforce documents for them.
"""

from __future__ import annotations

from typing import Any

from ._describes import DESCRIBED, load
from ._schema import FieldDef, ObjectDef

#: child relationship names for references to parents without a recorded describe
_CHILD_NAMES = {("Opportunity", "Pricebook2Id"): "Opportunities"}


def _children(parents: dict[str, dict[str, Any]]) -> dict[tuple[str, str], tuple[str | None, bool]]:
    out: dict[tuple[str, str], tuple[str | None, bool]] = {}
    for data in parents.values():
        for rel in data["childRelationships"]:
            out[(rel["childSObject"], rel["field"])] = (
                rel["relationshipName"],
                bool(rel["cascadeDelete"]),
            )
    return out


def _field(obj: str, f: dict[str, Any], children: dict[tuple[str, str], Any]) -> FieldDef:
    child_name, cascade = children.get(
        (obj, f["name"]), (_CHILD_NAMES.get((obj, f["name"])), False)
    )
    picks = f["picklistValues"]
    default = next((p["value"] for p in picks if p["defaultValue"]), None)
    return FieldDef(
        name=f["name"],
        type=f["type"],
        label=f["label"],
        nillable=f["nillable"],
        createable=f["createable"],
        updateable=f["updateable"],
        defaulted_on_create=f["defaultedOnCreate"],
        reference_to=tuple(f["referenceTo"]),
        relationship_name=f["relationshipName"],
        child_relationship_name=child_name,
        external_id=f["externalId"],
        unique=f["unique"],
        length=f["length"],
        precision=f["precision"],
        scale=f["scale"],
        digits=f["digits"],
        picklist_values=tuple(p["value"] for p in picks if p["active"]),
        name_field=f["nameField"],
        id_lookup=f["idLookup"],
        cascade_delete=cascade,
        compound_field_name=f["compoundFieldName"],
        restricted_picklist=f["restrictedPicklist"],
        calculated=f["calculated"],
        auto_number=f["autoNumber"],
        default_picklist_value=default,
    )


def described_objects() -> list[ObjectDef]:
    """Account, Contact and Opportunity with every standard field of their describe."""
    data = {name: load(name) for name in DESCRIBED}
    children = _children(data)
    out = []
    for name, d in data.items():
        obj = ObjectDef(
            name=d["name"],
            key_prefix=d["keyPrefix"],
            label=d["label"],
            label_plural=d["labelPlural"],
        )
        for f in d["fields"]:
            obj.add_field(_field(name, f, children))
        out.append(obj)
    return out
