"""sObject writes with Salesforce's validation, running the business rules handed in.

Used by the REST record resources, composite, sObject Collections and bulk load alike,
so every path applies the same checks: field existence, create/update permissions, types,
required fields, ids and references, and system fields from the tenant's clock; then the
business rules on save (``_rules.py``: stage semantics, line-item amounts, auto-numbers).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from simulators.engine import HttpError, Tenant

from . import _ids
from ._errors import (
    cannot_insert_update_activate_entity,
    entity_is_deleted,
    field_integrity_exception,
    insufficient_access_or_readonly,
    invalid_cross_reference_key,
    invalid_field,
    invalid_field_for_insert_update,
    invalid_or_null_for_restricted_picklist,
    json_parser_error,
    malformed_id,
    not_found,
    required_field_missing,
    string_too_long,
)
from ._schema import NUMERIC_TYPES, TEXT_TYPES, FieldDef, ObjectDef, Schema
from ._schema import STAGES_BY_NAME as _STAGES
from ._state import state_of
from ._wire import format_datetime, parse_date, parse_datetime, sf_datetime, sf_datetime_of

#: whole numbers a double holds exactly (coerce refuses an int field's value beyond them)
_EXACT = 2**53

if TYPE_CHECKING:
    from ._plan import WritePlan
    from ._rules import BusinessRules
    from ._state import SalesforceState


def _invalid_field(obj: ObjectDef, name: str) -> HttpError:
    return invalid_field(f"No such column '{name}' on sobject of type {obj.name}")


def _not_a_record(obj: ObjectDef, body: Any) -> HttpError:
    """A record body that is not a JSON object, as Salesforce's deserializer words it."""
    return json_parser_error(
        f"Cannot deserialize instance of {obj.name} from {_json_kind(body)} value"
    )


def _read_only(names: list[str]) -> HttpError:
    return invalid_field_for_insert_update(
        f"Unable to create/update fields: {', '.join(names)}. Please check the security settings of this field "
        "and verify that it is read/write for your profile or permission set.",
        fields=names,
    )


