"""List queries: Kantata's filters, ``only``, ``order`` and paging compiled to SQL on the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulators.engine import Request, json_path, type_literal

from ._errors import bad_request
from ._indexes import event_field, event_value
from ._model import Resource
from ._wire import parse_date, parse_timestamp

Clause = tuple[str, list[Any]]
Filter = Callable[[str], Clause]


def truthy(value: str) -> bool:
    return value.strip().lower() not in ("false", "0", "no", "f", "")


def _ids(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _in(expr: str, values: list[Any]) -> Clause:
    if not values:
        return "0", []
    return f"{expr} IN ({','.join('?' * len(values))})", values


def eq(name: str) -> Filter:
    return lambda v: (f"{json_path(name)} = ?", [v.strip()])


def any_of(name: str) -> Filter:
    return lambda v: _in(json_path(name), _ids(v))


def boolean(name: str) -> Filter:
    return lambda v: (f"{json_path(name)} = ?", [1 if truthy(v) else 0])


def fixed(name: str, value: bool) -> Filter:
    """Filters the vendor documents as 'always processed as true; the value is ignored'."""
    return lambda _v: (f"{json_path(name)} = ?", [1 if value else 0])


def stamp(name: str, op: str) -> Filter:
    return lambda v: (f"{json_path(name)} {op} ?", [parse_timestamp(v, name)])


def date_cmp(name: str, op: str, param: str) -> Filter:
    def f(v: str) -> Clause:
        d = parse_date(v)
        if d is None:
            raise bad_request(f"{param} must be a date in YYYY-MM-DD format")
        return f"{json_path(name)} {op} ?", [d]

    return f


def date_between(name: str, param: str) -> Filter:
    def f(v: str) -> Clause:
        start, _, end = v.partition(":")
        a, b = parse_date(start), parse_date(end)
        if a is None or b is None:
            raise bad_request(f"{param} must be two dates in YYYY-MM-DD:YYYY-MM-DD format")
        return f"{json_path(name)} BETWEEN ? AND ?", [a, b]

    return f


def matching(*names: str) -> Filter:
    def f(v: str) -> Clause:
        like = f"%{v.strip().lower()}%"
        return "(" + " OR ".join(f"lower({json_path(n)}) LIKE ?" for n in names) + ")", [
            like
        ] * len(names)

    return f


def _ext_ref(subject_type: str, field_name: str, multi: bool = False) -> Filter:
    def f(v: str) -> Clause:
        values = _ids(v) if multi else [v.strip()]
        marks = ",".join("?" * len(values)) or "NULL"
        return (
            "id IN (SELECT json_extract(e.data, '$.subject_id') FROM records e WHERE e.type = "
            "'external_references' AND e.deleted = 0 AND json_extract(e.data, '$.subject_type') = ? AND "
            f"json_extract(e.data, '$.{field_name}') IN ({marks}))",
            [subject_type, *values],
        )

    return f


def _has_ext(subject_type: str) -> Filter:
    def f(v: str) -> Clause:
        sub = (
            "id IN (SELECT json_extract(e.data, '$.subject_id') FROM records e WHERE e.type = "
            "'external_references' AND e.deleted = 0 AND json_extract(e.data, '$.subject_type') = ?)"
        )
        return (sub if truthy(v) else f"NOT {sub}"), [subject_type]

    return f


def _without_ext(subject_type: str) -> Filter:
    def f(v: str) -> Clause:
        clause, params = _ext_ref(subject_type, "service_name")(v)
        return f"NOT {clause}", params

    return f


def _common(res: Resource) -> dict[str, Filter]:
    out: dict[str, Filter] = {"only": lambda v: _in("id", _ids(v))}
    if "created_at" in res.stored:
        out["created_after"] = stamp("_created", ">")
        out["created_before"] = stamp("_created", "<")
    if "updated_at" in res.stored:
        out["updated_after"] = stamp("_updated", ">")
        out["updated_before"] = stamp("_updated", "<")
    if "external_references" in res.assocs:
        st = res.subject_type
        for param, fname in (
            ("service_name", "service_name"),
            ("service_model", "service_model"),
            ("service_model_ref", "service_model_ref"),
            ("status", "status"),
            ("external_status", "external_status"),
            ("external_message", "external_message"),
        ):
            out[f"external_reference_{param}"] = _ext_ref(st, fname)
        out["external_reference_service_model_refs"] = _ext_ref(st, "service_model_ref", multi=True)
        out["has_external_references"] = _has_ext(st)
        out["without_external_reference_service_name"] = _without_ext(st)
    return out


def _workspace_of_story() -> Filter:
    return lambda v: (
        "json_extract(data, '$.story_id') IN (SELECT s.id FROM records s WHERE s.type = 'stories' "
        "AND json_extract(s.data, '$.workspace_id') = ?)",
        [v.strip()],
    )


def _participant() -> Filter:
    return lambda v: (
        "id IN (SELECT json_extract(r.data, '$.workspace_id') FROM records r WHERE r.type = "
        "'workspace_resources' AND r.deleted = 0 AND json_extract(r.data, '$.user_id') = ?)",
        [v.strip()],
    )


def _participant_in() -> Filter:
    return lambda v: (
        "id IN (SELECT json_extract(r.data, '$.user_id') FROM records r WHERE r.type = "
        "'workspace_resources' AND r.deleted = 0 AND json_extract(r.data, '$.workspace_id') = ?)",
        [v.strip()],
    )


def _archived_mode(v: str) -> Clause:
    mode = v.strip().lower()
    if mode == "only":
        return f"{json_path('archived')} = 1", []
    if mode == "include":
        return "1", []
    return f"{json_path('archived')} = 0", []


def _invoice_workspace(v: str) -> Clause:
    return (
        "EXISTS (SELECT 1 FROM json_each(json_extract(data, '$.workspace_ids')) WHERE value = ?)",
        [v.strip()],
    )


def _specific(collection: str) -> dict[str, Filter]:
    table: dict[str, dict[str, Filter]] = {
        "workspaces": {
            "archived": _archived_mode,
            "include_archived": lambda v: (
                ("1", []) if truthy(v) else (f"{json_path('archived')} = 0", [])
            ),
            "budgeted": boolean("budgeted"),
            "require_time_approvals": boolean("require_time_approvals"),
            "matching": matching("title", "description"),
            "search": matching("title", "description"),
            "has_participant": _participant(),
            "stage": eq("stage"),
            "start_date_after": date_cmp("start_date", ">", "start_date_after"),
            "start_date_before": date_cmp("start_date", "<", "start_date_before"),
            "due_date_after": date_cmp("due_date", ">", "due_date_after"),
            "due_date_before": date_cmp("due_date", "<", "due_date_before"),
        },
        "stories": {
            "workspace_id": eq("workspace_id"),
            "story_type": eq("story_type"),
            "story_types": any_of("story_type"),
            "with_parent_id": eq("parent_id"),
            "with_root_id": eq("root_id"),
            "parents_only": lambda v: (
                (f"{json_path('parent_id')} IS NULL", []) if truthy(v) else ("1", [])
            ),
            "archived": boolean("archived"),
            "only_archived": fixed("archived", True),
            "show_archived": lambda v: (
                ("1", []) if truthy(v) else (f"{json_path('archived')} = 0", [])
            ),
            "by_status": any_of("state"),
            "search": matching("title"),
            "due_before": date_cmp("due_date", "<", "due_before"),
            "due_after": date_cmp("due_date", ">", "due_after"),
        },
        "workspace_resources": {
            "workspace_id": eq("workspace_id"),
            "user_id": eq("user_id"),
            "role_id": eq("role_id"),
        },
        "assignments": {
            "story_id": eq("story_id"),
            "assignee_id": eq("assignee_id"),
            "resource_id": eq("resource_id"),
            "current": fixed("current", True),
            "uncurrent": fixed("current", False),
            "workspace_id": _workspace_of_story(),
        },
        "users": {
            "participant_in": _participant_in(),
            "by_email_address": eq("email_address"),
            "matching": matching("full_name", "email_address"),
            "on_my_account": lambda _v: ("1", []),
        },
        "roles": {"matching": matching("name")},
        "rate_cards": {"rate_card_set_id": eq("rate_card_set_id")},
        "rate_card_versions": {"rate_card_id": eq("rate_card_id")},
        "rate_card_roles": {
            "rate_card_version_id": eq("rate_card_version_id"),
            "role_id": eq("role_id"),
        },
        "rate_card_set_versions": {"rate_card_set_id": eq("rate_card_set_id")},
        "time_entries": {
            "workspace_id": eq("workspace_id"),
            "workspace_ids": any_of("workspace_id"),
            "with_user_ids": any_of("user_id"),
            "created_by": eq("_created_by"),
            "approved": fixed("approved", True),
            "billable": boolean("billable"),
            "invoiced": fixed("is_invoiced", True),
            "uninvoiced": fixed("is_invoiced", False),
            "in_active_invoice_id": eq("invoice_id"),
            "with_timesheet_id": eq("active_submission_id"),
            "in_active_submission": lambda v: (
                f"{json_path('active_submission_id')} IS {'NOT ' if truthy(v) else ''}NULL",
                [],
            ),
            "date_performed_between": date_between("date_performed", "date_performed_between"),
            "from_archived_workspaces": lambda v: ("1", []),
            "on_my_account": lambda _v: ("1", []),
        },
        "expenses": {
            "workspace_id": eq("workspace_id"),
            "workspace_ids": any_of("workspace_id"),
            "with_user_ids": any_of("user_id"),
            "billable": boolean("is_billable"),
            "invoiced": fixed("is_invoiced", True),
            "uninvoiced": fixed("is_invoiced", False),
            "date_between": date_between("date", "date_between"),
        },
        "invoices": {
            "workspace_id": _invoice_workspace,
            "draft": boolean("draft"),
            "status": eq("status"),
            "recipient_id": eq("recipient_id"),
        },
        "timesheet_submissions": {
            "workspace_id": eq("workspace_id"),
            "user_id": eq("user_id"),
            "status": eq("status"),
            "active": lambda _v: (f"{json_path('status')} IN ('pending','approved')", []),
        },
        "external_references": {
            **{
                name: eq(name)
                for name in (
                    "subject_type",
                    "service_name",
                    "service_model",
                    "service_model_ref",
                    "status",
                    "external_status",
                    "external_message",
                )
            },
            "subject_id": lambda v: _in(
                json_path("subject_id"), [int(x) for x in _ids(v) if x.isdigit()]
            ),
            "last_synced_after": stamp("_last_synced", ">"),
            "last_synced_before": stamp("_last_synced", "<"),
        },
        "custom_field_values": {
            "subject_type": eq("subject_type"),
            "with_subject_id": any_of("subject_id"),
            "custom_field_id": any_of("custom_field_id"),
        },
        "custom_fields": {"custom_field_set_id": any_of("custom_field_set_id")},
        "custom_field_choices": {"custom_field_id": any_of("custom_field_id")},
        "custom_field_sets": {"subject_type": eq("subject_type")},
        "subscribed_events": {
            "event_types": any_of("event_type"),
            "subject_type": eq("subject_type"),
            # compared as the events' indexes read them (the same values, see _indexes)
            "subject_id": lambda v: _in(
                event_field("subject_id"), [event_value(int(x)) for x in _ids(v) if x.isdigit()]
            ),
            "user_ids": lambda v: _in(
                event_field("user_id"), [event_value(int(x)) for x in _ids(v) if x.isdigit()]
            ),
        },
    }
    return table.get(collection, {})


#: filters applied when the request does not mention them (archived records hidden)
_DEFAULTS: dict[str, dict[str, str]] = {
    "workspaces": {"archived": "exclude"},
    "stories": {"show_archived": "false"},
}


def _archived_workspace_clause() -> str:
    return (
        "json_extract(data, '$.workspace_id') NOT IN (SELECT w.id FROM records w WHERE w.type = 'workspaces' "
        "AND json_extract(w.data, '$.archived') = 1)"
    )


@dataclass(slots=True)
class Page:
    ids: list[str]
    total: int
    page: int
    per_page: int


class ListQuery:
    """Compiles one list request for one resource."""

    def __init__(self, res: Resource) -> None:
        self.res = res
        self.filters = {**_common(res), **_specific(res.collection)}

    def where(self, req: Request) -> tuple[str, list[Any]]:
        """The SQL condition of ``req``'s filters, and its parameters."""
        clauses: list[str] = [f"type = {type_literal(self.res.collection)}", "deleted = 0"]
        params: list[Any] = []
        given = {k: v for k, v in req.query_pairs()}
        seen_archived = False
        for name, value in given.items():
            f = self.filters.get(name)
            if f is None:
                continue  # Brainstem ignores unknown parameters
            if name in ("archived", "include_archived", "show_archived", "only_archived"):
                seen_archived = True
            sql, ps = f(value)
            clauses.append(sql)
            params.extend(ps)
        if not seen_archived:
            for name, value in _DEFAULTS.get(self.res.collection, {}).items():
                sql, ps = self.filters[name](value)
                clauses.append(sql)
                params.extend(ps)
        if self.res.collection == "time_entries" and not truthy(
            given.get("from_archived_workspaces", "false")
        ):
            clauses.append(_archived_workspace_clause())
        return " AND ".join(clauses), params

    def run(
        self,
        req: Request,
        conn: Any,
        per_page_default: int,
        per_page_max: int,
        where: tuple[str, list[Any]] | None = None,
    ) -> Page:
        """One page of ids; ``where``: the condition ``where(req)`` made, when made already."""
        where_sql, params = self.where(req) if where is None else where
        given = {k: v for k, v in req.query_pairs()}
        total = int(
            conn.execute(f"SELECT count(*) FROM records WHERE {where_sql}", params).fetchone()[0]
        )
        page = _int_param(given.get("page"), 1, "page")
        per_page = _int_param(given.get("per_page"), per_page_default, "per_page")
        page = max(page, 1)
        per_page = min(max(per_page, 1), per_page_max)
        order_sql = self._order(given.get("order"))
        rows = conn.execute(
            f"SELECT id FROM records WHERE {where_sql} ORDER BY {order_sql} LIMIT ? OFFSET ?",
            [*params, per_page, (page - 1) * per_page],
        ).fetchall()
        return Page([r[0] for r in rows], total, page, per_page)

    def _order(self, order: str | None) -> str:
        spec = order if order else self.res.default_order
        field_name, _, direction = spec.partition(":")
        field_name = field_name.strip()
        direction = direction.strip().lower() or "asc"
        if field_name not in self.res.orders or direction not in ("asc", "desc"):
            if order:
                raise bad_request(
                    f"{order!r} is not a valid order for {self.res.collection}; valid fields: "
                    f"{', '.join(self.res.orders)} with :asc or :desc"
                )
            field_name, direction = "id", "asc"
        expr = {
            "id": "CAST(id AS INTEGER)",
            "created_at": json_path("_created"),
            "updated_at": json_path("_updated"),
            "price": json_path("price_in_cents"),
        }.get(field_name, json_path(field_name))
        d = direction.upper()
        return f"{expr} {d}, CAST(id AS INTEGER) {d}"


def _int_param(value: str | None, default: int, name: str) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        n = int(value.strip())
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None
    if abs(n) > _MAX_INT:  # past SQLite's and JSON's 64-bit integers once multiplied
        raise bad_request(f"{name} must be an integer between 1 and {_MAX_INT}")
    return n


_MAX_INT = 2**31 - 1
