"""Entity storage: validation and coercion of request bodies, blanks, number series
and optimistic concurrency on writes (``_render.py`` shows the entities).

Records live in the tenant's store under their entity type name (``customer``,
``salesInvoice``, ...) keyed by their GUID. Internal fields start with ``_``: the
owning company, the row version behind the ETag and the insertion order that paging
follows; they never leave the simulator.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import orjson

from simulators.engine import ConfigError, HttpError, Tenant, json_path, type_literal

from ._edm import ENTITIES, ENUMS, PROPERTIES, PROPERTY_BY_NAME, EntityDef, P
from ._errors import (
    bad_request,
    entity_changed,
    missing_etag,
    read_only,
    record_not_found,
    same_key_exists,
    string_too_long,
)
from ._indexes import INDEXED, field_expr, name_of, read
from ._render import BLANKS, PLAIN_SIZE, VERSION, blank, etag_of, render
from ._state import state_of
from ._wire import GuidPool, bc_datetime, is_guid

COMPANY = "_companyId"
SEQ = "_seq"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: sequence names kept per ``Records`` (companies times series), cleared when full
_NAMES_KEPT = 1024

Rule = Callable[[Tenant, EntityDef, str, dict[str, Any], dict[str, Any] | None], None]


def not_found(ent: EntityDef, key: str) -> HttpError:
    label = ent.name[0].upper() + ent.name[1:]
    return record_not_found(
        f"The {label} does not exist. Identification fields and values: Id='{key}'",
    )


def bad_value(p: P, value: Any) -> HttpError:
    return bad_request(
        f"Cannot convert the literal '{value}' to the expected type '{p.type.replace('NAV.', 'Microsoft.NAV.')}'.",
    )


def coerce(p: P, value: Any) -> Any:
    """A request value as stored, or HttpError when the type does not fit."""
    t = p.type
    if value is None:
        if not p.nullable:
            raise bad_request(f"The property '{p.name}' cannot be null.")
        return blank(t)
    if t == "Edm.String":
        if not isinstance(value, str):
            raise bad_value(p, value)
        if p.max_length is not None and len(value) > p.max_length:
            raise string_too_long(len(value), p.max_length, value)
        return value
    if t in ("Edm.Decimal", "Edm.Double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad_value(p, value)
        return value
    if t in ("Edm.Int32", "Edm.Int64"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_value(p, value)
        return value
    if t == "Edm.Boolean":
        if not isinstance(value, bool):
            raise bad_value(p, value)
        return value
    if t == "Edm.Guid":
        if not is_guid(value):
            raise bad_value(p, value)
        return str(value).lower()
    if t == "Edm.Date":
        if not isinstance(value, str) or not _DATE.match(value):
            raise bad_value(p, value)
        try:
            date.fromisoformat(value)
        except ValueError:
            raise bad_value(p, value) from None
        return value
    if t == "Edm.DateTimeOffset":
        if not isinstance(value, str):
            raise bad_value(p, value)
        return value
    if t in ENUMS:
        members = {m[0] for m in ENUMS[t]} | {m[1] for m in ENUMS[t]}
        if not isinstance(value, str) or value not in members:
            raise bad_request(
                f"The value '{value}' is not valid for the enum type '{t.replace('NAV.', 'Microsoft.NAV.')}'.",
            )
        return next(m[0] for m in ENUMS[t] if value in (m[0], m[1]))
    return value


def new_entity_json(
    context: str,
    ent: EntityDef,
    rec: dict[str, Any],
    stored: bytes,
    tag: str,
    head: bytes | None = None,
) -> bytes:
    """The JSON of ``{"@odata.context": context, **render(ent, rec)}`` for a record ``insert``
    just built and stored as ``stored`` (``orjson.dumps(rec)``); ``tag``: its ETag. ``head``:
    ``entity_head(context)``, when the caller keeps it.

    Such a record holds every property in order, then the internal fields: so the entity is
    the stored JSON up to them, behind the two annotations, and the record is serialised
    once for the store and its answer. (A JSON string cannot hold ``,"_companyId":``
    unescaped, so its last occurrence is where the internal fields start.)"""
    size = PLAIN_SIZE.get(ent.name)
    if size is not None and len(rec) == size + 3:
        last = reversed(rec)
        if next(last) == SEQ and next(last) == VERSION and next(last) == COMPANY:
            cut = stored.rfind(b',"_companyId":')
            if cut > 0:
                if head is None:
                    head = entity_head(context)
                return b"".join((head, orjson.dumps(tag), b",", stored[1:cut], b"}"))
    return orjson.dumps({"@odata.context": context, **render(ent, rec)})


def entity_head(context: str) -> bytes:
    """The JSON of an entity's answer before its ETag's value."""
    return b'{"@odata.context":' + orjson.dumps(context) + b',"@odata.etag":'


class Records:
    """Create, read, update and delete entities of one tenant's companies."""

    def __init__(self, duplicate_status: int = 400) -> None:
        self.rules: dict[str, Rule] = {}
        #: HTTP status of Internal_EntityWithSameKeyExists (the code is documented, the status not)
        self.duplicate_status = duplicate_status
        #: new ids, without a system call or a format each
        self._guids = GuidPool()
        #: (type, field) -> the statement ``find_one`` runs (finitely many: ``INDEXED``)
        self._find_sql: dict[tuple[str, str], str] = {}
        #: entity type -> the name of the sequence its insertion order is drawn from
        self._seq_names: dict[str, str] = {}
        #: (company, series) -> the name of the sequence its numbers are drawn from (bounded)
        self._no_names: dict[tuple[str, str], str] = {}

    # -- reading ---------------------------------------------------------------------

    @staticmethod
    def get(tenant: Tenant, ent: EntityDef, company: str | None, key: str) -> dict[str, Any]:
        rec = tenant.store.get(ent.name, key.lower()) if is_guid(key) else None
        if rec is None or (company is not None and rec.get(COMPANY) != company):
            raise not_found(ent, key)
        return rec

    def find_one(
        self, tenant: Tenant, ent: EntityDef, company: str, field: str, value: Any
    ) -> dict[str, Any] | None:
        """The first live record of the company whose ``field`` equals ``value``."""
        sql = self._find_sql.get((ent.name, field))
        if sql is None:
            if (field, ent.name) not in INDEXED:
                for rid in tenant.store.find_ids(ent.name, field, value):
                    rec = tenant.store.get(ent.name, rid)
                    if rec is not None and rec.get(COMPANY) == company:
                        return rec
                return None
            sql = self._find_sql[(ent.name, field)] = (
                f"SELECT data FROM records INDEXED BY {name_of(field)}"
                f" WHERE type = {type_literal(ent.name)} AND {field_expr(field, ent.name)} = ?"
                f" AND deleted = 0 AND {json_path(COMPANY)} = ? LIMIT 1"
            )
        row = read(tenant, sql, (value, company)).fetchone()
        return None if row is None else tenant.store.load(ent.name, row[0])

    # -- writing ---------------------------------------------------------------------

    def clean(
        self, ent: EntityDef, body: Any, *, creating: bool, allow: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        """The body's properties coerced to their EDM types; unknown or read-only ones refused."""
        if not isinstance(body, dict):
            raise bad_request("Invalid Request Body")
        out: dict[str, Any] = {}
        props = PROPERTY_BY_NAME[ent.name]
        strings = _WRITABLE_STRINGS[ent.name]
        for name, value in body.items():
            # the commonest property: a writable string within its length, kept as given
            limit = strings.get(name)
            if limit is not None and type(value) is str and len(value) <= limit:
                out[name] = value
                continue
            if name.startswith("@odata."):
                continue
            if name in allow:
                out[name] = value
                continue
            p = props.get(name)
            if p is None:
                raise bad_request(
                    f"The property '{name}' does not exist on type 'Microsoft.NAV.{ent.name}'. Make sure to "
                    "only use property names that are defined by the type or mark the type as open type.",
                )
            if name in ent.read_only and not (creating and name == ent.key and value is not None):
                raise read_only(name)
            out[name] = coerce(p, value)
        return out

    def stamp(self, tenant: Tenant) -> tuple[str, str]:
        """(lastModifiedDateTime value, store modstamp) for a write now."""
        now = bc_datetime(tenant.clock.time())
        return now, now

    def insert(
        self,
        tenant: Tenant,
        ent: EntityDef,
        company: str,
        data: dict[str, Any],
        *,
        origin: str = "api",
        emit: bool = True,
    ) -> dict[str, Any]:
        """Fill blanks and system fields, run the entity's rule, store; returns the record."""
        return self.insert_stored(tenant, ent, company, data, origin=origin, emit=emit)[0]

    def insert_stored(
        self,
        tenant: Tenant,
        ent: EntityDef,
        company: str,
        data: dict[str, Any],
        *,
        origin: str = "api",
        emit: bool = True,
    ) -> tuple[dict[str, Any], bytes]:
        """``insert``, also giving the record's JSON as stored (``orjson.dumps`` of it)."""
        name = ent.name
        number = data.get("number")
        if number:
            self.numbered_by_client(tenant, ent, company, number)
        given = data.get("id")
        rid = str(given).lower() if given else self._guids.take()
        rec: dict[str, Any] = {**BLANKS[name], **data}
        rec["id"] = rid
        rec[COMPANY] = company
        rec[VERSION] = 1
        seq_name = self._seq_names.get(name)
        if seq_name is None:
            seq_name = self._seq_names[name] = f"bc:seq:{name}"
        rec[SEQ] = tenant.store.next_sequence(seq_name)
        rule = self.rules.get(name)
        if rule is not None:
            rule(tenant, ent, company, rec, None)
        rec.pop("_system", None)
        self.check_required(ent, rec)
        at = tenant.clock.time()
        now = bc_datetime(at)
        if ent.modified in PROPERTY_BY_NAME[name]:
            rec[ent.modified] = now
        text = orjson.dumps(rec)
        try:  # ``insert_serialised``, without the call in between
            tenant.store.insert(
                name, rid, rec, now, at=at, origin=origin, emit=emit, stored=text.decode()
            )
        except ConfigError:  # the primary key is taken
            raise same_key_exists(
                f"The record in table {name} already exists. Identification fields and values: Id='{rid}'",
                self.duplicate_status,
            ) from None
        return rec, text

    @staticmethod
    def check_required(ent: EntityDef, rec: dict[str, Any]) -> None:
        get = rec.get
        for group in _REQUIRED[ent.name]:
            for name, empties in group:
                if get(name) not in empties:
                    break
            else:
                names = [name for name, _ in group]
                raise bad_request(
                    f"The property '{names[0]}' is required"
                    + (f" (or {', '.join(names[1:])})" if len(names) > 1 else "")
                    + f" on type 'Microsoft.NAV.{ent.name}'.",
                )

    def check_etag(self, rec: dict[str, Any], if_match: str | None, required: bool) -> None:
        if if_match is None or not if_match.strip():
            if required:
                raise missing_etag()
            return
        tags = [t.strip() for t in if_match.split(",")]
        if "*" in tags or etag_of(rec) in tags:
            return
        raise entity_changed()

    def update(
        self,
        tenant: Tenant,
        ent: EntityDef,
        previous: dict[str, Any],
        changes: dict[str, Any],
        *,
        origin: str = "api",
    ) -> dict[str, Any]:
        rec = {**previous, **changes}
        rule = self.rules.get(ent.name)
        if rule is not None:
            rule(tenant, ent, previous[COMPANY], rec, previous)
        rec.pop("_system", None)
        changed = [k for k, v in rec.items() if previous.get(k) != v and not k.startswith("_")]
        if not changed:
            return previous
        if "number" in changed:
            self.numbered_by_client(tenant, ent, previous[COMPANY], rec["number"])
        rec[VERSION] = int(previous.get(VERSION, 1)) + 1
        now, modstamp = self.stamp(tenant)
        if ent.prop(ent.modified) is not None:
            rec[ent.modified] = now
        tenant.store.update(
            ent.name,
            rec["id"],
            rec,
            previous,
            modstamp,
            changed_fields=changed,
            at=tenant.clock.time(),
            origin=origin,
        )
        return rec

    @staticmethod
    def delete(tenant: Tenant, ent: EntityDef, rec: dict[str, Any], *, origin: str = "api") -> None:
        now = bc_datetime(tenant.clock.time())
        tenant.store.delete(ent.name, rec["id"], rec, now, at=tenant.clock.time(), origin=origin)

    # -- series ----------------------------------------------------------------------

    def next_number(
        self,
        tenant: Tenant,
        company: str,
        series: str,
        width: int = 5,
        step: int = 10,
        start: int = 1,
    ) -> str:
        seq_name = self._no_names.get((company, series))
        if seq_name is None:
            if len(self._no_names) >= _NAMES_KEPT:
                self._no_names.clear()
            seq_name = self._no_names[(company, series)] = f"bc:no:{company}:{series}"
        return series + str(tenant.store.next_sequence(seq_name, start) * step).zfill(width)

    # A number drawn from an entity's series (``C00010``, ``C00020``, ..., ``C100000`` once it
    # outgrows five digits) needs no lookup of its own when no record of the type and company
    # has a number of its length above the last one looked up: the series gives each number
    # once, and such a record can only come from a client naming its number (which forgets
    # what was known for its type and company when the number could be one the series gives
    # next) or from the data as it was when last looked at.

    @staticmethod
    def series_number_free(tenant: Tenant, ent: EntityDef, company: str, number: str) -> bool:
        """True when ``number``, just drawn from the series of ``ent``, is known to be free."""
        clear = tenant.state.series_clear.get((ent.name, company))  # ``state_of``, inline
        return clear is not None and len(number) == len(clear) and number > clear

    def look_past_series_number(
        self, tenant: Tenant, ent: EntityDef, company: str, number: str
    ) -> None:
        """After ``number``, drawn from the series of ``ent``, was looked up and found free:
        remember above which number the series is free, when it is known.

        One look along the number index: the highest number of the type (of any company,
        deleted or not) of the length of ``number`` between it and the last number of that
        many digits. Numbers of another length sort among them (``C10001`` between ``C100000``
        and ``C999999``) but are never one the series gives at this length. Not inside a
        transaction, whose rollback could bring back a record it deleted."""
        if tenant.store.conn.in_transaction:
            return
        sql = self._find_sql.get((ent.name, "+series"))
        if sql is None:
            path = field_expr("number", ent.name)
            sql = self._find_sql[(ent.name, "+series")] = (
                f"SELECT {path} FROM records INDEXED BY {name_of('number')}"
                f" WHERE type = {type_literal(ent.name)} AND {path} > ? AND {path} <= ?"
                f" AND length({path}) = ? ORDER BY {path} DESC LIMIT 1"
            )
        last = ent.series + "9" * (len(number) - len(ent.series))
        row = tenant.store.conn.execute(sql, (number, last, len(number))).fetchone()
        highest = number if row is None else max(number, str(row[0]))
        state_of(tenant).series_clear[(ent.name, company)] = highest

    @staticmethod
    def numbered_by_client(tenant: Tenant, ent: EntityDef, company: str, number: Any) -> None:
        """A record of ``ent`` in ``company`` got ``number``, not from its series: what was
        known to be free is forgotten when the series could give that number next (one of
        the known length above the known bound; the series gives no other)."""
        known = state_of(tenant).series_clear
        clear = known.get((ent.name, company))
        if clear is None:
            return
        if not isinstance(number, str) or (len(number) == len(clear) and number > clear):
            del known[(ent.name, company)]

    # -- listing ---------------------------------------------------------------------

    @staticmethod
    def where(ent: EntityDef, company: str | None) -> tuple[str, list[Any]]:
        """The condition for the live records of ``ent`` (of ``company`` unless None)."""
        live, of_company = _WHERE[ent.name]
        if company is None:
            return live, []
        return of_company, [company]


def _blank_of(ent: EntityDef, name: str) -> Any:
    p = ent.prop(name)
    return blank(p.type) if p is not None else None


#: per entity type, the string properties a write may set, with their maximum length (the
#: values ``clean`` keeps as given when they are strings within it)
_WRITABLE_STRINGS: dict[str, dict[str, float]] = {
    e.name: {
        p.name: float("inf") if p.max_length is None else p.max_length
        for p in PROPERTIES[e.name]
        if p.type == "Edm.String" and p.name not in e.read_only
    }
    for e in ENTITIES.values()
}
#: the ``json_extract`` of the insertion order, which pages follow
SEQ_PATH = json_path(SEQ)
#: per entity type, the condition for its live records, and for those of one company
_WHERE: dict[str, tuple[str, str]] = {
    name: (
        f"type = {type_literal(name)} AND deleted = 0",
        f"type = {type_literal(name)} AND deleted = 0 AND {json_path(COMPANY)} = ?",
    )
    for name in ENTITIES
}
#: per entity type, its required groups of properties: each property beside the values that
#: leave it unset (null, empty, its blank)
_REQUIRED: dict[str, tuple[tuple[tuple[str, tuple[Any, ...]], ...], ...]] = {
    e.name: tuple(tuple((n, (None, "", _blank_of(e, n))) for n in g) for g in e.required)
    for e in ENTITIES.values()
}


def company_guid(tenant_name: str, name: str) -> str:
    """The stable id of a tenant's seeded company (same tenant, same id, every run)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"businesscentral/{tenant_name}/{name}"))


def entity(name: str) -> EntityDef:
    return ENTITIES[name]