class RecordService:
    """The write and read rules of one CRM simulator."""

    def __init__(self, schema: Schema, rules: BusinessRules) -> None:
        self.schema = schema
        #: the vendor's business rules on save (``_rules.py``), built by the dialect
        self.rules = rules
        # the rules' steps under the names the write paths below call them by
        self._check_unique = rules.check_unique
        self._defaults = rules.defaults
        self._derive = rules.derive
        self._after_write = rules.after_write
        self._templates: dict[str, dict[str, Any]] = {}
        # the last system timestamp formatted, by its second and millisecond: writes in one
        # millisecond share it
        self._stamp_second = self._stamp_milli = -1
        self._stamp = ""

    def stamp(self, ts: float) -> str:
        """``sf_datetime(ts)``, formatted once per millisecond."""
        second, milli = int(ts), int(ts * 1000)
        if milli != self._stamp_milli or second != self._stamp_second:
            self._stamp_second, self._stamp_milli = second, milli
            self._stamp = sf_datetime_of(second, milli)
        return self._stamp

    def plan(self, obj: ObjectDef) -> WritePlan:
        """The object's compiled write plan (the rules' own, recompiled when its fields changed)."""
        return self.rules.plan(obj)

    def blank(self, obj: ObjectDef) -> dict[str, Any]:
        """Every field of ``obj`` set to None, in describe order (records always hold all fields)."""
        t = self._templates.get(obj.name)
        if t is None:
            t = self._templates[obj.name] = {f.name: None for f in obj.fields.values()}
        return dict(t)

    def template(self, type_name: str) -> dict[str, None] | None:
        """The blank record of a type, shared and not to be changed: the store keeps records
        without their null fields and completes them from it on read (None: not an sObject)."""
        t = self._templates.get(type_name)
        if t is None:
            obj = self.schema.get(type_name)
            if obj is None or obj.name != type_name:
                return None
            self.blank(obj)
            t = self._templates[type_name]
        return t

    # -- lookups ---------------------------------------------------------------------

    def object(self, name: str) -> ObjectDef:
        obj = self.schema.get(name)
        if obj is None:
            raise not_found("The requested resource does not exist")
        return obj

    def user_id(self, tenant: Tenant) -> str:
        return state_of(tenant).user_id

    def resolve_id(self, obj: ObjectDef, raw: str) -> str:
        """The 18-char id of a record id in a URL, or a 404/400 as Salesforce answers."""
        norm = _ids.normalize(raw)
        if norm is None:
            raise not_found(
                f"Provided external ID field does not exist or is not accessible: {raw}",
            )
        if not norm.startswith(obj.key_prefix):
            raise malformed_id(
                f"{obj.label} ID: id value of incorrect type: {raw}",
                fields=["Id"],
            )
        return norm

    def fetch(self, tenant: Tenant, obj: ObjectDef, record_id: str) -> dict[str, Any]:
        data = tenant.store.get(obj.name, record_id, include_deleted=True)
        if data is None:
            raise not_found("The requested resource does not exist")
        if data.get("IsDeleted"):
            raise entity_is_deleted("entity is deleted", fields=[])
        return data

    # -- value checks ----------------------------------------------------------------

    def coerce(self, tenant: Tenant, obj: ObjectDef, f: FieldDef, value: Any) -> Any:
        """Validate one field value and return it in stored form."""
        if value is None:
            return None
        t = f.type
        if t in TEXT_TYPES or t == "textarea":
            if isinstance(value, (bool, dict, list)):
                raise _json_type(f, value, "String")
            value = str(value) if not isinstance(value, str) else value
            if f.length and len(value) > f.length:
                raise string_too_long(
                    f"{f.label}: data value too large: {value[:40]} (max length={f.length})",
                    fields=[f.name],
                )
            if f.name == "StageName" and obj.name == "Opportunity" and value not in _STAGES:
                raise invalid_or_null_for_restricted_picklist(
                    f"Stage: bad value for restricted picklist field: {value}",
                    fields=[f.name],
                )
            if f.restricted_picklist and f.picklist_values and value not in f.picklist_values:
                raise invalid_or_null_for_restricted_picklist(
                    f"{f.label}: bad value for restricted picklist field: {value}",
                    fields=[f.name],
                )
            return value
        if t in NUMERIC_TYPES:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise _json_type(f, value, "double" if t != "int" else "int")
            if isinstance(value, str):
                try:
                    value = float(value)
                except ValueError:
                    raise _json_type(f, value, "double") from None
            if isinstance(value, float) and not math.isfinite(value):
                raise _json_type(f, value, "double")
            if t in ("int", "long"):
                if float(value) != int(value):
                    raise json_parser_error(
                        f"Cannot deserialize instance of int from VALUE_NUMBER_FLOAT value {value}",
                        fields=[f.name],
                    )
                return int(value)
            return float(value)
        if t == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise _json_type(f, value, "boolean")
        if t == "date":
            d = parse_date(value) if isinstance(value, str) else None
            if d is None:
                raise _json_type(f, value, "date")
            return d.isoformat()
        if t == "datetime":
            dt = parse_datetime(value) if isinstance(value, str) else None
            if dt is None:
                raise _json_type(f, value, "datetime")
            return format_datetime(dt)
        if t in ("reference", "id"):
            if not isinstance(value, str):
                raise _json_type(f, value, "String")
            if value == "":
                return None
            norm = _ids.normalize(value)
            if norm is None:
                raise malformed_id(
                    f"{f.label}: id value of incorrect type: {value}",
                    fields=[f.name],
                )
            # a reference to objects this simulator does not serve (RecordType, Campaign ...)
            # takes any well-formed id: there is nothing to check it against
            if f.reference_to and any(self.schema.get(n) for n in f.reference_to):
                targets = [self.schema.get(n) for n in f.reference_to]
                target = next(
                    (o for o in targets if o is not None and norm.startswith(o.key_prefix)), None
                )
                if target is None:
                    raise field_integrity_exception(
                        f"{f.label}: id value of incorrect type: {value}",
                        fields=[f.name],
                    )
                if tenant.store.get(target.name, norm) is None:
                    raise invalid_cross_reference_key(
                        "invalid cross reference id",
                        fields=[f.name],
                    )
            return norm
        return value

    def _check_fields(
        self,
        tenant: Tenant,
        obj: ObjectDef,
        body: dict[str, Any],
        creating: bool,
        plan: WritePlan | None = None,
        general: list[str] | None = None,
    ) -> dict[str, Any]:
        """Known, writable, well-typed fields of ``body`` under their canonical names.

        ``general``: the names of the fields that took the general check (``coerce``) are
        added to it; only those can be null. A body whose every value is the usual value of
        a field the write may set, valid by its JSON type alone (the plan's ``simple``
        fields), is checked by one pass and copied whole: what ``coerce`` would return.
        """
        p = plan or self.plan(obj)
        texts, numbers = (
            (p.create_texts, p.create_numbers) if creating else (p.update_texts, p.update_numbers)
        )
        doubles: list[str] | None = None
        for key, value in body.items():
            vt = type(value)
            # the limits read by subscript (a missing key: the general check), which costs
            # less than a ``get`` call per field
            try:
                if vt is str:
                    if len(value) <= texts[key]:
                        continue
                elif vt is int:
                    whole = numbers[key]
                    if -_EXACT < value < _EXACT:
                        if not whole:  # a double field's whole number: held as a double
                            doubles = [key] if doubles is None else [*doubles, key]
                        continue
                elif vt is float and numbers[key] is False and math.isfinite(value):
                    continue
            except KeyError:
                pass
            return self._check_general(tenant, obj, body, creating, p, general)
        out = dict(body)
        if doubles is not None:
            for key in doubles:
                out[key] = float(out[key])
        return out

    def _check_general(
        self,
        tenant: Tenant,
        obj: ObjectDef,
        body: dict[str, Any],
        creating: bool,
        p: WritePlan,
        general: list[str] | None,
    ) -> dict[str, Any]:
        """``_check_fields`` of a body with a field that needs more than its JSON type."""
        out: dict[str, Any] = {}
        read_only: list[str] = []
        texts, numbers = (
            (p.create_texts, p.create_numbers) if creating else (p.update_texts, p.update_numbers)
        )
        for key, value in body.items():
            # the usual value of a field the write may set, valid by its JSON type alone:
            # what coerce would return
            vt = type(value)
            if vt is str:
                most = texts.get(key)
                if most is not None and len(value) <= most:
                    out[key] = value
                    continue
            elif vt is int:
                whole = numbers.get(key)
                if whole is not None and -_EXACT < value < _EXACT:
                    out[key] = value if whole else float(value)
                    continue
            elif vt is float and numbers.get(key) is False and math.isfinite(value):
                out[key] = value
                continue
            if key == "attributes":
                continue
            f = obj.field(key)
            if f is None:
                raise _invalid_field(obj, key)
            if (creating and not f.createable) or (not creating and not f.updateable):
                if f.name == "Id" and not creating:
                    continue  # collections carry Id in the body of an update
                read_only.append(f.name)
                continue
            out[f.name] = self.coerce(tenant, obj, f, value)
            if general is not None:
                general.append(f.name)
        if read_only:
            raise _read_only(read_only)
        return out

    # -- writes ----------------------------------------------------------------------

    def create(self, tenant: Tenant, obj: ObjectDef, body: Any, *, origin: str = "") -> str:
        if not isinstance(body, dict):
            raise _not_a_record(obj, body)
        if not obj.createable:
            raise cannot_insert_update_activate_entity(
                f"entity type {obj.name} does not support insert",
            )
        # looked up once for every step below; kept on the object (``Rules.plan``, whose
        # check it repeats inline, recompiles it when a field was added)
        plan = obj.write_plan
        if plan is None or plan.nfields != len(obj.fields):
            plan = self.rules.plan(obj)
        general: list[str] = []
        # (positional: binding keywords cost the call more than the check of a field)
        values = self._check_fields(tenant, obj, body, True, plan, general)
        # a null in the record: sent (only the general check lets one through) or set by the
        # object's own save rules; the compact form leaves nulls out
        nulls = plan.special or bool(general)
        for name in plan.required:
            if not values.get(name):  # (a required field is text or a reference)
                missing = [n for n in plan.required if values.get(n) in (None, "")]
                if missing:
                    raise required_field_missing(
                        f"Required fields are missing: [{', '.join(missing)}]",
                        fields=missing,
                    )
                break
        if plan.unique and not values.keys().isdisjoint(plan.unique):
            self._check_unique(tenant, obj, values, None, plan)
        ts = tenant.clock.time()
        stamp = self.stamp(ts)
        state: SalesforceState = tenant.state  # (``state_of``, inline on the create's path)
        # ``_ids.new_id``, inline
        counter = tenant.store.next_sequence(plan.id_sequence)
        record_id = _ids.make_id(obj.key_prefix, counter, state.id_space or 0)
        user = state.user_id
        # the record compact, as the store keeps it: the fields with a value, no template
        # copied and filtered per write (the store's template restores the nulls on read);
        # built in ``values`` itself (a copy of the body) unless the object's rules read the
        # fields the body gave apart from the record
        data = values.copy() if plan.special else values
        data["Id"] = record_id
        data["IsDeleted"] = False
        data["CreatedDate"] = stamp
        data["CreatedById"] = user
        data["LastModifiedDate"] = stamp
        data["LastModifiedById"] = user
        data["SystemModstamp"] = stamp
        if plan.owned and not data.get("OwnerId"):
            data["OwnerId"] = user
        self._defaults(tenant, obj, data, stamp, plan)
        self._derive(tenant, obj, data, None, values, plan)
        if nulls and None in data.values():  # the compact form leaves nulls out
            data = {k: v for k, v in data.items() if v is not None}
        tenant.store.insert(obj.name, record_id, data, stamp, at=ts, origin=origin, compact=True)
        if plan.special:  # (roll-ups: line items)
            self._after_write(tenant, obj, data, None, origin)
        return record_id

    def update(
        self, tenant: Tenant, obj: ObjectDef, record_id: str, body: Any, *, origin: str = ""
    ) -> None:
        if not isinstance(body, dict):
            raise _not_a_record(obj, body)
        if not obj.updateable:
            raise cannot_insert_update_activate_entity(
                f"entity type {obj.name} does not support update",
            )
        previous = self.fetch(tenant, obj, record_id)
        plan = self.plan(obj)
        values = self._check_fields(tenant, obj, body, creating=False, plan=plan)
        for f in obj.fields.values():
            if (
                f.name in values
                and values[f.name] in (None, "")
                and not f.nillable
                and f.type != "boolean"
            ):
                raise required_field_missing(
                    f"Required fields are missing: [{f.name}]",
                    fields=[f.name],
                )
        self._check_unique(tenant, obj, values, record_id, plan)
        data = dict(previous)
        data.update(values)
        self._derive(tenant, obj, data, previous, set(values), plan)
        changed = [k for k, v in data.items() if previous.get(k) != v]
        if not changed:
            return  # Salesforce does not bump modstamps for no-op updates
        ts = tenant.clock.time()
        stamp = sf_datetime(ts)
        data["LastModifiedDate"] = stamp
        data["LastModifiedById"] = self.user_id(tenant)
        data["SystemModstamp"] = stamp
        changed += ["LastModifiedDate"]
        tenant.store.update(
            obj.name, record_id, data, previous, stamp, changed_fields=changed, at=ts, origin=origin
        )
        self._after_write(tenant, obj, data, previous, origin)

    def delete(self, tenant: Tenant, obj: ObjectDef, record_id: str, *, origin: str = "") -> None:
        if not obj.deletable:
            raise insufficient_access_or_readonly(
                "insufficient access rights on object id",
                fields=[],
            )
        data = self.fetch(tenant, obj, record_id)
        ts = tenant.clock.time()
        stamp = sf_datetime(ts)
        data = dict(data, IsDeleted=True, SystemModstamp=stamp)
        # cascade to master-detail children, as Salesforce does
        for rel in obj.child_relationships:
            if rel.cascade_delete:
                child = self.schema.get(rel.child_sobject)
                if child is not None:
                    for cid in tenant.store.find_ids(child.name, rel.field, record_id):
                        self.delete(tenant, child, cid, origin=origin)
        tenant.store.delete(obj.name, record_id, data, stamp, at=ts, origin=origin)
        self._after_write(tenant, obj, data, data, origin)

    def upsert(
        self,
        tenant: Tenant,
        obj: ObjectDef,
        field_name: str,
        value: str,
        body: Any,
        *,
        origin: str = "",
        update_only: bool = False,
    ) -> tuple[str, bool, list[str]]:
        """(id, created, ids_if_several). Raises 404 for an unknown external id field."""
        f = obj.field(field_name)
        if f is None or not (f.external_id or f.id_lookup or f.name == "Id"):
            raise not_found(
                f"Provided external ID field does not exist or is not accessible: {field_name}",
            )
        if not isinstance(body, dict):
            raise _not_a_record(obj, body)
        if f.name == "Id":
            norm = _ids.normalize(value) if value else None
            matches = [norm] if norm and tenant.store.get(obj.name, norm) is not None else []
        else:
            matches = tenant.store.find_ids(obj.name, f.name, value)
        if len(matches) > 1:
            return "", False, matches
        body_field = next((k for k in body if k.lower() == f.name.lower()), None)
        if body_field is not None and str(body[body_field]) != value:
            raise invalid_field(
                f"The value of the external ID field in the URL ({value}) does not match the value "
                f"in the request body ({body[body_field]})",
                fields=[f.name],
            )
        clean = {k: v for k, v in body.items() if k.lower() != f.name.lower()}
        if matches:
            self.update(tenant, obj, matches[0], clean, origin=origin)
            return matches[0], False, []
        if update_only:
            raise not_found("The requested resource does not exist")
        if f.name != "Id":
            clean[f.name] = value
        return self.create(tenant, obj, clean, origin=origin), True, []

    # -- bulk load -------------------------------------------------------------------

    def bulk_rows(
        self, tenant: Tenant, obj: ObjectDef, records: list[dict[str, Any]]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Rows for the store's bulk insert: ids assigned, system fields set, no events.

        Bulk load trusts its input more than the API does (no required-field or reference
        checks, so data sets can be loaded in any order) but still refuses unknown fields.
        """
        ts = tenant.clock.time()
        stamp = sf_datetime(ts)
        user = self.user_id(tenant)
        first = tenant.store.reserve_sequence(f"id:{obj.key_prefix}", len(records))
        space = state_of(tenant).id_space or 0
        template = self.blank(obj)
        plan = self.plan(obj)
        rows = []
        for i, rec in enumerate(records):
            data = dict(template)
            for key, value in rec.items():
                if key == "attributes":
                    continue
                f = obj.field(key)
                if f is None:
                    raise _invalid_field(obj, key)
                data[f.name] = value
            record_id = (
                _ids.normalize(str(rec["Id"]))
                if rec.get("Id")
                else _ids.make_id(obj.key_prefix, first + i, space)
            )
            if record_id is None:
                raise malformed_id(f"invalid id {rec.get('Id')!r}")
            data.update({"Id": record_id, "IsDeleted": False})
            for k in ("CreatedDate", "LastModifiedDate", "SystemModstamp"):
                data[k] = data.get(k) or stamp
            for k in ("CreatedById", "LastModifiedById"):
                data[k] = data.get(k) or user
            if "OwnerId" in data and not data.get("OwnerId"):
                data["OwnerId"] = user
            self._defaults(tenant, obj, data, stamp, plan)
            self._derive(tenant, obj, data, None, set(rec), plan)
            rows.append((record_id, str(data["SystemModstamp"]), data))
        return rows


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "START_ARRAY"
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, (int, float)):
        return "VALUE_NUMBER_INT" if isinstance(value, int) else "VALUE_NUMBER_FLOAT"
    if isinstance(value, dict):
        return "START_OBJECT"
    return "VALUE_NULL"


def _json_type(f: FieldDef, value: Any, java_type: str) -> HttpError:
    if java_type == "date":
        return json_parser_error(
            f'Cannot deserialize value of type `java.util.Date` from String "{value}": '
            'expected format "yyyy-MM-dd"',
            fields=[f.name],
        )
    if java_type == "datetime":
        return json_parser_error(
            f'Cannot deserialize value of type `java.util.Calendar` from String "{value}": '
            "expected format \"yyyy-MM-dd'T'HH:mm:ss.SSSZ\"",
            fields=[f.name],
        )
    return json_parser_error(
        f"Cannot deserialize instance of {java_type} from {_json_kind(value)} value "
        f"{value if not isinstance(value, (dict, list)) else ''} or request may be missing a "
        f"required field",
        fields=[f.name],
    )
