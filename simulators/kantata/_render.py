"""Records as Kantata shows them: computed fields, foreign-key visibility, side-loads, envelope."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import Tenant, json_path, type_literal

from . import _contract as contract
from ._budget import NO_BUDGET, Budget, workspace_budget
from ._feed import expand_event
from ._indexes import EVENTS
from ._linked import none_linked
from ._model import Assoc, Catalog, Resource
from ._wire import currency_symbol, money_string

if TYPE_CHECKING:
    from ._settings import KantataSettings


def parse_includes(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def parse_optional_fields(values: list[str]) -> set[str]:
    out: set[str] = set()
    for v in values:
        out.update(p.strip() for p in v.split(",") if p.strip())
    return out


class Presenter:
    """Shapes stored records for one request (includes and optional fields)."""

    def __init__(
        self,
        catalog: Catalog,
        settings: KantataSettings,
        tenant: Tenant,
        includes: list[str],
        optional_fields: set[str] | None = None,
        shown: dict[tuple[str, str], tuple[dict[str, Any], bytes]] | None = None,
    ) -> None:
        self.catalog = catalog
        self.settings = settings
        self.tenant = tenant
        self.includes = includes
        self.optional_fields = optional_fields or set()
        #: records shaped already in this request (by their change event), still current,
        #: and their JSON
        self.shown = shown or {}
        #: per workspace, its story tree and time roll-ups (built once per request)
        self._trees: dict[str, _StoryTree] = {}
        #: per workspace, its stories' parent links read one at a time, while few are shaped
        self._chains: dict[str, _StoryChain] = {}
        #: per workspace and the flag its roll-ups read, its roll-ups (read once per request)
        self._budgets: dict[tuple[str, bool], Budget] = {}
        #: the records shaped were just created (their roll-ups are most likely empty)
        self.created = False
        #: every shape so far read nothing but its record (no roll-up, no other record):
        #: shaping the record again gives the same answer (``_feed``'s compact events)
        self.pure = True
        #: shaping a compact event's record again: a workspace's roll-ups are the empty ones
        #: its create found (a compact event is written only then)
        self.replayed = False

    def _sql(self, sql: str, params: Any = ()) -> Any:
        """A read of the tenant's records, the indexes of the reference fields it compares
        made first (``_indexes.RefIndexes``)."""
        return self.catalog.refs.execute(self.tenant.store, sql, params)

    # -- one record ------------------------------------------------------------------

    def load(self, collection: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = self._sql(
                f"SELECT id, data FROM records WHERE type = {type_literal(collection)} AND deleted = 0"
                f" AND id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            if collection == EVENTS:  # stored compact or whole
                for rid, data in rows:
                    out[rid] = expand_event(
                        self.catalog, self.settings, self.tenant, orjson.loads(data)
                    )
                continue
            for rid, data in rows:
                out[rid] = orjson.loads(data)
        return out

    def shape(
        self, res: Resource, rec: dict[str, Any], included: set[str] | None = None
    ) -> dict[str, Any]:
        if not included and not self.optional_fields and self.shown:
            hit = self.shown.get((res.collection, rec["id"]))
            if hit is not None:
                return hit[0]
        # computed associations appear only when included; those held on the record too
        # unless foreign keys show without includes (to-one associations only)
        keep_fks = self.settings.foreign_keys_without_include
        if included:
            out = self.catalog.public_copy(rec)
            for name, fk in self.catalog.hidden_fks(res, keep_fks):
                if name not in included:
                    out.pop(fk, None)
        else:
            out = self.catalog.shown_copy(res, rec, keep_fks)
        self._computed(res, rec, out)
        out["id"] = rec["id"]
        return out

    def created_json(
        self, res: Resource, rec: dict[str, Any], plans: dict[Any, CreatedPlan]
    ) -> bytes | None:
        """``orjson.dumps(self.shape(res, rec))`` of a workspace just created with nothing
        pointing at it, asked without optional fields, made from a plan of its key layout and
        currency (``CreatedPlan``) instead of shaped; None when it is not such a workspace, or
        its plan is not made yet (the first one is shaped, and makes it)."""
        if self.optional_fields or not self.created:
            return None
        key = created_plan_key(res, rec, self.settings, self.tenant)
        if key is None:
            return None
        cur = key[1]
        plan = plans.get(key)
        if plan is None:
            if len(plans) < _PLANS:
                made = CreatedPlan.of(rec, cur, self.shape(res, rec), lambda r: self.shape(res, r))
                if made is not None:
                    plans[key] = made
            return None
        return plan.json(rec, cur)

    def _computed(self, res: Resource, rec: dict[str, Any], out: dict[str, Any]) -> None:
        c = res.collection
        cur = rec.get("currency") or self.settings.default_currency
        if "currency" in res.stored:
            out["currency_symbol"] = currency_symbol(cur).strip()
            out["currency_base_unit"] = 100
        if c == "workspaces":
            self._workspace(rec, out, cur)
        elif c == "stories":
            self._story(rec, out)
        elif c == "workspace_resources":
            self._resource(rec, out)
        elif c in ("time_entries", "expenses"):
            out["user_can_edit"] = not rec.get("is_invoiced") and not rec.get("_locked", False)
        elif c == "timesheet_submissions":
            out["line_item_total_formatted"] = money_string(
                int(rec.get("line_item_total_in_cents") or 0), cur
            )
            pending = rec.get("status") == "pending"
            out["permissions"] = {
                "can_cancel_submission": pending,
                "can_approve_submission": pending,
                "can_reject_submission": pending,
                "can_resubmit_submission": rec.get("status") in ("rejected", "cancelled"),
            }
        elif c == "subscribed_events" and self.settings.event_payloads_optional:
            for k in ("current_payload", "previous_payload", "payload_changes"):
                if k not in self.optional_fields:
                    out.pop(k, None)
        asked = self.optional_fields
        # the optional fields' values are computed only when some are asked for
        contract.apply(c, rec, out, asked, self._optional_values(c, rec, out) if asked else {})

    def _optional_values(
        self, collection: str, rec: dict[str, Any], out: dict[str, Any]
    ) -> dict[str, Any]:
        """Values of optional fields that are not stored (only computed when asked for)."""
        asked = self.optional_fields & contract.optional_fields(collection)
        if not asked:
            return {}
        if collection == "stories":
            editable = not rec.get("archived")
            return {
                "archived_editable": bool(rec.get("archived")),
                "can_align_time": editable,
                "can_edit": editable,
                "can_post": True,
                "custom_task_status_id": None,
                "formatted_description": rec.get("description") or "",
                "parsed_description": rec.get("description") or "",
                "has_out_of_bounds_sads": False,
                "is_time_trackable_type": rec.get("story_type") in ("task", "milestone", "issue"),
                "read_only": False,
                "render_description_markdown": False,
            }
        if collection == "workspaces":
            self.pure = False
            estimated, approved = self._sql(
                "SELECT (SELECT coalesce(sum(json_extract(data,'$.time_estimate_in_minutes')),0) "
                "FROM records WHERE type = 'stories' AND deleted = 0 AND "
                f"{json_path('workspace_id')} = ?1), (SELECT coalesce(sum(CASE WHEN "
                "json_extract(data,'$.approved') THEN json_extract(data,'$.time_in_minutes') END),0) "
                "FROM records WHERE type = 'time_entries' AND deleted = 0 AND "
                f"{json_path('workspace_id')} = ?1)",
                (rec["id"],),
            ).fetchone()
            return {
                "estimated_minutes": int(estimated),
                "total_minutes_approved": int(approved),
                "total_invoiced": "0",
                "lock_date": None,
                "client_lead_name": None,
                "provider_lead_name": None,
                "incoming_email_address": None,
                "revenue_recognition_method_id": None,
                "revenue_recognition_method_name": None,
            }
        return {}

    def _workspace(self, rec: dict[str, Any], out: dict[str, Any], cur: str) -> None:
        if self.replayed or (self.created and none_linked(self.tenant, rec["id"])):
            b = NO_BUDGET
        else:
            # a write's event shapes the workspace before and after: its roll-ups read other
            # records only, and the workspace's own flags (a request reads them once)
            key = (rec["id"], bool(rec.get("expenses_in_burn_rate")))
            b = self._budgets.get(key) or workspace_budget(
                self.tenant.store.conn, rec, self.created
            )
            self._budgets[key] = b
            self.pure = False
        price = rec.get("price_in_cents")
        if (price is None or type(price) is int) and type(cur) is str:
            # the same for many workspaces
            out.update(
                _new_workspace_figures(price, cur)
                if b is NO_BUDGET
                else _workspace_figures(b, price, cur)
            )
        else:
            out.update(_figures(b, price, cur))
        out.update(_own_figures(rec))
        # the token acts as the account administrator (Kantata's permission keys)
        out["permissions"] = dict(_PERMISSIONS)
        out["status"] = rec.get("status") or {
            "color": "green",
            "key": rec.get("status_key", 305),
            "message": "In Progress",
        }
        if "billable_minutes" in self.optional_fields:
            out["billable_minutes"] = b.billable_minutes
        if "non_billable_minutes" in self.optional_fields:
            out["non_billable_minutes"] = b.non_billable_minutes
        if "minutes_logged" in self.optional_fields:
            out["minutes_logged"] = b.billable_minutes + b.non_billable_minutes

    def _story(self, rec: dict[str, Any], out: dict[str, Any]) -> None:
        self.pure = False
        billable, nonbillable, used = self._sql(
            "SELECT coalesce(sum(CASE WHEN json_extract(data,'$.billable') THEN json_extract(data,"
            "'$.time_in_minutes') END),0), coalesce(sum(CASE WHEN NOT json_extract(data,'$.billable') THEN "
            "json_extract(data,'$.time_in_minutes') END),0), coalesce(sum(CASE WHEN json_extract(data,"
            "'$.billable') AND json_extract(data,'$.approved') THEN json_extract(data,'$.time_in_minutes') * "
            "json_extract(data,'$.rate_in_cents') / 60.0 END),0) FROM records WHERE type = 'time_entries' AND "
            f"deleted = 0 AND {json_path('story_id')} = ?",
            (rec["id"],),
        ).fetchone()
        out["logged_billable_time_in_minutes"] = int(billable)
        out["logged_nonbillable_time_in_minutes"] = int(nonbillable)
        out["budget_used_in_cents"] = round(used)
        out["sub_story_count"] = subs = int(
            self._sql(
                f"SELECT count(*) FROM records WHERE type = 'stories' AND deleted = 0 AND {json_path('parent_id')} = ?",
                (rec["id"],),
            ).fetchone()[0]
        )
        tree = self._tree(str(rec.get("workspace_id") or ""), subs == 0)
        ancestors: list[str] = []
        parent = tree.parent.get(rec["id"], rec.get("parent_id"))
        while parent and str(parent) not in ancestors and len(ancestors) < 100:
            ancestors.append(str(parent))
            parent = tree.parent.get(str(parent))
        out["ancestor_ids"] = list(reversed(ancestors))
        out["subtree_depth"] = len(ancestors)
        out["status"] = rec.get("state")
        out["uninvoiced_balance_in_cents"] = out["budget_used_in_cents"]
        totals = tree.descendant_totals(rec["id"])
        out["sub_stories_time_estimate_in_minutes"] = totals[0]
        out["sub_stories_budget_estimate_in_cents"] = totals[1]
        out["sub_stories_billable_time_in_minutes"] = totals[2]
        out["sub_stories_budget_used_in_cents"] = round(totals[3])

    def _tree(self, workspace_id: str, leaf: bool = False) -> _StoryTree | _StoryChain:
        """The workspace's stories for one story's ancestors and sub-story totals. A story
        without sub-stories (``leaf``: a new one, most writes) reads only its parent chain
        (``_StoryChain``), so a write's answer and event cost the same in a workspace of any
        size; once a request has shaped more of the workspace's stories than a few (a
        list), the whole tree is read once instead."""
        tree = self._trees.get(workspace_id)
        if tree is not None:
            return tree
        if leaf:
            chain = self._chains.get(workspace_id)
            if chain is None:
                chain = self._chains[workspace_id] = _StoryChain(
                    self.tenant.store.conn, workspace_id
                )
            if chain.shaped < _CHAIN_SHAPES:
                chain.shaped += 1
                return chain
        tree = self._trees[workspace_id] = _StoryTree.load(self.tenant.store.conn, workspace_id)
        return tree

    def _resource(self, rec: dict[str, Any], out: dict[str, Any]) -> None:
        self.pure = False
        users = self.load("users", [rec["user_id"]] if rec.get("user_id") else [])
        roles = self.load("roles", [rec["role_id"]] if rec.get("role_id") else [])
        ws = self.load("workspaces", [rec["workspace_id"]] if rec.get("workspace_id") else [])
        user = users.get(rec.get("user_id") or "")
        role = roles.get(rec.get("role_id") or "")
        full_name = user.get("full_name") if user else None
        out["full_name"] = full_name
        out["role_name"] = role.get("name") if role else None
        out["workspace_title"] = next(iter(ws.values())).get("title") if ws else None
        out["label"] = rec.get("label") or out["role_name"] or full_name
        out["display_label"] = " - ".join(x for x in (full_name, out["role_name"]) if x) or None
        name = out["role_name"] or ""
        out["role_initials"] = (
            "".join(w[0] for w in name.split() if w[:1].isalnum()).upper() or None
        )
        out["photo_path"] = user.get("photo_path") if user else None
        bill = rec.get("_bill_rate_in_cents")
        cost = rec.get("_cost_rate_in_cents")
        out["resource_bill_rate"] = f"{bill / 100:.2f}" if bill is not None else None
        out["resource_cost_rate"] = f"{cost / 100:.2f}" if cost is not None else None

    # -- associations ----------------------------------------------------------------

    def assoc_ids(self, res: Resource, rec: dict[str, Any], name: str, assoc: Assoc) -> list[str]:
        if assoc.polymorphic:
            return [
                r[0]
                for r in self._sql(
                    "SELECT id FROM records WHERE type = 'external_references' AND deleted = 0 AND "
                    "json_extract(data, '$.subject_type') = ? AND json_extract(data, '$.subject_id') = ? "
                    "ORDER BY CAST(id AS INTEGER)",
                    (res.subject_type, _int(rec["id"])),
                )
            ]
        if assoc.reverse:
            return [
                r[0]
                for r in self._sql(
                    f"SELECT id FROM records WHERE type = {type_literal(assoc.collection)} AND deleted = 0"
                    f" AND {json_path(assoc.reverse)} = ? ORDER BY CAST(id AS INTEGER)",
                    (rec["id"],),
                )
            ]
        if assoc.through == "workspace_resources":
            return _unique(
                [
                    r[0]
                    for r in self._sql(
                        "SELECT json_extract(data, '$.user_id') FROM records WHERE type = 'workspace_resources' AND "
                        "deleted = 0 AND json_extract(data, '$.workspace_id') = ? AND json_extract(data, '$.user_id') "
                        "IS NOT NULL ORDER BY CAST(id AS INTEGER)",
                        (rec["id"],),
                    )
                ]
            )
        if assoc.through == "assignments":
            return _unique(
                [
                    r[0]
                    for r in self._sql(
                        "SELECT json_extract(data, '$.assignee_id') FROM records WHERE type = 'assignments' AND "
                        "deleted = 0 AND json_extract(data, '$.story_id') = ? ORDER BY CAST(id AS INTEGER)",
                        (rec["id"],),
                    )
                ]
            )
        value = rec.get(assoc.fk)
        if assoc.many:
            return [str(v) for v in (value or [])]
        return [str(value)] if value not in (None, "") else []

    def envelope(
        self, res: Resource, records: list[dict[str, Any]], total: int, page: int, per_page: int
    ) -> dict[str, Any]:
        """Brainstem's envelope: count, results [{key,id}], keyed collections, meta."""
        body: dict[str, Any] = {
            "count": total,
            "results": [{"key": res.collection, "id": r["id"]} for r in records],
        }
        main: dict[str, Any] = {}
        side: dict[str, dict[str, Any]] = {}
        tree = include_tree(self.includes)
        wanted = [n for n in tree if n in res.assocs]
        #: collection -> the nested includes asked for on its side-loaded records
        nested: dict[str, dict[str, Any]] = {}
        for rec in records:
            shaped = self.shape(res, rec, set(wanted))
            for name in wanted:
                assoc = res.assocs[name]
                if not assoc.collection:  # polymorphic subject
                    ref = self._subject_ref(rec, side)
                    shaped[assoc.fk] = ref
                    continue
                ids = self.assoc_ids(res, rec, name, assoc)
                shaped[assoc.fk] = ids if assoc.many else (ids[0] if ids else None)
                side.setdefault(assoc.collection, {}).update({i: None for i in ids})
                merge_tree(nested.setdefault(assoc.collection, {}), tree[name])
            main[rec["id"]] = shaped
        body[res.collection] = main
        self._sideload(body, side, nested)
        pages = math.ceil(total / per_page) if per_page else 1
        body["meta"] = {
            "count": total,
            "page_count": pages,
            "page_number": page,
            "page_size": per_page,
        }
        return body

    def _sideload(
        self,
        body: dict[str, Any],
        side: dict[str, dict[str, Any]],
        nested: dict[str, dict[str, Any]],
    ) -> None:
        """Load the side records, following nested includes (``workspace.participants``)
        from each side-loaded collection to the next until nothing new is asked for."""
        done: set[tuple[str, str]] = set()
        while True:
            work = [
                (c, i, v)
                for c, ids_map in side.items()
                for i, v in ids_map.items()
                if (c, i) not in done
            ]
            if not work:
                return
            by_collection: dict[str, list[tuple[str, Any]]] = {}
            for c, i, v in work:
                by_collection.setdefault(c, []).append((i, v))
                done.add((c, i))
            for collection, items in by_collection.items():
                target = self.catalog.get(collection)
                bucket = body.setdefault(collection, {})
                missing = [i for i, v in items if v is None and i not in bucket]
                loaded = self.load(collection, missing) if target is not None else {}
                sub = nested.get(collection, {})
                names = [n for n in sub if target is not None and n in target.assocs]
                for i, v in items:
                    if v is not None:
                        bucket.setdefault(i, v)
                        continue
                    if i not in loaded or target is None or i in bucket:
                        continue
                    shaped = self.shape(target, loaded[i], set(names))
                    for name in names:
                        assoc = target.assocs[name]
                        if not assoc.collection:
                            continue
                        ids = self.assoc_ids(target, loaded[i], name, assoc)
                        shaped[assoc.fk] = ids if assoc.many else (ids[0] if ids else None)
                        next_map = side.setdefault(assoc.collection, {})
                        for j in ids:
                            next_map.setdefault(j, None)
                        merge_tree(nested.setdefault(assoc.collection, {}), sub[name])
                    bucket[i] = shaped

    def _subject_ref(
        self, rec: dict[str, Any], side: dict[str, dict[str, Any]]
    ) -> dict[str, str] | None:
        target = self.catalog.by_subject.get(str(rec.get("subject_type")))
        if target is None or rec.get("subject_id") is None:
            return None
        sid = str(rec["subject_id"])
        loaded = self.load(target.collection, [sid])
        if sid not in loaded:
            return None
        side.setdefault(target.collection, {})[sid] = self.shape(target, loaded[sid])
        return {"key": target.collection, "id": sid}


