"""The record store in NetSuite's terms: ids and eid:, input normalization, references.

Records are stored flat (references as ids, sublists as line lists) so SuiteQL views and
list filters read them with json_extract; ``_render.py`` shows them as NetSuite does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from simulators.engine import ConfigError, HttpError, Tenant, UtcStamps

from ._derived import live_row
from ._errors import invalid_content, invalid_id, nonexistent_id, user_error
from ._schema import FIELD, SUBLIST, UNKNOWN, FieldDef, RecordType, SublistDef, build_types
from ._settings import NetSuiteSettings
from ._values import coerce_scalar, invalid_value
from ._wire import ns_datetime

#: the longest text field NetSuite keeps (``coerce_scalar`` refuses longer)
_MAX_TEXT = 4000
#: at most this many sets of given checkboxes remembered per type (``fill_defaults``)
_FILLS_MAX = 256
#: internal keys kept in the stored document but never rendered
HIDDEN_PREFIX = "_"
_ID_START = {
    "entity": 100,
    "transaction": 1000,
    "item": 10,
    "timebill": 1,
    "projecttask": 1,
    "subsidiary": 1,
    "currency": 1,
}


@dataclass(slots=True)
class WriteContext:
    """Per request: property-name validation mode, sublists to replace, the REST base URL."""

    base: str
    validation: str = "warning"
    replace: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def not_found(record_id: str) -> HttpError:
    return nonexistent_id(
        f"The record instance does not exist. Provide a valid record instance ID. Record ID: {record_id}.",
    )


#: business rules: (tenant, type, data, previous, ctx), run inside each write's transaction
Rules = Callable[[Tenant, RecordType, dict[str, Any], dict[str, Any] | None, "WriteContext"], None]


def stamp(tenant: Tenant) -> tuple[str, str]:
    """(lastModifiedDate, store modstamp) from the tenant clock."""
    now = tenant.clock.time()
    modstamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # the whole second is the modstamp's, unless its microseconds rounded up into the next
    if 0.0 <= now - int(now) < 0.999999:
        return modstamp[:19] + "Z", modstamp
    return ns_datetime(now), modstamp


class RecordService:
    def __init__(self, settings: NetSuiteSettings, rules: Rules | None = None) -> None:
        self.settings = settings
        self.types = build_types()
        #: the business rules every write runs (None: records only, no rules)
        self.rules = rules
        self.stamps = UtcStamps()

    # -- types and ids ---------------------------------------------------------------

    def rtype(self, name: str) -> RecordType:
        rt = self.types.get(name.lower())
        if rt is None:
            raise nonexistent_id(
                f"Record type '{name}' does not exist.",
                extra={"o:urlPath": name},
            )
        return rt

    def resolve_id(
        self, tenant: Tenant, rt: RecordType, raw: str, *, must_exist: bool = True
    ) -> str | None:
        """The internal id for ``raw`` (an id or ``eid:VALUE``); None when absent and not ``must_exist``."""
        if raw[:4].lower() == "eid:":
            eid = raw[4:]
            ids = tenant.store.find_ids(rt.name, "externalId", eid) if eid else []
            if ids:
                return ids[0]
            if must_exist:
                raise not_found(raw)
            return None
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
            raise invalid_id(
                f"The record instance ID '{raw}' is not valid. Provide a valid record instance ID.",
                extra={"o:urlPath": raw},
            )
        rid = str(int(raw))
        if live_row(tenant.store, rt.name, rid) is not None:
            return rid
        if must_exist:
            raise not_found(raw)
        return None

    def load(self, tenant: Tenant, rt: RecordType, raw_id: str) -> dict[str, Any]:
        if (
            raw_id[:4].lower() != "eid:"
            and raw_id.isascii()
            and raw_id.isdigit()
            and len(raw_id) <= 18
        ):
            rid: str | None = str(int(raw_id))  # a plain id: one read, no existence check first
        else:
            rid = self.resolve_id(tenant, rt, raw_id)
        assert rid is not None
        data = tenant.store.get(rt.name, rid)
        if data is None:
            raise not_found(raw_id)
        return data

    def new_id(self, tenant: Tenant, rt: RecordType) -> str:
        start = _ID_START.get(rt.family, 1)
        return str(tenant.store.next_sequence(self.sequence(rt), start))

    @staticmethod
    def sequence(rt: RecordType) -> str:
        """The store sequence ``rt``'s ids come from (shared by its family)."""
        return f"ns:{rt.family}"

    # -- input -----------------------------------------------------------------------

    def normalize(
        self,
        tenant: Tenant,
        rt: RecordType,
        body: Any,
        ctx: WriteContext,
        previous: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """The stored document after applying ``body`` to ``previous`` (or to nothing on create)."""
        if not isinstance(body, dict):
            raise invalid_content(
                "Error while accessing a resource. The request body must be a JSON object.",
            )
        data: dict[str, Any] = dict(previous) if previous else {}
        members, member = rt.plan().members, rt.member
        for key, value in body.items():
            what, d = members.get(key) or member(key)
            if what == FIELD:
                assert isinstance(d, FieldDef)
                if d.kind == "string" and type(value) is str and len(value) <= _MAX_TEXT:
                    data[d.name] = value  # as ``coerce_scalar`` keeps it
                else:
                    data[d.name] = self.coerce(tenant, d, value, key)
            elif what == SUBLIST:
                assert isinstance(d, SublistDef)
                data[d.name] = self._sublist(
                    tenant, d, value, key, ctx, (previous or {}).get(d.name)
                )
            elif what == UNKNOWN:
                self.unknown_property(key, key, ctx)
        return data

    def unknown_property(self, name: str, path: str, ctx: WriteContext) -> None:
        if ctx.validation == "error":
            raise invalid_content(
                f"Error while accessing a resource. Invalid property name: {name}. Remove the "
                "property from the request body or fix its name.",
                extra={"o:errorPath": path},
            )
        if ctx.validation == "warning":
            ctx.warnings.append(f"Unknown property '{path}' was ignored.")

    def coerce(self, tenant: Tenant, f: FieldDef, value: Any, path: str) -> Any:
        if not f.is_ref:
            return coerce_scalar(f, value, path)
        if value is None:
            return None
        if type(value) is dict and len(value) == 1 and f.targets and not f.choices:
            # the usual reference, {"id": "<internal id>"}: the record it names, if it lives
            raw = value.get("id")
            if (
                type(raw) is str
                and raw.isascii()
                and raw.isdigit()
                and len(raw) <= 18
                and (raw[0] != "0" or raw == "0")
            ):
                store = tenant.store
                for name in f.targets:
                    if live_row(store, self.types[name.lower()].name, raw) is not None:
                        return raw
        if not isinstance(value, dict):
            raise invalid_value(value, f.name, path)
        ref = {k.lower(): v for k, v in value.items()}
        raw = ref.get("id")
        eid = ref.get("externalid")
        if raw is None and eid is None:
            if "refname" in ref and f.choices:
                for cid, cname in f.choices:
                    if cname.lower() == str(ref["refname"]).lower():
                        return cid
            raise invalid_value(value, f.name, path)
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, (str, int))):
            raise invalid_value(raw, f.name, f"{path}.id")
        text = str(raw) if raw is not None else f"eid:{eid}"
        if f.choices:
            for cid, _ in f.choices:
                if cid.lower() == text.lower():
                    return cid
            raise invalid_value(text, f.name, path)
        if not f.targets:
            return text
        for name in f.targets:
            target = self.types[name.lower()]
            try:
                rid = self.resolve_id(tenant, target, text, must_exist=False)
            except HttpError:
                raise invalid_value(text, f.name, path) from None
            if rid is not None:
                return rid
        raise invalid_value(text, f.name, path)

    def _sublist(
        self,
        tenant: Tenant,
        sl: SublistDef,
        value: Any,
        path: str,
        ctx: WriteContext,
        previous: list[dict[str, Any]] | None,
    ) -> list[dict[str, Any]]:
        if isinstance(value, dict):
            items = {k.lower(): v for k, v in value.items()}.get("items")
        else:
            items = None
        if not isinstance(items, list):
            raise invalid_content(
                f"Error while accessing a resource. The sublist {sl.name} "
                "must be an object with an items array.",
                extra={"o:errorPath": path},
            )
        merge = previous is not None and sl.name.lower() not in ctx.replace
        lines: list[dict[str, Any]] = [dict(x) for x in previous] if merge and previous else []
        next_line = max((int(x.get("line") or 0) for x in lines), default=0) + 1
        for i, item in enumerate(items):
            ipath = f"{path}.items[{i}]"
            if not isinstance(item, dict):
                raise invalid_content(
                    "Error while accessing a resource. A sublist line must be a JSON object.",
                    extra={"o:errorPath": ipath},
                )
            line: dict[str, Any] = {}
            for key, v in item.items():
                if key.lower() in ("links", "refname"):
                    continue
                f = sl.fields.get(key.lower())
                if f is None:
                    self.unknown_property(key, f"{ipath}.{key}", ctx)
                    continue
                if f.readonly:
                    continue
                line[f.name] = self.coerce(tenant, f, v, f"{ipath}.{key}")
            target = None
            if merge and line.get("line") is not None:
                target = next((x for x in lines if x.get("line") == line["line"]), None)
            if target is not None:
                target.update(line)
            else:
                line["line"] = next_line
                next_line += 1
                lines.append(line)
        return lines

    @staticmethod
    def fill_defaults(rt: RecordType, data: dict[str, Any]) -> None:
        """Checkboxes are never empty: unset booleans are false (a null one in its place, the
        missing ones after the others in field order)."""
        plan = rt.plan()
        given = plan.boolean_set.intersection(data)
        for name in given:
            if data[name] is None:
                data[name] = False
        key = frozenset(given)
        missing = plan.unset_false.get(key)
        if missing is None:
            missing = {name: False for name in plan.booleans if name not in given}
            if len(plan.unset_false) < _FILLS_MAX:
                plan.unset_false[key] = missing
        data.update(missing)

    def check_required(self, rt: RecordType, data: dict[str, Any]) -> None:
        if not rt.sublists:  # the usual case: every required field has a value
            for name in rt.plan().required:
                if data.get(name) in (None, ""):
                    break
            else:
                return
        missing = [name for name in rt.plan().required if data.get(name) in (None, "")]
        for sl in rt.sublists.values():
            for line in data.get(sl.name) or []:
                missing += [
                    f"{sl.name}.{f.name}"
                    for f in sl.fields.values()
                    if f.required and line.get(f.name) in (None, "") and f.name not in missing
                ]
        if missing:
            labels = ", ".join(dict.fromkeys(_label(m) for m in missing))
            raise user_error(
                f"Error while accessing a resource. Please enter value(s) for: {labels}.",
                extra={"o:errorPath": missing[0]},
            )

    # -- writes ----------------------------------------------------------------------

    def stamp(self, tenant: Tenant) -> tuple[str, str]:
        """(lastModifiedDate, store modstamp) from the tenant clock, as ``stamp`` gives them."""
        now = tenant.clock.time()
        second, us = self.stamps.parts(now)
        if 0.0 <= now - int(now) < 0.999999:
            return second + "Z", f"{second}.{us:06d}Z"
        return stamp(tenant)

    def create(
        self,
        tenant: Tenant,
        rt: RecordType,
        body: Any,
        ctx: WriteContext,
        external_id: str | None = None,
    ) -> str:
        data = self.normalize(tenant, rt, body, ctx, None)
        if external_id is not None:
            data["externalId"] = external_id
        return self.insert(tenant, rt, data, ctx)

    def insert(
        self, tenant: Tenant, rt: RecordType, data: dict[str, Any], ctx: WriteContext
    ) -> str:
        store = tenant.store
        seq = self.sequence(rt)
        if rt.is_transaction or store.conn.in_transaction or not store.sequence_cached(seq):
            with store.transaction():
                modstamp = self._prepare(tenant, rt, data, ctx, seq)
                store.insert(
                    rt.name, data["id"], data, modstamp, at=tenant.clock.time(), origin="rest"
                )
            return str(data["id"])
        # One row and nothing else (the rules of a type that is not a transaction only read),
        # its id reserved already: no transaction. A refused create has written nothing and
        # drops the reserved ids as a rollback would, so the ids a client sees next are the
        # same as had it run in one.
        try:
            modstamp = self._prepare(tenant, rt, data, ctx, seq)
        except BaseException:
            store.drop_reserved_sequences()
            raise
        rid: str = data["id"]
        try:
            store.insert(rt.name, rid, data, modstamp, at=tenant.clock.time(), origin="rest")
        except ConfigError:  # the row exists: refused before anything was written
            store.drop_reserved_sequences()
            raise
        return rid

    def _prepare(
        self, tenant: Tenant, rt: RecordType, data: dict[str, Any], ctx: WriteContext, seq: str
    ) -> str:
        """``data`` numbered, stamped, completed by the rules and checked; its modstamp."""
        self._check_external_id(tenant, rt, data, None)
        data["id"] = str(tenant.store.next_sequence(seq, _ID_START.get(rt.family, 1)))
        now, modstamp = self.stamp(tenant)
        if rt.plan().has_created:
            data[rt.created_field] = now
        data["lastModifiedDate"] = now
        if self.rules is not None:
            self.rules(tenant, rt, data, None, ctx)
        self.fill_defaults(rt, data)
        self.check_required(rt, data)
        return modstamp

    def update(
        self, tenant: Tenant, rt: RecordType, previous: dict[str, Any], body: Any, ctx: WriteContext
    ) -> str:
        data = self.normalize(tenant, rt, body, ctx, previous)
        return self.save(tenant, rt, data, previous, ctx)

    def save(
        self,
        tenant: Tenant,
        rt: RecordType,
        data: dict[str, Any],
        previous: dict[str, Any],
        ctx: WriteContext,
    ) -> str:
        store = tenant.store
        with store.transaction():
            self._check_external_id(tenant, rt, data, previous)
            now, modstamp = self.stamp(tenant)
            data["lastModifiedDate"] = now
            if self.rules is not None:
                self.rules(tenant, rt, data, previous, ctx)
            self.check_required(rt, data)
            changed = [
                k for k in data if data.get(k) != previous.get(k) and k != "lastModifiedDate"
            ]
            store.update(
                rt.name,
                data["id"],
                data,
                previous,
                modstamp,
                changed_fields=changed,
                at=tenant.clock.time(),
                origin="rest",
            )
        return str(data["id"])

    def delete(
        self, tenant: Tenant, rt: RecordType, data: dict[str, Any], ctx: WriteContext
    ) -> None:
        store = tenant.store
        with store.transaction():
            now, modstamp = self.stamp(tenant)
            if self.rules is not None:
                self.rules(tenant, rt, {}, data, ctx)
            gone = dict(data)
            gone["lastModifiedDate"] = now
            store.delete(rt.name, data["id"], gone, modstamp, at=tenant.clock.time(), origin="rest")

    def _check_external_id(
        self, tenant: Tenant, rt: RecordType, data: dict[str, Any], previous: dict[str, Any] | None
    ) -> None:
        eid = data.get("externalId")
        if not eid or (previous is not None and previous.get("externalId") == eid):
            return
        if tenant.store.find_ids(rt.name, "externalId", eid):
            raise user_error(
                f"Error while accessing a resource. A record with the external ID "
                f"'{eid}' already exists.",
                extra={"o:errorPath": "externalId"},
            )


def _label(name: str) -> str:
    last = name.rsplit(".", 1)[-1]
    out = "".join(" " + c if c.isupper() else c for c in last).strip()
    return out[:1].upper() + out[1:]
