"""The resource table: what each Kantata collection stores, accepts, filters and links.

Field names and writability follow the vendor's gem specification and OpenAPI files.
Records are stored in Kantata's own shape (ids as digit strings); keys starting with
``_`` are the simulator's bookkeeping and never leave the process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ._indexes import RefIndexes

Kind = Literal["str", "int", "bool", "date", "id", "ids", "num", "obj", "money", "list", "any"]


@dataclass(frozen=True, slots=True)
class Assoc:
    """An includable association.

    ``fk`` is the field holding the target id(s). ``reverse`` makes it a has-many found by
    the target's field pointing back (``workspace_id``); ``polymorphic`` means external
    references found by subject; ``stored_many`` lists ids kept on the record itself.
    """

    collection: str
    fk: str
    many: bool = False
    reverse: str | None = None
    polymorphic: bool = False
    through: str | None = None  # e.g. participants: user ids of workspace_resources


@dataclass(slots=True)
class Resource:
    collection: str
    singular: str
    subject_type: str
    stored: dict[str, Any]  # attribute -> default value
    create: dict[str, Kind]
    update: dict[str, Kind]
    required: tuple[str, ...] = ()
    assocs: dict[str, Assoc] = field(default_factory=dict)
    orders: tuple[str, ...] = ("created_at", "updated_at", "id")
    default_order: str = "id:asc"
    ops: frozenset[str] = frozenset({"list", "get", "create", "update", "delete"})
    events: bool = True
    max_per_page: int | None = None

    def writable(self, op: str) -> dict[str, Kind]:
        return self.create if op == "create" else self.update


EXT_REF: dict[str, Kind] = {"external_reference": "obj"}
_EXT = Assoc("external_references", "external_reference_ids", many=True, polymorphic=True)
_STAMPS = {"created_at": None, "updated_at": None}


#: the fields a create of these collections takes (their updates take all or most); each
#: catalogue copies them, since a served release adds fields to its own
_STORY_INPUT: dict[str, Kind] = {
    "title": "str",
    "story_type": "str",
    "workspace_id": "id",
    "description": "str",
    "parent_id": "id",
    "start_date": "date",
    "archived": "bool",
    "due_date": "date",
    "budget_estimate_in_cents": "int",
    "cost_budget_in_cents": "int",
    "time_estimate_in_minutes": "int",
    "billable": "bool",
    "percentage_complete": "int",
    "state": "str",
    "fixed_fee": "bool",
    "weight": "int",
    "priority": "str",
    "time_trackable": "bool",
    "position": "int",
    **EXT_REF,
}

_ASSIGNMENT_INPUT: dict[str, Kind] = {
    "story_id": "id",
    "assignee_id": "id",
    "current": "bool",
    "estimated_minutes": "int",
    "resource_id": "id",
    **EXT_REF,
}

_TIME_ENTRY_INPUT: dict[str, Kind] = {
    "workspace_id": "id",
    "date_performed": "date",
    "time_in_minutes": "int",
    "billable": "bool",
    "notes": "str",
    "rate_in_cents": "int",
    "cost_rate_in_cents": "int",
    "role_id": "id",
    "story_id": "id",
    "user_id": "id",
    "location": "str",
    "taxable": "bool",
    **EXT_REF,
}

_EXPENSE_INPUT: dict[str, Kind] = {
    "workspace_id": "id",
    "date": "date",
    "category": "str",
    "amount_in_cents": "int",
    "notes": "str",
    "user_id": "id",
    "receipt_id": "id",
    "billable": "bool",
    "story_id": "id",
    "expense_category_id": "id",
    "reimbursable": "bool",
    "vendor_id": "id",
    "foreign_exchange_amount": "obj",
    **EXT_REF,
}


def _editable(create: dict[str, Kind], *set_at_creation: str) -> dict[str, Kind]:
    """The fields an update takes: the create's, less those set once, at creation."""
    return {k: v for k, v in create.items() if k not in set_at_creation}


