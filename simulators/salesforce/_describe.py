"""describeGlobal, sObject basic info and describe, in Salesforce's JSON shapes.

Field entries carry the same keys as a real org's describe (see the recorded describes
in the vendor specs); values come from the simulator's schema.
"""

from __future__ import annotations

from typing import Any

from ._schema import FieldDef, ObjectDef, Schema

_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "currency": "xsd:double",
    "double": "xsd:double",
    "percent": "xsd:double",
    "int": "xsd:int",
    "long": "xsd:long",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "time": "xsd:time",
}


def object_urls(obj: ObjectDef, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {
        "compactLayouts": f"{base}/describe/compactLayouts",
        "rowTemplate": f"{base}/{{ID}}",
        "approvalLayouts": f"{base}/describe/approvalLayouts",
        "describe": f"{base}/describe",
        "quickActions": f"{base}/quickActions",
        "layouts": f"{base}/describe/layouts",
        "sobject": base,
    }


def object_summary(obj: ObjectDef, version: str) -> dict[str, Any]:
    """One entry of describeGlobal's ``sobjects`` list (also ``objectDescribe``)."""
    return {
        "activateable": False,
        "associateEntityType": None,
        "associateParentEntity": None,
        "createable": obj.createable,
        "custom": obj.custom,
        "customSetting": False,
        "deepCloneable": False,
        "deletable": obj.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": False,
        "hasSubtypes": False,
        "isInterface": False,
        "isSubtype": False,
        "keyPrefix": obj.key_prefix,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "layoutable": not obj.is_platform_event,
        "mergeable": obj.name in ("Account", "Contact"),
        "mruEnabled": not obj.is_platform_event,
        "name": obj.name,
        "queryable": obj.queryable,
        "replicateable": not obj.is_platform_event,
        "retrieveable": obj.queryable,
        "searchable": not obj.is_platform_event,
        "triggerable": True,
        "undeletable": obj.deletable,
        "updateable": obj.updateable,
        "urls": object_urls(obj, version),
    }


def describe_global(schema: Schema, version: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [object_summary(o, version) for o in sorted(schema, key=lambda o: o.name)],
    }


def field_describe(f: FieldDef) -> dict[str, Any]:
    numeric = f.type in ("currency", "double", "percent", "int", "long")
    return {
        "aggregatable": f.type not in ("textarea",),
        "aiPredictionField": False,
        "autoNumber": f.auto_number,
        "byteLength": f.length * 3
        if f.type not in ("id", "reference") and f.length
        else (18 if f.type in ("id", "reference") else 0),
        "calculated": f.calculated,
        "calculatedFormula": None,
        "cascadeDelete": f.cascade_delete,
        "caseSensitive": False,
        "compoundFieldName": f.compound_field_name,
        "controllerName": None,
        "createable": f.createable,
        "custom": f.custom,
        "defaultValue": None,
        "defaultValueFormula": None,
        "defaultedOnCreate": f.defaulted_on_create,
        "dependentPicklist": False,
        "deprecatedAndHidden": False,
        "digits": f.digits or (f.precision if f.type == "int" else 0),
        "displayLocationInDecimal": False,
        "encrypted": False,
        "externalId": f.external_id,
        "extraTypeInfo": None,
        "filterable": f.type != "textarea" or f.length <= 255,
        "filteredLookupInfo": None,
        "formulaTreatNullNumberAsZero": False,
        "groupable": not numeric and f.type not in ("textarea", "datetime"),
        "highScaleNumber": False,
        "htmlFormatted": False,
        "idLookup": f.id_lookup or f.external_id,
        "inlineHelpText": None,
        "label": f.label,
        "length": f.length if f.type not in numeric_types() else 0,
        "mask": None,
        "maskType": None,
        "name": f.name,
        "nameField": f.name_field,
        "namePointing": False,
        "nillable": f.nillable,
        "permissionable": f.nillable and not f.name_field and f.createable,
        "picklistValues": [
            {
                "active": True,
                "defaultValue": v == f.default_picklist_value,
                "label": v,
                "validFor": None,
                "value": v,
            }
            for v in f.picklist_values
        ],
        "polymorphicForeignKey": len(f.reference_to) > 1,
        "precision": f.precision if f.type in ("currency", "double", "percent") else 0,
        "queryByDistance": False,
        "referenceTargetField": None,
        "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship_name,
        "relationshipOrder": None,
        "restrictedDelete": False,
        "restrictedPicklist": f.restricted_picklist,
        "scale": f.scale if f.type in ("currency", "double", "percent") else 0,
        "searchPrefilterable": False,
        "soapType": _SOAP_TYPES.get(f.type, "xsd:string"),
        "sortable": f.type != "textarea" or f.length <= 255,
        "type": f.type,
        "unique": f.unique,
        "updateable": f.updateable,
        "writeRequiresMasterRead": False,
    }


def numeric_types() -> frozenset[str]:
    return frozenset(
        {"currency", "double", "percent", "int", "long", "boolean", "date", "datetime"}
    )


def describe(obj: ObjectDef, version: str) -> dict[str, Any]:
    out = object_summary(obj, version)
    out.update(
        {
            "actionOverrides": [],
            "childRelationships": [
                {
                    "cascadeDelete": rel.cascade_delete,
                    "childSObject": rel.child_sobject,
                    "deprecatedAndHidden": False,
                    "field": rel.field,
                    "junctionIdListNames": [],
                    "junctionReferenceTo": [],
                    "relationshipName": rel.relationship_name,
                    "restrictedDelete": False,
                }
                for rel in obj.child_relationships
            ],
            "compactLayoutable": True,
            "defaultImplementation": None,
            "extendedBy": None,
            "extendsInterfaces": None,
            "fields": [field_describe(f) for f in obj.fields.values()],
            "implementedBy": None,
            "implementsInterfaces": None,
            "listviewable": None,
            "lookupLayoutable": None,
            "namedLayoutInfos": [],
            "networkScopeFieldName": None,
            "recordTypeInfos": [
                {
                    "active": True,
                    "available": True,
                    "defaultRecordTypeMapping": True,
                    "developerName": "Master",
                    "master": True,
                    "name": "Master",
                    "recordTypeId": "012000000000000AAA",
                    "urls": {
                        "layout": f"/services/data/v{version}/sobjects/{obj.name}/describe/layouts/012000000000000AAA"
                    },
                }
            ],
            "searchLayoutable": True,
            "sobjectDescribeOption": "FULL",
            "supportedScopes": [{"label": "All " + obj.label_plural.lower(), "name": "everything"}],
        }
    )
    return out
