"""Writes: create, update, delete and external references, with Kantata's business rules applied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import Change, Tenant, json_path, type_literal

from ._coerce import Problems, coerce
from ._errors import not_found, validation_error
from ._feed import (
    RECORD,
    build_event,
    change_key,
    compact_json,
    create_changes,
    head_parts,
    with_payloads,
)
from ._ids import forget as forget_ids
from ._ids import take as take_id
from ._linked import note_link
from ._model import Catalog, Resource
from ._render import CreatedPlan, Presenter, created_plan_key
from ._rule_table import NO_RULES, ResourceRules, checked, rule_table
from ._spliced import spliced
from ._state import state_of
from ._wire import iso_timestamp, tz_from_offset

if TYPE_CHECKING:
    from ._settings import KantataSettings


@dataclass(slots=True)
class Ctx:
    """Who is writing, where, and when."""

    tenant: Tenant
    user_id: str
    #: (collection, id) -> (the store's change count, the record as its event showed it,
    #: and that as JSON); the record None when only its JSON was written (``shaped``)
    shown: dict[tuple[str, str], tuple[int, dict[str, Any] | None, bytes]] = field(
        default_factory=dict
    )

    @property
    def conn(self) -> Any:
        return self.tenant.store.conn

    def still_shown(self) -> dict[tuple[str, str], tuple[dict[str, Any], bytes]]:
        """Records whose event shape is still current: nothing was written after it."""
        now = self.conn.total_changes
        return {key: (self.shaped(key), raw) for key, (n, _, raw) in self.shown.items() if n == now}

    def shaped(self, key: tuple[str, str]) -> dict[str, Any]:
        """The record ``shown`` keeps for ``key``, read from its JSON when only that was
        written (once: later askers get the same object)."""
        n, shaped, raw = self.shown[key]
        if shaped is None:
            shaped = orjson.loads(raw)
            self.shown[key] = (n, shaped, raw)
        return shaped

    def today(self) -> str:
        return self.tenant.clock.now().date().isoformat()


class Records:
    """Generic CRUD over the store; ``_rules.Rules`` supplies each collection's checks."""

    def __init__(self, catalog: Catalog, settings: KantataSettings) -> None:
        from ._rules import Rules  # late: the rules build on this module's Records and Ctx

        self.catalog = catalog
        self.settings = settings
        self.tz = tz_from_offset(settings.utc_offset)
        self.rules = Rules(self)
        #: each collection's hooks, from one table checked against the catalogue
        self.resource_rules = checked(rule_table(self.rules), catalog.by_collection)
        #: (collection, reference field) -> its partial index (``_indexes``)
        self.indexes = catalog.refs.names
        #: plans of new workspaces' answers (``_render.CreatedPlan``), by key layout and
        #: currency
        self._created_plans: dict[Any, CreatedPlan] = {}
        #: collection -> its default values that are lists or objects, each with how it is
        #: copied (per record;
        #: a release adds attributes with None defaults only)
        self._mutable: dict[str, tuple[tuple[str, Callable[[Any], Any]], ...]] = {}

    def fresh(self, res: Resource) -> dict[str, Any]:
        """A new record of ``res`` with its default values: a copy of the defaults, its lists
        and objects copied too (most collections have none)."""
        mutable = self._mutable.get(res.collection)
        if mutable is None:
            mutable = self._mutable[res.collection] = tuple(
                (k, _copier(v)) for k, v in res.stored.items() if isinstance(v, (list, dict))
            )
        rec = res.stored.copy()
        for k, copy in mutable:
            rec[k] = copy(rec[k])
        return rec

    def rules_of(self, res: Resource) -> ResourceRules:
        return self.resource_rules.get(res.collection, NO_RULES)

    def alone(self, res: Resource, item: Any) -> bool:
        """True when creating ``item`` writes its record and event only, in one statement
        (all or none on its own: no transaction needed)."""
        rules = self.rules_of(res)
        return (
            res.events
            and rules.event_first
            and rules.after_create is None
            and isinstance(item, dict)
            and "external_reference" not in item
        )

    # -- reads -----------------------------------------------------------------------

    def get(self, ctx: Ctx, collection: str, rid: str | None) -> dict[str, Any] | None:
        if not rid:
            return None
        return ctx.tenant.store.get(collection, str(rid))

    def require(self, ctx: Ctx, collection: str, rid: str) -> dict[str, Any]:
        rec = self.get(ctx, collection, rid)
        if rec is None:
            raise not_found()
        return rec

    def find(self, ctx: Ctx, collection: str, **match: Any) -> list[dict[str, Any]]:
        sql, params = self._matching(ctx, "data", collection, match)
        load = ctx.tenant.store.load  # events stored compact read as written
        return [
            load(collection, r[0])
            for r in ctx.conn.execute(sql + " ORDER BY CAST(id AS INTEGER)", params)
        ]

    def count(self, ctx: Ctx, collection: str, **match: Any) -> int:
        """How many records ``find`` gives, without reading any of them."""
        sql, params = self._matching(ctx, "count(*)", collection, match)
        return int(ctx.conn.execute(sql, params).fetchone()[0])

    def _matching(
        self, ctx: Ctx, select: str, collection: str, match: dict[str, Any]
    ) -> tuple[str, list[Any]]:
        """The query of ``collection``'s live records whose fields equal ``match``."""
        if match:
            # through a partial index on the first key: SQLite would otherwise scan the type
            first = next(iter(match))
            index = self.catalog.refs.ensure(ctx.tenant.store, collection, first)
            sql = f"SELECT {select} FROM records INDEXED BY {index} WHERE type = {type_literal(collection)}"
        else:
            sql = f"SELECT {select} FROM records WHERE type = {type_literal(collection)}"
        sql += " AND deleted = 0"
        params: list[Any] = []
        for k, v in match.items():
            sql += f" AND {json_path(k)} = ?"
            params.append(v)
        return sql, params

    # -- writes ----------------------------------------------------------------------

    def stamp(self, ctx: Ctx) -> tuple[float, str]:
        now = ctx.tenant.clock.time()
        return now, iso_timestamp(now, self.tz)

    def next_id(self, ctx: Ctx, collection: str) -> str:
        return str(take_id(ctx.tenant, collection))

    def _event_of(
        self, ctx: Ctx, res: Resource, change: Change, eid: str, stored: str | None = None
    ) -> tuple[str, str, str, dict[str, Any] | None, bytes | None] | None:
        """The subscribed event of ``change``: its id, its ``created_at``, its stored JSON
        (compact when its payloads can be rebuilt: ``_feed``), and its current payload and
        that payload's JSON (written once, for the event and the answer). ``stored``: the
        created record's JSON as the store keeps it, placed in a compact event as is."""
        account = int(state_of(ctx.tenant).account_id or self.settings.account_id)
        if change.op == "create" and res.events:
            first, last = head_parts(res, ctx.tenant, change, eid, account, ctx.user_id)
            last["_key"] = change_key(change)
            # a new workspace's answer written from its layout's plan, shaped only when read
            # (a plan serves only shapes that read nothing but the record: pure ones)
            key = created_plan_key(res, change.data, self.settings, ctx.tenant)
            plan = None if key is None else self._created_plans.get(key)
            current: dict[str, Any] | None = None
            if key is not None and plan is not None:
                raw, pure = plan.json(change.data, key[1]), True
            else:
                presenter = Presenter(self.catalog, self.settings, ctx.tenant, [])
                presenter.created = True
                planned = presenter.created_json(res, change.data, self._created_plans)
                if planned is None:
                    current = presenter.shape(res, change.data)
                    raw = orjson.dumps(current)
                else:
                    raw = planned
                pure = presenter.pure
            if pure:  # the payloads are rebuilt from the record when read
                if stored is None:
                    text = orjson.dumps({**first, RECORD: change.data, **last}).decode()
                else:
                    text = compact_json(first, last, stored)
                return eid, last["created_at"], text, current, raw
            assert current is not None  # a planned shape is pure
            ev = {**first, RECORD: change.data, **last}
            full = with_payloads(ev, current, create_changes(self.catalog, change.data))
            return (
                eid,
                last["created_at"],
                spliced(full, full, "current_payload", raw).decode(),
                current,
                raw,
            )
        presenter = Presenter(self.catalog, self.settings, ctx.tenant, [])
        made = build_event(self.catalog, presenter, ctx.tenant, change, eid, account, ctx.user_id)
        if made is None:
            return None
        made["_key"] = change_key(change)
        payload = made["current_payload"]
        if payload is None:
            return eid, made["created_at"], orjson.dumps(made).decode(), None, None
        raw = orjson.dumps(payload)
        whole = spliced(made, made, "current_payload", raw).decode()
        return eid, made["created_at"], whole, payload, raw

    def _shown(
        self,
        ctx: Ctx,
        res: Resource,
        change: Change,
        payload: dict[str, Any] | None,
        raw: bytes | None,
        rules: ResourceRules | None = None,
    ) -> None:
        """The answer to the write shows the event's shape unless a later write changes it
        (``payload`` None: a planned shape, read from ``raw`` when asked for; ``rules``: the
        collection's, when its caller has them)."""
        if rules is None:
            rules = self.rules_of(res)
        if raw is not None and rules.after_create is rules.after_update is None:
            key = (res.collection, change.id)
            ctx.shown[key] = (ctx.conn.total_changes, payload, raw)

    def _event(self, ctx: Ctx, change: Change) -> None:
        """Keep the subscribed event of a committed-with-the-transaction change."""
        res = self.catalog.get(change.type)
        if res is None or not res.events:
            return
        made = self._event_of(ctx, res, change, self.next_id(ctx, "subscribed_events"))
        if made is not None:
            eid, created_at, text, payload, raw = made
            ctx.tenant.store.insert_with(
                "subscribed_events", eid, text, created_at, [], at=change.at, emit=False
            )
            self._shown(ctx, res, change, payload, raw)

    def create(self, ctx: Ctx, res: Resource, attrs: Any) -> dict[str, Any]:
        values, problems = coerce(res, "create", attrs, self.settings.reject_unknown_fields)
        ext = values.pop("external_reference", None)
        rec = self.fresh(res)
        for name in res.required:
            if values.get(name) in (None, "", []) and not any(p[0] == name for p in problems):
                problems.append((name, f"{_human(name)} can't be blank"))
        for k, v in values.items():
            if k in rec:
                rec[k] = v
        rules = self.rules_of(res)
        hook = rules.create
        if hook is not None and not problems:
            hook(ctx, rec, values, problems)
        if problems:
            raise validation_error(problems)
        return self.insert(ctx, res, rec, ext, rules)

    def insert(
        self,
        ctx: Ctx,
        res: Resource,
        rec: dict[str, Any],
        ext: dict[str, Any] | None = None,
        rules: ResourceRules | None = None,
    ) -> dict[str, Any]:
        """Write the new record ``rec`` of ``res`` and its event (``rules``: the collection's,
        when its caller has them)."""
        now, iso = self.stamp(ctx)
        tenant = ctx.tenant
        rec["id"] = str(take_id(tenant, res.collection))
        if "created_at" in res.stored:
            rec["created_at"] = iso
            rec["_created"] = now
        if "updated_at" in res.stored:
            rec["updated_at"] = iso
            rec["_updated"] = now
        note_link(tenant, res.collection, rec)
        if rules is None:
            rules = self.rules_of(res)
        if res.events and rules.event_first:
            # the record and its event in one statement: the event is built first (its
            # shape does not read the record's own row), then both rows are written at once
            change = Change(
                tenant.name,
                res.collection,
                rec["id"],
                "create",
                rec,
                None,
                rec.keys(),
                now,
                ctx.user_id,
            )
            try:
                # the record's JSON made once, for its row and its compact event
                stored = tenant.store.pack(res.collection, rec)
                made = self._event_of(
                    ctx, res, change, str(take_id(tenant, "subscribed_events")), stored
                )
                beside: list[tuple[str, str, dict[str, Any] | str, str]] = (
                    [] if made is None else [("subscribed_events", made[0], made[2], made[1])]
                )
                tenant.store.insert_with_unjournaled(
                    res.collection,
                    rec["id"],
                    rec,
                    iso,
                    beside,
                    at=now,
                    origin=ctx.user_id,
                    stored=stored,
                    change=change,
                )
            except BaseException:
                forget_ids(tenant)  # nothing was written: the ids are read from the store again
                raise
            if made is not None:
                self._shown(ctx, res, change, made[3], made[4], rules)
        else:
            self._event(
                ctx,
                tenant.store.insert(
                    res.collection, rec["id"], rec, iso, at=now, origin=ctx.user_id
                ),
            )
        if ext is not None:
            self.external_reference(
                ctx, {**ext, "subject_type": res.subject_type, "subject_id": rec["id"]}
            )
        after = rules.after_create
        if after is not None:
            after(ctx, rec)
        return rec

    def update(
        self, ctx: Ctx, res: Resource, rid: str, attrs: Any, old: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Update ``rid`` with ``attrs``; ``old``: the record as just read, when it was."""
        if old is None:
            old = self.require(ctx, res.collection, rid)
        values, problems = coerce(res, "update", attrs, self.settings.reject_unknown_fields)
        ext = values.pop("external_reference", None)
        rec = orjson.loads(orjson.dumps(old))
        for name in res.required:
            if (
                name in values
                and values[name] in (None, "", [])
                and not any(p[0] == name for p in problems)
            ):
                problems.append((name, f"{_human(name)} can't be blank"))
        for k, v in values.items():
            if k in rec:
                rec[k] = v
        hook = self.rules_of(res).update
        if hook is not None and not problems:
            hook(ctx, old, rec, values, problems)
        if problems:
            raise validation_error(problems)
        rec = self.save(ctx, res, old, rec)
        after = self.rules_of(res).after_update
        if after is not None:
            after(ctx, old, rec)
        if ext is not None:
            self.external_reference(
                ctx, {**ext, "subject_type": res.subject_type, "subject_id": rid}
            )
        return rec

    def save(
        self, ctx: Ctx, res: Resource, old: dict[str, Any], rec: dict[str, Any]
    ) -> dict[str, Any]:
        """Write ``rec`` over ``old`` when something changed (one change event)."""
        was = old.get
        changed = [k for k, v in rec.items() if v != was(k) and k[:1] != "_"]
        if not changed and rec == old:
            return old
        now, iso = self.stamp(ctx)
        if "updated_at" in res.stored:
            rec["updated_at"] = iso
            rec["_updated"] = now
        note_link(ctx.tenant, res.collection, rec)
        change = ctx.tenant.store.update(
            res.collection,
            rec["id"],
            rec,
            old,
            iso,
            changed_fields=changed,
            at=now,
            origin=ctx.user_id,
        )
        self._event(ctx, change)
        return rec

    def patch(self, ctx: Ctx, collection: str, rid: str, **fields: Any) -> dict[str, Any] | None:
        """Internal update of a few fields (invoicing, approvals) with its change event."""
        res = self.catalog.get(collection)
        old = self.get(ctx, collection, rid)
        if res is None or old is None:
            return None
        rec = {**old, **fields}
        return self.save(ctx, res, old, rec)

    def delete(self, ctx: Ctx, res: Resource, rid: str) -> None:
        rec = self.require(ctx, res.collection, rid)
        hook = self.rules_of(res).delete
        if hook is not None:
            problems: Problems = []
            hook(ctx, rec, problems)
            if problems:
                raise validation_error(problems)
        now, iso = self.stamp(ctx)
        self._event(
            ctx, ctx.tenant.store.delete(res.collection, rid, rec, iso, at=now, origin=ctx.user_id)
        )

    # -- external references ---------------------------------------------------------

    def external_reference(self, ctx: Ctx, attrs: Any) -> dict[str, Any]:
        """Create or update the subject's reference for ``service_name`` (one per service)."""
        res = self.catalog.by_collection["external_references"]
        values, problems = coerce(res, "create", attrs, False)
        for name in res.required:
            if values.get(name) in (None, "") and not any(p[0] == name for p in problems):
                problems.append((name, f"{_human(name)} can't be blank"))
        subject = self.catalog.by_subject.get(str(values.get("subject_type")))
        if not problems:
            if subject is None or not subject.assocs.get("external_references"):
                problems.append(("subject_type", "Subject type is not included in the list"))
            elif self.get(ctx, subject.collection, values["subject_id"]) is None:
                problems.append(("subject_id", "Subject can't be blank"))
        if values.get("status") not in (None, "pending", "successful", "failed"):
            problems.append(("status", "Status is not included in the list"))
        if problems:
            raise validation_error(problems)
        sid = int(values["subject_id"])
        now, iso = self.stamp(ctx)
        existing = self.find(
            ctx,
            "external_references",
            subject_type=values["subject_type"],
            subject_id=sid,
            service_name=values["service_name"],
        )
        fields = {k: v for k, v in values.items() if k in res.stored}
        fields["subject_id"] = sid
        fields["last_synced_at"] = iso
        fields["_last_synced"] = now
        if existing:
            old = existing[0]
            return self.save(ctx, res, old, {**old, **fields})
        rec = self.fresh(res)
        rec.update(fields)
        return self.insert(ctx, res, rec)


def _copier(value: list[Any] | dict[str, Any]) -> Callable[[Any], Any]:
    """How a default list or object is copied for a new record: by ``list`` or ``dict`` when
    it holds no list or object itself, else through its JSON."""
    inner = value.values() if isinstance(value, dict) else value
    if any(isinstance(v, (list, dict)) for v in inner):
        return lambda v: orjson.loads(orjson.dumps(v))
    return dict if isinstance(value, dict) else list


def _human(name: str) -> str:
    from ._coerce import human

    return human(name)