def _resources() -> list[Resource]:
    return [
        Resource(
            "workspaces",
            "workspace",
            "Workspace",
            stored={
                "title": None,
                "description": "",
                "archived": False,
                "budgeted": True,
                "price_in_cents": None,
                "currency": None,
                "start_date": None,
                "due_date": None,
                "status": None,
                "status_key": 305,
                "rate_card_id": None,
                "require_time_approvals": None,
                "require_expense_approvals": False,
                "consultant_role_name": "Consultants",
                "client_role_name": "Clients",
                "access_level": "invitation",
                "change_orders_enabled": False,
                "expenses_in_burn_rate": False,
                "stories_are_fixed_fee_by_default": False,
                "tasks_default_non_billable": False,
                "target_margin": None,
                "account_id": None,
                "stage": "in_flight",
                "time_trackable": True,
                "exclude_archived_stories_percent_complete": False,
                "posts_require_privacy_decision": False,
                "require_notes_on_time_entries": False,
                "external_link": None,
                "creator_id": None,
                "primary_maven_id": None,
                "approver_id": None,
                **_STAMPS,
            },
            create={
                "title": "str",
                "creator_role": "str",
                "budgeted": "bool",
                "description": "str",
                "currency": "str",
                "price": "money",
                "price_in_cents": "int",
                "start_date": "date",
                "due_date": "date",
                "consultant_role_name": "str",
                "client_role_name": "str",
                "access_level": "str",
                "change_orders_enabled": "bool",
                "expenses_in_burn_rate": "bool",
                "posts_require_privacy_decision": "bool",
                "stories_are_fixed_fee_by_default": "bool",
                "rate_card_id": "id",
                "require_expense_approvals": "bool",
                "require_time_approvals": "bool",
                "status_key": "int",
                "approver_id": "id",
                "target_margin": "num",
                "tasks_default_non_billable": "bool",
                "primary_maven_id": "id",
                "stage": "str",
                "exclude_archived_stories_percent_complete": "bool",
                "require_notes_on_time_entries": "bool",
                "time_trackable": "bool",
                "external_link": "obj",
                **EXT_REF,
            },
            update={
                "title": "str",
                "budgeted": "bool",
                "description": "str",
                "archived": "bool",
                "access_level": "str",
                "price": "money",
                "price_in_cents": "int",
                "start_date": "date",
                "due_date": "date",
                "posts_require_privacy_decision": "bool",
                "tasks_default_non_billable": "bool",
                "expenses_in_burn_rate": "bool",
                "rate_card_id": "id",
                "client_role_name": "str",
                "consultant_role_name": "str",
                "stories_are_fixed_fee_by_default": "bool",
                "currency": "str",
                "target_margin": "num",
                "approver_id": "id",
                "change_orders_enabled": "bool",
                "status_key": "int",
                "stage": "str",
                "exclude_archived_stories_percent_complete": "bool",
                "require_notes_on_time_entries": "bool",
                "time_trackable": "bool",
                "external_link": "obj",
                "require_time_approvals": "bool",
                "require_expense_approvals": "bool",
                **EXT_REF,
            },
            required=("title",),
            assocs={
                "creator": Assoc("users", "creator_id"),
                "primary_maven": Assoc("users", "primary_maven_id"),
                "approver": Assoc("users", "approver_id"),
                "participants": Assoc(
                    "users", "participant_ids", many=True, through="workspace_resources"
                ),
                "workspace_resources": Assoc(
                    "workspace_resources",
                    "workspace_resource_ids",
                    many=True,
                    reverse="workspace_id",
                ),
                "timesheet_submissions": Assoc(
                    "timesheet_submissions",
                    "timesheet_submission_ids",
                    many=True,
                    reverse="workspace_id",
                ),
                "external_references": _EXT,
            },
            orders=("created_at", "updated_at", "title", "start_date", "due_date", "price", "id"),
            default_order="updated_at:desc",
        ),
        Resource(
            "stories",
            "story",
            "Story",
            stored={
                "workspace_id": None,
                "title": None,
                "story_type": None,
                "description": "",
                "parent_id": None,
                "root_id": None,
                "start_date": None,
                "due_date": None,
                "state": "not started",
                "archived": False,
                "billable": True,
                "budget_estimate_in_cents": None,
                "cost_budget_in_cents": None,
                "time_estimate_in_minutes": None,
                "percentage_complete": 0,
                "fixed_fee": False,
                "priority": "normal",
                "position": 0,
                "weight": None,
                "time_trackable": True,
                "deleted_at": None,
                "creator_id": None,
                "ancestry_depth": 0,
                **_STAMPS,
            },
            create=dict(_STORY_INPUT),
            update=_editable(_STORY_INPUT, "workspace_id"),
            required=("workspace_id", "title", "story_type"),
            assocs={
                "workspace": Assoc("workspaces", "workspace_id"),
                "parent": Assoc("stories", "parent_id"),
                "root": Assoc("stories", "root_id"),
                "creator": Assoc("users", "creator_id"),
                "sub_stories": Assoc("stories", "sub_story_ids", many=True, reverse="parent_id"),
                "assignees": Assoc("users", "assignee_ids", many=True, through="assignments"),
                "current_assignments": Assoc(
                    "assignments", "current_assignment_ids", many=True, reverse="story_id"
                ),
                "external_references": _EXT,
            },
            orders=(
                "created_at",
                "updated_at",
                "due_date",
                "start_date",
                "position",
                "title",
                "id",
            ),
            default_order="position:asc",
        ),
        Resource(
            "workspace_resources",
            "workspace_resource",
            "WorkspaceResource",
            stored={
                "workspace_id": None,
                "user_id": None,
                "role_id": None,
                "label": None,
                "_bill_rate_in_cents": None,
                "_cost_rate_in_cents": None,
                **_STAMPS,
            },
            create={
                "workspace_id": "id",
                "user_id": "id",
                "role_id": "id",
                "bill_rate": "money",
                "cost_rate": "money",
                **EXT_REF,
            },
            update={
                "label": "str",
                "user_id": "id",
                "role_id": "id",
                "auto_update_label": "bool",
                "cost_rate": "money",
                "bill_rate": "money",
                **EXT_REF,
            },
            required=("workspace_id",),
            assocs={
                "workspace": Assoc("workspaces", "workspace_id"),
                "user": Assoc("users", "user_id"),
                "role": Assoc("roles", "role_id"),
                "external_references": _EXT,
            },
        ),
        Resource(
            "assignments",
            "assignment",
            "Assignment",
            stored={
                "story_id": None,
                "assignee_id": None,
                "resource_id": None,
                "estimated_minutes": None,
                "allocated_minutes": 0,
                "current": True,
                **_STAMPS,
            },
            create=dict(_ASSIGNMENT_INPUT),
            update=_editable(_ASSIGNMENT_INPUT, "story_id"),
            required=("story_id", "assignee_id"),
            assocs={
                "story": Assoc("stories", "story_id"),
                "assignee": Assoc("users", "assignee_id"),
                "external_references": _EXT,
            },
        ),
        Resource(
            "users",
            "user",
            "User",
            stored={
                "full_name": None,
                "email_address": None,
                "headline": None,
                "photo_path": None,
                "disabled": False,
                "account_id": None,
                "role_id": None,
                "account_permission": "member",
                **_STAMPS,
            },
            create={},
            update={"full_name": "str", "headline": "str", "email_address": "str", **EXT_REF},
            assocs={"role": Assoc("roles", "role_id"), "external_references": _EXT},
            ops=frozenset({"list", "get", "update"}),
            orders=("full_name", "created_at", "updated_at", "id"),
        ),
        Resource(
            "roles",
            "role",
            "Role",
            stored={"name": None, "deleted_at": None, **_STAMPS},
            create={"name": "str", **EXT_REF},
            update={"name": "str", **EXT_REF},
            required=("name",),
            assocs={"external_references": _EXT},
            orders=("name", "created_at", "updated_at", "id"),
        ),
        Resource(
            "rate_card_sets",
            "rate_card_set",
            "RateCardSet",
            stored={
                "title": None,
                "account_default": False,
                "active_currencies": [],
                "default_currencies": [],
                "destroyable": True,
                **_STAMPS,
            },
            create={"title": "str", "clone_version_id": "id"},
            update={"title": "str"},
            required=("title",),
            assocs={
                "rate_cards": Assoc(
                    "rate_cards", "rate_card_ids", many=True, reverse="rate_card_set_id"
                ),
                "rate_card_set_versions": Assoc(
                    "rate_card_set_versions",
                    "rate_card_set_version_ids",
                    many=True,
                    reverse="rate_card_set_id",
                ),
            },
            events=False,
        ),
        Resource(
            "rate_card_set_versions",
            "rate_card_set_version",
            "RateCardSetVersion",
            stored={
                "rate_card_set_id": None,
                "effective_date": None,
                "active": True,
                "used_currencies": [],
                **_STAMPS,
            },
            create={"rate_card_set_id": "id", "effective_date": "date", "clone_id": "id"},
            update={"effective_date": "date"},
            required=("rate_card_set_id",),
            assocs={
                "rate_card_set": Assoc("rate_card_sets", "rate_card_set_id"),
                "rate_card_versions": Assoc(
                    "rate_card_versions",
                    "rate_card_version_ids",
                    many=True,
                    reverse="rate_card_set_version_id",
                ),
            },
            events=False,
        ),
        Resource(
            "rate_cards",
            "rate_card",
            "RateCard",
            stored={"rate_card_set_id": None, "currency": None, "uses": 0, **_STAMPS},
            create={"rate_card_set_id": "id", "rate_card_set_version_id": "id", "currency": "str"},
            update={"currency": "str"},
            required=("rate_card_set_id", "currency"),
            assocs={
                "rate_card_set": Assoc("rate_card_sets", "rate_card_set_id"),
                "rate_card_versions": Assoc(
                    "rate_card_versions", "rate_card_version_ids", many=True, reverse="rate_card_id"
                ),
                "external_references": _EXT,
            },
            events=False,
        ),
        Resource(
            "rate_card_versions",
            "rate_card_version",
            "RateCardVersion",
            stored={
                "rate_card_id": None,
                "rate_card_set_version_id": None,
                "default_rate": 0,
                **_STAMPS,
            },
            create={"rate_card_id": "id", "rate_card_set_version_id": "id", "default_rate": "int"},
            update={"default_rate": "int"},
            required=("rate_card_id",),
            assocs={
                "rate_card": Assoc("rate_cards", "rate_card_id"),
                "rate_card_set_version": Assoc(
                    "rate_card_set_versions", "rate_card_set_version_id"
                ),
                "rate_card_roles": Assoc(
                    "rate_card_roles",
                    "rate_card_role_ids",
                    many=True,
                    reverse="rate_card_version_id",
                ),
            },
            events=False,
        ),
        Resource(
            "rate_card_roles",
            "rate_card_role",
            "RateCardRole",
            stored={"rate_card_version_id": None, "role_id": None, "rate": 0, **_STAMPS},
            create={"rate_card_version_id": "id", "role_id": "id", "rate": "int"},
            update={"rate": "int"},
            required=("rate_card_version_id", "role_id", "rate"),
            assocs={
                "role": Assoc("roles", "role_id"),
                "rate_card_version": Assoc("rate_card_versions", "rate_card_version_id"),
            },
            events=False,
        ),
        Resource(
            "time_entries",
            "time_entry",
            "TimeEntry",
            stored={
                "workspace_id": None,
                "date_performed": None,
                "time_in_minutes": None,
                "user_id": None,
                "story_id": None,
                "role_id": None,
                "billable": True,
                "notes": "",
                "rate_in_cents": 0,
                "cost_rate_in_cents": 0,
                "currency": None,
                "approved": False,
                "taxable": False,
                "is_invoiced": False,
                "invoice_id": None,
                "location": None,
                "active_submission_id": None,
                "recent_submission_id": None,
                "_created_by": None,
                **_STAMPS,
            },
            create=dict(_TIME_ENTRY_INPUT),
            update=dict(_TIME_ENTRY_INPUT),
            required=("workspace_id", "date_performed", "time_in_minutes"),
            assocs={
                "workspace": Assoc("workspaces", "workspace_id"),
                "user": Assoc("users", "user_id"),
                "story": Assoc("stories", "story_id"),
                "role": Assoc("roles", "role_id"),
                "invoice": Assoc("invoices", "invoice_id"),
                "active_submission": Assoc("timesheet_submissions", "active_submission_id"),
                "recent_submission": Assoc("timesheet_submissions", "recent_submission_id"),
                "external_references": _EXT,
            },
            orders=("created_at", "date_performed", "updated_at", "id"),
            default_order="date_performed:desc",
        ),
        Resource(
            "expenses",
            "expense",
            "Expense",
            stored={
                "workspace_id": None,
                "date": None,
                "category": None,
                "amount_in_cents": None,
                "notes": "",
                "user_id": None,
                "story_id": None,
                "currency": None,
                "is_billable": True,
                "is_invoiced": False,
                "taxable": False,
                "reimbursable": False,
                "expense_category_id": None,
                "receipt_id": None,
                "vendor_id": None,
                "foreign_exchange_amount": None,
                "_invoice_id": None,
                **_STAMPS,
            },
            create=dict(_EXPENSE_INPUT),
            update=_editable(_EXPENSE_INPUT, "workspace_id", "reimbursable", "vendor_id"),
            required=("workspace_id", "date", "category", "amount_in_cents"),
            assocs={
                "workspace": Assoc("workspaces", "workspace_id"),
                "user": Assoc("users", "user_id"),
                "story": Assoc("stories", "story_id"),
                "external_references": _EXT,
            },
            orders=("created_at", "updated_at", "date", "id"),
            default_order="date:desc",
        ),
        Resource(
            "invoices",
            "invoice",
            "Invoice",
            stored={
                "workspace_ids": [],
                "time_entry_ids": [],
                "expense_ids": [],
                "additional_item_ids": [],
                "fixed_fee_item_ids": [],
                "invoice_date": None,
                "due_date": None,
                "message": None,
                "title": None,
                "draft": True,
                "status": "new",
                "balance_in_cents": 0,
                "currency": None,
                "payment_schedule": 30,
                "user_id": None,
                "recipient_id": None,
                "user_invoice_title": None,
                "user_invoice_number": None,
                "tax_rate": None,
                "purchase_order": None,
                "project_code": None,
                **_STAMPS,
            },
            create={
                "time_entry_ids": "ids",
                "expense_ids": "ids",
                "workspace_id": "id",
                "workspace_ids": "ids",
                "payment_schedule": "int",
                "invoice_date": "date",
                "user_invoice_number": "int",
                "user_invoice_title": "str",
                "draft": "bool",
                "message": "str",
                "purchase_order": "str",
                "project_code": "str",
                "tax_rate": "num",
                "suppress_emails": "bool",
                "additional_items": "list",
                "fixed_fee_items": "list",
                **EXT_REF,
            },
            update={
                "expense_ids": "ids",
                "time_entry_ids": "ids",
                "payment_schedule": "int",
                "invoice_date": "date",
                "user_invoice_number": "int",
                "draft": "bool",
                "message": "str",
                "user_invoice_title": "str",
                "purchase_order": "str",
                "project_code": "str",
                "tax_rate": "num",
                **EXT_REF,
            },
            assocs={
                "time_entries": Assoc("time_entries", "time_entry_ids", many=True),
                "expenses": Assoc("expenses", "expense_ids", many=True),
                "additional_items": Assoc("additional_items", "additional_item_ids", many=True),
                "fixed_fee_items": Assoc("fixed_fee_items", "fixed_fee_item_ids", many=True),
                "workspaces": Assoc("workspaces", "workspace_ids", many=True),
                "user": Assoc("users", "user_id"),
                "recipient": Assoc("users", "recipient_id"),
                "external_references": _EXT,
            },
            orders=("created_at", "updated_at", "invoice_date", "id"),
            default_order="invoice_date:desc",
        ),
        Resource(
            "timesheet_submissions",
            "timesheet_submission",
            "TimesheetSubmission",
            stored={
                "workspace_id": None,
                "user_id": None,
                "title": None,
                "comment": None,
                "status": "pending",
                "time_entry_ids": [],
                "start_date": None,
                "end_date": None,
                "type": "TimesheetSubmission",
                "currency": None,
                "line_item_total_in_cents": 0,
                "resolution_description": None,
                "current_resolution_created_at_date": None,
                "current_resolution_creator_id": None,
                "current_resolution_description": None,
                **_STAMPS,
            },
            create={
                "workspace_id": "id",
                "line_item_ids": "ids",
                "title": "str",
                "user_id": "id",
                "comment": "str",
                **EXT_REF,
            },
            update={},
            required=("workspace_id", "line_item_ids", "title"),
            assocs={
                "workspace": Assoc("workspaces", "workspace_id"),
                "user": Assoc("users", "user_id"),
                "time_entries": Assoc("time_entries", "time_entry_ids", many=True),
                "external_references": _EXT,
            },
            ops=frozenset({"list", "get", "create", "delete"}),
        ),
        Resource(
            "external_references",
            "external_reference",
            "ExternalReference",
            stored={
                "service_name": None,
                "service_model": None,
                "service_model_ref": None,
                "subject_id": None,
                "subject_type": None,
                "status": "pending",
                "external_link": None,
                "external_message": None,
                "external_status": None,
                "locked": False,
                "last_synced_at": None,
                **_STAMPS,
            },
            create={
                "service_name": "str",
                "service_model": "str",
                "service_model_ref": "str",
                "subject_id": "id",
                "subject_type": "str",
                "status": "str",
                "external_link": "str",
                "external_message": "str",
                "external_status": "str",
                "locked": "bool",
            },
            update={},
            required=(
                "service_name",
                "service_model",
                "service_model_ref",
                "subject_id",
                "subject_type",
            ),
            assocs={"subject": Assoc("", "subject_ref")},
            ops=frozenset({"list", "get", "delete"}),
            events=False,
        ),
        Resource(
            "subscribed_events",
            "subscribed_event",
            "SubscribedEvent",
            stored={
                "event_type": None,
                "account_id": None,
                "user_id": None,
                "subject_id": None,
                "subject_type": None,
                "subject_changed_at": None,
                "current_payload": None,
                "previous_payload": None,
                "payload_changes": None,
                "created_at": None,
            },
            create={},
            update={},
            assocs={"subject": Assoc("", "subject_ref")},
            orders=("created_at", "id"),
            default_order="created_at:desc",
            ops=frozenset({"list", "get"}),
            events=False,
        ),
    ]