#: plans of new workspaces' answers kept per dialect (key layouts and currencies)
_PLANS = 256


def created_plan_key(
    res: Resource, rec: dict[str, Any], settings: KantataSettings, tenant: Tenant
) -> tuple[tuple[str, ...], str] | None:
    """The key (key layout, currency) of the plan that writes the answer of ``rec``, a record
    of ``res`` just created, shown without includes or optional fields
    (``Presenter.created_json``); None when no plan can (not a workspace with nothing
    pointing at it, a price or currency of another type, no status)."""
    if res.collection != "workspaces":
        return None
    price = rec.get("price_in_cents")
    cur = rec.get("currency") or settings.default_currency
    if not (
        (price is None or type(price) is int)
        and type(cur) is str
        and rec.get("status")  # shown as stored (else a status made from its key)
        and none_linked(tenant, rec["id"])
    ):
        return None
    return (tuple(rec), cur)


#: a new workspace's fields a plan is chosen by (its key) or that choose whether one serves
_UNMARKED = frozenset(("id", "currency", "status"))


class CreatedPlan:
    """How the shape of a workspace just created with nothing pointing at it is written,
    learnt from the first one shaped with its key layout and currency: the record's own keys
    it shows as they are, in their order, then its computed fields. Those that read the
    record (its price, due date, archived flag: ``_created_figures``, the functions
    ``_workspace`` shows them by) are written from each record; the rest are kept.
    ``Presenter.created_json`` serves it."""

    __slots__ = ("between", "drop", "end", "segment")

    def __init__(
        self, drop: tuple[str, ...], between: bytes, segment: dict[str, Any], end: bytes
    ) -> None:
        #: the record's keys it does not show (the rest it shows in their order)
        self.drop = drop
        #: the JSON after the record's own keys, before the first field written from the
        #: record (``_created_figures``), with its leading comma
        self.between = between
        #: the computed fields from the first written from the record to the last, in their
        #: order (those written from the record over the values kept here): one object
        self.segment = segment
        #: the JSON after them, to the end of the shape
        self.end = end

    @classmethod
    def of(
        cls,
        rec: dict[str, Any],
        cur: str,
        shaped: dict[str, Any],
        reshape: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> CreatedPlan | None:
        """The plan ``shaped`` (the shape of ``rec``) follows, checked on ``rec`` with its
        price changed and every other value but its id, currency and status replaced by a
        mark, shaped again (``reshape``): the marks must show as they are, the fields of
        ``_created_figures`` as it makes them, every other computed field as before. None
        when it does not (a field reads more of the record)."""
        keys = list(shaped)
        n = 0
        while n < len(keys) and keys[n] in rec and shaped[keys[n]] is rec[keys[n]]:
            n += 1
        kept, tail = keys[:n], keys[n:]
        own = _created_figures(rec, cur)
        if any(k in rec for k in tail) or not own.keys() <= set(tail):
            return None
        marked = {
            k: v if k in _UNMARKED else f"\x00{k}" for k, v in rec.items()
        }  # the marks are strings: every field the shape reads takes one
        if "price_in_cents" in rec:  # another price: the shape must still take it
            price = rec["price_in_cents"]
            marked["price_in_cents"] = 4321 if price is None else price + 1
        again = reshape(marked)
        if list(again) != keys or any(again[k] is not marked[k] for k in kept):
            return None
        own_marked = _created_figures(marked, cur)
        for k in tail:
            first, second = (own[k], own_marked[k]) if k in own else (shaped[k], shaped[k])
            if orjson.dumps(shaped[k]) != orjson.dumps(first) or orjson.dumps(
                again[k]
            ) != orjson.dumps(second):
                return None
        drop = tuple(k for k in rec if k not in shaped)
        if [k for k in rec if k in shaped] != kept:  # shown in the record's order
            return None
        if not kept:
            return None
        at = [i for i, k in enumerate(tail) if k in own]
        lo, hi = at[0], at[-1] + 1
        between, end = (
            orjson.dumps({k: shaped[k] for k in part})[1:-1] for part in (tail[:lo], tail[hi:])
        )
        return cls(
            drop,
            b"," + between if between else b"",
            # a copy of its own: nothing else can change the values it writes
            orjson.loads(orjson.dumps({k: shaped[k] for k in tail[lo:hi]})),
            (b"," + end if end else b"") + b"}",
        )

    def json(self, rec: dict[str, Any], cur: str) -> bytes:
        """The shaped record's JSON, as ``orjson.dumps`` writes it (``cur``: its currency
        as shown)."""
        shown = rec.copy()  # a copy and a few deletions cost less than a filter of every key
        for k in self.drop:
            del shown[k]
        own = orjson.dumps(shown)[:-1]
        segment = self.segment.copy()
        segment.update(_created_figures(rec, cur))  # each in its place
        return b"".join((own, self.between, b",", orjson.dumps(segment)[1:-1], self.end))


class _StoryTree:
    """A workspace's stories (parent links, estimates) and billable time per story."""

    __slots__ = ("children", "parent", "values")

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        #: story id -> [time estimate, budget estimate, billable minutes, used cents]
        self.values: dict[str, list[float]] = {}

    @classmethod
    def load(cls, conn: Any, workspace_id: str) -> _StoryTree:
        t = cls()
        for sid, parent, est, budget in conn.execute(
            "SELECT id, json_extract(data,'$.parent_id'), json_extract(data,'$.time_estimate_in_minutes'), "
            "json_extract(data,'$.budget_estimate_in_cents') FROM records WHERE type = 'stories' "
            f"AND deleted = 0 AND {json_path('workspace_id')} = ?",
            (workspace_id,),
        ):
            t.values[sid] = [float(est or 0), float(budget or 0), 0.0, 0.0]
            if parent:
                t.parent[sid] = str(parent)
                t.children.setdefault(str(parent), []).append(sid)
        for sid, minutes, used in conn.execute(
            "SELECT json_extract(data,'$.story_id'), coalesce(sum(CASE WHEN json_extract(data,"
            "'$.billable') THEN json_extract(data,'$.time_in_minutes') END),0), coalesce(sum("
            "CASE WHEN json_extract(data,'$.billable') AND json_extract(data,'$.approved') THEN "
            "json_extract(data,'$.time_in_minutes') * json_extract(data,'$.rate_in_cents') / 60.0 "
            "END),0) FROM records INDEXED BY kt_rollups__workspace_id WHERE type = "
            "'time_entries' AND deleted = 0 AND json_extract(data,'$.workspace_id') = ? "
            "AND json_extract(data,'$.story_id') IS NOT NULL GROUP BY 1",
            (workspace_id,),
        ):
            v = t.values.get(str(sid))
            if v is not None:
                v[2], v[3] = float(minutes), float(used)
        return t

    def descendant_totals(self, story_id: str) -> list[float]:
        out = [0.0, 0.0, 0.0, 0.0]
        stack = list(self.children.get(story_id, ()))
        seen: set[str] = set()
        while stack:
            sid = stack.pop()
            if sid in seen:
                continue
            seen.add(sid)
            for i, x in enumerate(self.values.get(sid, ())):
                out[i] += x
            stack.extend(self.children.get(sid, ()))
        return [int(out[0]), int(out[1]), int(out[2]), out[3]]


#: stories of one workspace a request shapes from their parent chains before it reads the tree
_CHAIN_SHAPES = 4


class _StoryChain:
    """A workspace's story parent links read one story at a time, for stories without
    sub-stories: ``parent.get`` answers as ``_StoryTree.parent.get`` does (a live story of
    the workspace with a parent -> that parent), and their sub-story totals are those of
    no sub-stories."""

    __slots__ = ("parent", "shaped")

    def __init__(self, conn: Any, workspace_id: str) -> None:
        self.parent = _ParentLinks(conn, workspace_id)
        #: stories shaped from this chain in the request
        self.shaped = 0

    def descendant_totals(self, story_id: str) -> list[float]:
        return _StoryTree().descendant_totals(story_id)


class _ParentLinks:
    """Story id -> its parent's id, for the live stories of one workspace that have one;
    each read once (by the records' unique ``(type, id)`` key)."""

    __slots__ = ("_conn", "_known", "_workspace_id")

    def __init__(self, conn: Any, workspace_id: str) -> None:
        self._conn = conn
        self._workspace_id = workspace_id
        self._known: dict[str, str | None] = {}

    def get(self, story_id: str, default: Any = None) -> Any:
        if story_id in self._known:
            parent = self._known[story_id]
        else:
            row = self._conn.execute(
                "SELECT json_extract(data,'$.parent_id') FROM records WHERE type = 'stories' "
                f"AND id = ? AND deleted = 0 AND {json_path('workspace_id')} = ?",
                (story_id, self._workspace_id),
            ).fetchone()
            parent = str(row[0]) if row is not None and row[0] else None
            self._known[story_id] = parent
        return default if parent is None else parent


def include_tree(includes: list[str]) -> dict[str, Any]:
    """``["workspace.participants", "user"]`` -> ``{"workspace": {"participants": {}}, "user": {}}``."""
    tree: dict[str, Any] = {}
    for inc in includes:
        node = tree
        for part in (p.strip() for p in inc.split(".")):
            if part:
                node = node.setdefault(part, {})
    return tree


def merge_tree(into: dict[str, Any], other: dict[str, Any]) -> None:
    for k, v in other.items():
        merge_tree(into.setdefault(k, {}), v)


def _int(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _unique(values: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v is not None:
            seen[str(v)] = None
    return list(seen)


#: Kantata's permission keys of a workspace, as the account administrator the token acts as
_PERMISSIONS = {
    "can_upload_files": True,
    "can_private_message": True,
    "can_join": False,
    "is_participant": False,
    "access_level": "maven",
    "team_lead": False,
    "user_is_client": False,
    "can_change_price": True,
    "can_change_story_billable": True,
    "can_post": True,
    "can_edit": True,
    "restricted": False,
    "can_see_financials": True,
    "is_guest_on_project": False,
}


def _figures(b: Budget, price: Any, cur: str) -> dict[str, Any]:
    """A workspace's computed fields, in the order it shows them; those that read the record
    itself (due date, archived, permissions, status) hold a place that ``_workspace`` fills."""
    return {
        "price": None,
        "budget_used_in_cents": b.used_in_cents,
        "budget_used": money_string(b.used_in_cents, cur),
        "budget_remaining": None,
        "over_budget": None,
        "percent_of_budget_used": None,
        "total_expenses_in_cents": b.expenses_in_cents,
        "effective_due_date": None,
        "can_create_line_items": None,
        "can_invite": True,
        "has_budget_access": True,
        "percentage_complete": b.percentage_complete,
        "has_active_timesheet_submissions": b.active_submissions > 0,
        "has_active_expense_report_submissions": False,
        "permissions": None,
        "default_rate": None,
        "status": None,
    } | _priced(b.used_in_cents, price, cur)


def _priced(used: int, price: Any, cur: str) -> dict[str, Any]:
    """A workspace's computed fields that read its price (``used``: its budget used, cents)."""
    shown = money_string(price, cur) if price is not None else None
    return {
        "price": shown,
        "budget_remaining": (
            None if price is None else shown if not used else money_string(price - used, cur)
        ),
        "over_budget": bool(price is not None and used > price),
        "percent_of_budget_used": round(used * 100 / price) if price else 0,
    }


def _own_figures(rec: dict[str, Any]) -> dict[str, Any]:
    """A workspace's computed fields that read its own values but its price."""
    return {
        "effective_due_date": rec.get("due_date"),
        "can_create_line_items": not rec.get("archived"),
    }


def _created_figures(rec: dict[str, Any], cur: str) -> dict[str, Any]:
    """The computed fields of a workspace with nothing pointing at it that read the record
    (``CreatedPlan``), as ``_workspace`` shows them."""
    out = _priced(NO_BUDGET.used_in_cents, rec.get("price_in_cents"), cur)
    out.update(_own_figures(rec))
    return out


@functools.lru_cache(maxsize=1024)
def _new_workspace_figures(price: int | None, cur: str) -> dict[str, Any]:
    """``_workspace_figures`` of a workspace with nothing pointing at it (its key hashed in C,
    the roll-ups' dataclass hashed in Python)."""
    return _figures(NO_BUDGET, price, cur)


@functools.lru_cache(maxsize=1024)
def _workspace_figures(b: Budget, price: int | None, cur: str) -> dict[str, Any]:
    """``_figures`` made once per roll-ups, price and currency (read only: copied into each
    answer by ``dict.update``)."""
    return _figures(b, price, cur)
