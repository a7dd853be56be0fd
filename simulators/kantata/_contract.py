"""What Kantata's contract says a record carries, applied to the presented record.

``_openapi/<collection>.json`` lists every property with when it is returned. Properties
returned ``always`` that the simulator has no model for get the value an account without
that feature shows (no task status set, no invoice preference, no ancestors); properties
returned only through ``optional_fields`` are left out unless asked for, as Kantata does.
"""

from __future__ import annotations

import functools
from typing import Any

from ._openapi import COLLECTIONS, load

#: values of always-returned properties the simulator does not model
_FIXED: dict[str, dict[str, Any]] = {
    "workspaces": {
        "actual_fees_includes_additional_line_items": True,
        "actual_fees_includes_expenses": True,
        "task_status_set_id": None,
        "task_status_set_name": None,
        "task_statuses": [],
        "workspace_invoice_preference_id": None,
    },
    "stories": {
        "assignment_timestamped_at": None,
        "invoiced_balance_in_cents": 0,
        "project_plan": True,
    },
}


@functools.cache
def visibility(collection: str) -> dict[str, str]:
    """Property -> "always" | "optional" | "include:<association>" (empty when unlisted)."""
    if collection not in COLLECTIONS:
        return {}
    return {k: v["visibility"] for k, v in load(collection)["properties"].items()}


@functools.cache
def optional_fields(collection: str) -> frozenset[str]:
    return frozenset(optional_in_order(collection))


@functools.cache
def optional_in_order(collection: str) -> tuple[str, ...]:
    """The optional properties in the contract's order: the order an answer adds them in,
    the same from one run to the next (a set's order changes with the process)."""
    return tuple(k for k, v in visibility(collection).items() if v == "optional")


@functools.cache
def _plan(collection: str) -> tuple[tuple[tuple[str, Any], ...], tuple[str, ...]]:
    """The unmodelled always-returned properties with their values, and the optional ones."""
    return tuple(_FIXED.get(collection, {}).items()), optional_in_order(collection)


def apply(
    collection: str,
    rec: dict[str, Any],
    out: dict[str, Any],
    asked: set[str],
    extra: dict[str, Any],
) -> None:
    """Add the unmodelled always-returned properties; keep optional ones only when asked.

    ``extra`` holds values computed for optional properties (used only when asked)."""
    fixed, optional = _plan(collection)
    for name, value in fixed:
        if name not in out:
            out[name] = value
    if not asked:  # the common answer: every optional property left out
        for name in optional:  # the few optional names looked up, not every key
            out.pop(name, None)
        return
    for name in optional_in_order(collection):
        if name in asked:
            if name not in out:
                out[name] = extra.get(name)
        else:
            out.pop(name, None)
