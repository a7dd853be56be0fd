"""Which business rules each collection of the catalogue runs, as one explicit table.

``Records`` takes the table at construction and checks it against the catalogue, so a
collection renamed on one side is an error at start, not rules silently switched off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._coerce import Problems
    from ._records import Ctx
    from ._rules import Rules

Rec = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ResourceRules:
    """One collection's hooks; None: the generic write path alone."""

    #: (ctx, new record, given values, problems) before an insert
    create: Callable[[Ctx, Rec, Rec, Problems], None] | None = None
    #: (ctx, old, new, given values, problems) before an update
    update: Callable[[Ctx, Rec, Rec, Rec, Problems], None] | None = None
    #: (ctx, record, problems) before a delete
    delete: Callable[[Ctx, Rec, Problems], None] | None = None
    #: (ctx, record) once inserted
    after_create: Callable[[Ctx, Rec], None] | None = None
    #: (ctx, old, new) once saved
    after_update: Callable[[Ctx, Rec, Rec], None] | None = None
    #: a create writes nothing but its record and its event, and the event's shape does not
    #: read the record's own row: the event is built first and both rows are one statement,
    #: so a create of one record needs no transaction (``Records.alone``)
    event_first: bool = False


NO_RULES = ResourceRules()


def on_create(
    check: Callable[[Ctx, Rec, Problems], None],
) -> Callable[[Ctx, Rec, Rec, Problems], None]:
    """A create hook of a check that needs only the new record."""

    def hook(ctx: Ctx, rec: Rec, given: Rec, problems: Problems) -> None:
        check(ctx, rec, problems)

    return hook


def on_update(
    check: Callable[[Ctx, Rec, Problems], None],
) -> Callable[[Ctx, Rec, Rec, Rec, Problems], None]:
    """An update hook of a check that needs only the new record (not the old, not the input)."""

    def hook(ctx: Ctx, old: Rec, rec: Rec, given: Rec, problems: Problems) -> None:
        check(ctx, rec, problems)

    return hook


def rule_table(r: Rules) -> dict[str, ResourceRules]:
    """The collection -> hooks table of the catalogue."""
    return {
        "workspaces": ResourceRules(
            create=r.create_workspaces, update=r.update_workspaces, event_first=True
        ),
        "stories": ResourceRules(create=r.create_stories, update=on_update(r.check_story)),
        "workspace_resources": ResourceRules(
            create=r.create_workspace_resources,
            update=r.update_workspace_resources,
            event_first=True,
        ),
        "assignments": ResourceRules(
            create=on_create(r.check_assignment),
            update=on_update(r.check_assignment),
            event_first=True,
        ),
        "time_entries": ResourceRules(
            create=r.create_time_entries,
            update=r.update_time_entries,
            delete=r.delete_time_entries,
            event_first=True,
        ),
        "expenses": ResourceRules(
            create=r.create_expenses,
            update=r.update_expenses,
            delete=r.delete_expenses,
            event_first=True,
        ),
        "rate_card_set_versions": ResourceRules(create=r.create_rate_card_set_versions),
        "rate_cards": ResourceRules(
            create=r.create_rate_cards, after_create=r.after_create_rate_cards
        ),
        "rate_card_versions": ResourceRules(create=r.create_rate_card_versions),
        "rate_card_roles": ResourceRules(create=r.create_rate_card_roles),
        "invoices": ResourceRules(
            create=r.create_invoices,
            update=r.update_invoices,
            delete=r.delete_invoices,
            after_create=r.after_create_invoices,
            after_update=r.after_update_invoices,
        ),
        "timesheet_submissions": ResourceRules(
            create=r.create_timesheet_submissions,
            delete=r.delete_timesheet_submissions,
            after_create=r.after_create_timesheet_submissions,
        ),
        "custom_field_sets": ResourceRules(
            create=r.create_custom_field_sets, update=r.update_custom_field_sets
        ),
        "custom_fields": ResourceRules(
            create=r.create_custom_fields, after_create=r.after_create_custom_fields
        ),
        "custom_field_values": ResourceRules(
            create=r.create_custom_field_values, update=r.update_custom_field_values
        ),
    }


def checked(
    table: dict[str, ResourceRules], collections: Iterable[str]
) -> dict[str, ResourceRules]:
    """``table`` when every collection it names is in the catalogue, else ValueError."""
    unknown = sorted(set(table) - set(collections))
    if unknown:
        raise ValueError(
            f"business rules for collections the catalogue lacks: {', '.join(unknown)}"
        )
    return table