#: how many record key layouts ``Catalog.public_copy`` remembers
_LAYOUTS = 512


class Catalog:
    """All resources by collection name and by subject type."""

    def __init__(self) -> None:
        from ._custom_fields import custom_field_resources  # late: they build on this module
        from ._invoice_items import invoice_item_resources

        extra = [*custom_field_resources(), *invoice_item_resources()]
        self.by_collection = {r.collection: r for r in [*_resources(), *extra]}
        self.by_subject = {r.subject_type: r for r in self.by_collection.values()}
        self._plain_fks: dict[str, tuple[tuple[str, str, bool], ...]] = {}
        self._hidden_fks: dict[tuple[str, bool], tuple[tuple[str, str], ...]] = {}
        #: a record's keys (in order) -> its private ones, for the few layouts records have
        self._private: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._unshown: dict[tuple[str, bool, tuple[str, ...]], tuple[str, ...]] = {}

    def get(self, collection: str) -> Resource | None:
        return self.by_collection.get(collection)

    @functools.cached_property
    def refs(self) -> RefIndexes:
        """The reference fields' indexes, made when first compared (``_indexes``)."""
        from ._indexes import RefIndexes  # late: the indexes are named from the catalogue

        return RefIndexes(self)

    def plain_fks(self, res: Resource) -> tuple[tuple[str, str, bool], ...]:
        """(name, fk, many) of ``res``'s associations held on the record itself (the ones a
        record shows or hides by its includes), in declaration order; computed once."""
        got = self._plain_fks.get(res.collection)
        if got is None:
            got = self._plain_fks[res.collection] = tuple(
                (name, a.fk, a.many)
                for name, a in res.assocs.items()
                if a.collection and not (a.reverse or a.through or a.polymorphic)
            )
        return got

    def hidden_fks(self, res: Resource, keep_fks: bool) -> tuple[tuple[str, str], ...]:
        """(name, fk) of ``plain_fks`` a record shows only when the association is included:
        every to-many one, and the to-one ones unless foreign keys show without includes."""
        key = (res.collection, keep_fks)
        got = self._hidden_fks.get(key)
        if got is None:
            got = self._hidden_fks[key] = tuple(
                (name, fk) for name, fk, many in self.plain_fks(res) if many or not keep_fks
            )
        return got

    def public_copy(self, rec: dict[str, Any]) -> dict[str, Any]:
        """``rec`` without its private (``_``) keys, in its order. Which keys are private is
        looked up by the record's key layout (a copy and a few deletions cost less than a
        filter over every key); at most ``_LAYOUTS`` layouts are kept."""
        keys = tuple(rec)
        private = self._private.get(keys)
        if private is None:
            private = tuple(k for k in keys if k[:1] == "_")
            if len(self._private) < _LAYOUTS:
                self._private[keys] = private
        out = rec.copy()
        for k in private:
            del out[k]
        return out

    def shown_copy(self, res: Resource, rec: dict[str, Any], keep_fks: bool) -> dict[str, Any]:
        """``rec`` without its private keys and the foreign keys ``hidden_fks`` names, in
        its order: what a record shows when no association is included. The keys to drop are
        looked up by the record's key layout, like ``public_copy``'s."""
        keys = tuple(rec)
        layout = (res.collection, keep_fks, keys)
        drop = self._unshown.get(layout)
        if drop is None:
            hidden = {fk for _, fk in self.hidden_fks(res, keep_fks)}
            drop = tuple(k for k in keys if k[:1] == "_" or k in hidden)
            if len(self._unshown) < _LAYOUTS:
                self._unshown[layout] = drop
        out = rec.copy()
        for k in drop:
            del out[k]
        return out

    def __iter__(self) -> Any:
        return iter(self.by_collection.values())
