"""Kantata's business rules, one hook per collection and operation.

Hooks receive the record with the request's values already applied and append
(field, message) problems; any problem turns the request into a 422 validation error.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ._coerce import Problems
from ._custom_fields import CustomFieldRules
from ._invoice_items import InvoiceItemRules
from ._state import state_of

if TYPE_CHECKING:
    from ._records import Ctx, Records
    from ._rule_table import Rec

STORY_TYPES = ("task", "deliverable", "milestone", "issue")
STORY_STATES = ("not started", "started", "needs feedback", "blocked", "completed")
_STATUS = {
    305: ("In Progress", "green"),
    300: ("Not Started", "grey"),
    310: ("Completed", "blue"),
    200: ("Estimate", "grey"),
    320: ("On Hold", "yellow"),
    330: ("Cancelled", "red"),
}


class Rules(CustomFieldRules, InvoiceItemRules):
    def __init__(self, records: Records) -> None:
        self.r = records
        self.s = records.settings

    # -- helpers ---------------------------------------------------------------------

    def _workspace(
        self,
        ctx: Ctx,
        wid: str | None,
        problems: Problems,
        *,
        open_only: bool = False,
        what: str = "Time entries",
    ) -> dict[str, Any] | None:
        ws = self.r.get(ctx, "workspaces", wid)
        if ws is None:
            problems.append(
                ("workspace_id", "Workspace can't be blank" if not wid else "Workspace is invalid")
            )
            return None
        if open_only and ws.get("archived"):
            problems.append(("workspace_id", f"{what} cannot be added to an archived project"))
        return ws

    def resource_of(self, ctx: Ctx, wid: str, uid: str) -> dict[str, Any] | None:
        found = self.r.find(ctx, "workspace_resources", workspace_id=wid, user_id=uid)
        return found[0] if found else None

    def rate_card_rate(self, ctx: Ctx, rate_card_id: str | None, role_id: str | None) -> int | None:
        """The role's rate on the card's newest version, else the version's default rate."""
        if not rate_card_id:
            return None
        versions = self.r.find(ctx, "rate_card_versions", rate_card_id=rate_card_id)
        if not versions:
            return None
        version = versions[-1]
        if role_id:
            for row in self.r.find(
                ctx, "rate_card_roles", rate_card_version_id=version["id"], role_id=role_id
            ):
                return int(row.get("rate") or 0)
        default = version.get("default_rate")
        return int(default) if default else None

    def _locked(self, ctx: Ctx, rec: dict[str, Any]) -> str | None:
        if rec.get("is_invoiced"):
            return "has been invoiced and cannot be changed"
        sub = self.r.get(ctx, "timesheet_submissions", rec.get("active_submission_id"))
        if sub is not None and sub.get("status") == "approved":
            return "has been approved and cannot be changed"
        if sub is not None and sub.get("status") == "pending":
            return "has been submitted for approval and cannot be changed"
        return None

    # -- workspaces ------------------------------------------------------------------

    def create_workspaces(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        role = v.get("creator_role")
        if role not in ("consultant", "client", "maven", "buyer"):  # OpenAPI names, legacy names
            problems.append(("creator_role", "Creator role is not included in the list"))
        self._workspace_common(ctx, rec, v, problems)
        rec["account_id"] = state_of(ctx.tenant).account_id or self.s.account_id
        rec["creator_id"] = ctx.user_id
        if rec.get("primary_maven_id") is None and role == "maven":
            rec["primary_maven_id"] = ctx.user_id
        if rec.get("require_time_approvals") is None:
            rec["require_time_approvals"] = self.s.default_require_time_approvals
        if not rec.get("currency"):
            rec["currency"] = self.s.default_currency

    def update_workspaces(self, ctx: Ctx, old: Rec, rec: Rec, v: Rec, problems: Problems) -> None:
        self._workspace_common(ctx, rec, v, problems)
        if rec.get("require_time_approvals") is None:
            rec["require_time_approvals"] = old.get("require_time_approvals")

    def _workspace_common(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        if "price" in v:
            rec["price_in_cents"] = v["price"]
        if rec.get("price_in_cents") is not None and rec["price_in_cents"] < 0:
            problems.append(("price", "Price must be greater than or equal to 0"))
        if rec.get("access_level") not in ("invitation", "open", "admins", "admin"):
            problems.append(("access_level", "Access level is not included in the list"))
        if rec.get("currency") and (
            len(str(rec["currency"])) != 3 or not str(rec["currency"]).isalpha()
        ):
            problems.append(("currency", "Currency is not included in the list"))
        elif rec.get("currency"):
            rec["currency"] = str(rec["currency"]).upper()
        if v.get("rate_card_id"):
            card = self.r.get(ctx, "rate_cards", v["rate_card_id"])
            if card is None:
                problems.append(("rate_card_id", "Rate card is invalid"))
            else:
                rec["currency"] = card.get("currency") or rec.get("currency")
        if rec.get("start_date") and rec.get("due_date") and rec["due_date"] < rec["start_date"]:
            problems.append(("due_date", "Due date must be after the start date"))
        key = int(rec.get("status_key") or 305)
        message, color = _STATUS.get(key, ("In Progress", "green"))
        rec["status"] = {"color": color, "key": key, "message": message}
        for uid_field in ("approver_id", "primary_maven_id"):
            if v.get(uid_field) and self.r.get(ctx, "users", v[uid_field]) is None:
                problems.append(
                    (uid_field, f"{uid_field[:-3].replace('_', ' ').capitalize()} is invalid")
                )

    # -- stories ---------------------------------------------------------------------

    def create_stories(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        ws = self._workspace(ctx, rec.get("workspace_id"), problems, open_only=True, what="Tasks")
        if ws is not None and "billable" not in v:
            rec["billable"] = not ws.get("tasks_default_non_billable")
        rec["creator_id"] = ctx.user_id
        if v.get("position") is None and ws is not None:
            # counted, not read: a workspace's thousandth story would read the other 999
            rec["position"] = self.r.count(ctx, "stories", workspace_id=ws["id"]) + 1
        self.check_story(ctx, rec, problems)

    def check_story(self, ctx: Ctx, rec: dict[str, Any], problems: Problems) -> None:
        """A story's values, on create and on update."""
        if rec.get("story_type") not in STORY_TYPES:
            problems.append(("story_type", "Story type is not included in the list"))
        if rec.get("state") not in STORY_STATES:
            problems.append(("state", "State is not included in the list"))
        if (
            rec.get("percentage_complete") is not None
            and not 0 <= rec["percentage_complete"] <= 100
        ):
            problems.append(
                ("percentage_complete", "Percentage complete must be between 0 and 100")
            )
        for f in ("budget_estimate_in_cents", "time_estimate_in_minutes", "cost_budget_in_cents"):
            if rec.get(f) is not None and rec[f] < 0:
                problems.append(
                    (f, f"{f.replace('_', ' ').capitalize()} must be greater than or equal to 0")
                )
        if rec.get("start_date") and rec.get("due_date") and rec["due_date"] < rec["start_date"]:
            problems.append(("due_date", "Due date must be after the start date"))
        parent_id = rec.get("parent_id")
        rec["root_id"], rec["ancestry_depth"] = None, 0
        if parent_id:
            parent = self.r.get(ctx, "stories", parent_id)
            if (
                parent is None
                or parent.get("workspace_id") != rec.get("workspace_id")
                or parent_id == rec.get("id")
            ):
                problems.append(("parent_id", "Parent is invalid"))
            else:
                rec["root_id"] = parent.get("root_id") or parent["id"]
                rec["ancestry_depth"] = int(parent.get("ancestry_depth") or 0) + 1
        if rec.get("state") == "completed" and rec.get("percentage_complete") in (None, 0):
            rec["percentage_complete"] = 100

    # -- workspace resources and assignments -----------------------------------------

    def create_workspace_resources(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        ws = self._workspace(ctx, rec.get("workspace_id"), problems)
        self._resource_common(ctx, rec, v, problems, ws)

    def update_workspace_resources(
        self, ctx: Ctx, old: Rec, rec: Rec, v: Rec, problems: Problems
    ) -> None:
        ws = self.r.get(ctx, "workspaces", rec.get("workspace_id"))
        self._resource_common(ctx, rec, v, problems, ws)

    def _resource_common(
        self,
        ctx: Ctx,
        rec: dict[str, Any],
        v: dict[str, Any],
        problems: Problems,
        ws: dict[str, Any] | None,
    ) -> None:
        if rec.get("user_id"):
            if self.r.get(ctx, "users", rec["user_id"]) is None:
                problems.append(("user_id", "User is invalid"))
            elif ws is not None:
                other = self.resource_of(ctx, ws["id"], rec["user_id"])
                if other is not None and other["id"] != rec.get("id"):
                    problems.append(("user_id", "User is already a resource in this project"))
        if rec.get("role_id") and self.r.get(ctx, "roles", rec["role_id"]) is None:
            problems.append(("role_id", "Role is invalid"))
        if not rec.get("user_id") and not rec.get("role_id"):
            problems.append(("role_id", "Role can't be blank for an unnamed resource"))
        for key, field in (
            ("bill_rate", "_bill_rate_in_cents"),
            ("cost_rate", "_cost_rate_in_cents"),
        ):
            if key in v:
                if v[key] is not None and v[key] < 0:
                    problems.append(
                        (
                            key,
                            f"{key.replace('_', ' ').capitalize()} must be greater than or equal to 0",
                        )
                    )
                rec[field] = v[key]
        if rec.get("_bill_rate_in_cents") is None and ws is not None:
            rec["_bill_rate_in_cents"] = self.rate_card_rate(
                ctx, ws.get("rate_card_id"), rec.get("role_id")
            )

    def check_assignment(self, ctx: Ctx, rec: dict[str, Any], problems: Problems) -> None:
        """An assignment's story, assignee and resource, on create and on update."""
        story = self.r.get(ctx, "stories", rec.get("story_id"))
        if story is None:
            problems.append(("story_id", "Story is invalid"))
            return
        if self.r.get(ctx, "users", rec.get("assignee_id")) is None:
            problems.append(("assignee_id", "Assignee is invalid"))
            return
        resource = self.resource_of(ctx, story["workspace_id"], rec["assignee_id"])
        if resource is None:
            problems.append(("assignee_id", "Assignee must be a resource in the project"))
            return
        if rec.get("resource_id"):
            chosen = self.r.get(ctx, "workspace_resources", rec["resource_id"])
            if chosen is None or chosen.get("workspace_id") != story["workspace_id"]:
                problems.append(("resource_id", "Resource is invalid"))
        else:
            rec["resource_id"] = resource["id"]
        if rec.get("estimated_minutes") is not None and rec["estimated_minutes"] < 0:
            problems.append(
                ("estimated_minutes", "Estimated minutes must be greater than or equal to 0")
            )

    # -- time entries ----------------------------------------------------------------

    def create_time_entries(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        rec["user_id"] = rec.get("user_id") or ctx.user_id
        rec["_created_by"] = ctx.user_id
        self._time_common(ctx, rec, v, problems, creating=True)

    def update_time_entries(self, ctx: Ctx, old: Rec, rec: Rec, v: Rec, problems: Problems) -> None:
        why = self._locked(ctx, old)
        if why is not None:
            problems.append((None, f"Time entry {why}"))
            return
        self._time_common(ctx, rec, v, problems, creating=False)

    def delete_time_entries(self, ctx: Ctx, rec: dict[str, Any], problems: Problems) -> None:
        why = self._locked(ctx, rec)
        if why is not None:
            problems.append((None, f"Time entry {rec['id']} {why}"))

    def _time_common(
        self,
        ctx: Ctx,
        rec: dict[str, Any],
        v: dict[str, Any],
        problems: Problems,
        *,
        creating: bool,
    ) -> None:
        ws = self._workspace(ctx, rec.get("workspace_id"), problems, open_only=True)
        minutes = rec.get("time_in_minutes")
        if minutes is not None and not 0 < minutes <= 1440:
            problems.append(
                ("time_in_minutes", "Time in minutes must be greater than 0 and at most 1440")
            )
        for f in ("rate_in_cents", "cost_rate_in_cents"):
            if rec.get(f) is not None and rec[f] < 0:
                problems.append(
                    (f, f"{f.replace('_', ' ').capitalize()} must be greater than or equal to 0")
                )
        if ws is None:
            return
        user = self.r.get(ctx, "users", rec.get("user_id"))
        resource = self.resource_of(ctx, ws["id"], rec["user_id"]) if user is not None else None
        if user is None:
            problems.append(("user_id", "User is invalid"))
        elif resource is None:
            problems.append(("user_id", "User must be a participant in the project to log time"))
        if rec.get("story_id"):
            story = self.r.get(ctx, "stories", rec["story_id"])
            if story is None or story.get("workspace_id") != ws["id"]:
                problems.append(("story_id", "Story must belong to the same project"))
            elif creating and "billable" not in v:
                rec["billable"] = bool(story.get("billable", True))
        if ws.get("require_notes_on_time_entries") and not (rec.get("notes") or "").strip():
            problems.append(("notes", "Notes can't be blank"))
        if rec.get("billable") is None:
            rec["billable"] = True
        if resource is not None:
            if rec.get("role_id") is None:
                rec["role_id"] = resource.get("role_id")
            if creating and v.get("rate_in_cents") is None:
                rate = resource.get("_bill_rate_in_cents")
                if rate is None:
                    rate = self.rate_card_rate(ctx, ws.get("rate_card_id"), resource.get("role_id"))
                rec["rate_in_cents"] = int(rate or 0)
            if creating and v.get("cost_rate_in_cents") is None:
                rec["cost_rate_in_cents"] = int(resource.get("_cost_rate_in_cents") or 0)
        rec["currency"] = ws.get("currency") or self.s.default_currency
        if creating:
            rec["approved"] = not ws.get("require_time_approvals")

    # -- expenses --------------------------------------------------------------------

    def create_expenses(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        ws = self._workspace(
            ctx, rec.get("workspace_id"), problems, open_only=True, what="Expenses"
        )
        rec["user_id"] = rec.get("user_id") or ctx.user_id
        if "billable" in v and v["billable"] is not None:
            rec["is_billable"] = v["billable"]
        self._expense_common(ctx, rec, problems, ws)

    def update_expenses(self, ctx: Ctx, old: Rec, rec: Rec, v: Rec, problems: Problems) -> None:
        if old.get("is_invoiced"):
            problems.append((None, "Expense has been invoiced and cannot be changed"))
            return
        if "billable" in v and v["billable"] is not None:
            rec["is_billable"] = v["billable"]
        self._expense_common(
            ctx, rec, problems, self.r.get(ctx, "workspaces", rec.get("workspace_id"))
        )

    def delete_expenses(self, ctx: Ctx, rec: dict[str, Any], problems: Problems) -> None:
        if rec.get("is_invoiced"):
            problems.append((None, "Expense has been invoiced and cannot be deleted"))

    def _expense_common(
        self, ctx: Ctx, rec: dict[str, Any], problems: Problems, ws: dict[str, Any] | None
    ) -> None:
        if rec.get("amount_in_cents") is not None and rec["amount_in_cents"] < 0:
            problems.append(
                ("amount_in_cents", "Amount in cents must be greater than or equal to 0")
            )
        if ws is not None:
            rec["currency"] = ws.get("currency") or self.s.default_currency
            if rec.get("story_id"):
                story = self.r.get(ctx, "stories", rec["story_id"])
                if story is None or story.get("workspace_id") != ws["id"]:
                    problems.append(("story_id", "Story must belong to the same project"))
        if self.r.get(ctx, "users", rec.get("user_id")) is None:
            problems.append(("user_id", "User is invalid"))

    # -- rate cards ------------------------------------------------------------------

    def create_rate_card_set_versions(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        if self.r.get(ctx, "rate_card_sets", rec.get("rate_card_set_id")) is None:
            problems.append(("rate_card_set_id", "Rate card set is invalid"))
        rec["effective_date"] = rec.get("effective_date") or ctx.today()

    def create_rate_cards(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        if self.r.get(ctx, "rate_card_sets", rec.get("rate_card_set_id")) is None:
            problems.append(("rate_card_set_id", "Rate card set is invalid"))
        cur = str(rec.get("currency") or "")
        if len(cur) != 3 or not cur.isalpha():
            problems.append(("currency", "Currency is not included in the list"))
        else:
            rec["currency"] = cur.upper()
            if self.r.find(
                ctx,
                "rate_cards",
                rate_card_set_id=rec.get("rate_card_set_id"),
                currency=cur.upper(),
            ):
                problems.append(("currency", "Currency has already been taken"))

    def after_create_rate_cards(self, ctx: Ctx, rec: dict[str, Any]) -> None:
        res = self.r.catalog.by_collection["rate_card_versions"]
        versions = self.r.find(
            ctx, "rate_card_set_versions", rate_card_set_id=rec["rate_card_set_id"]
        )
        self.r.insert(
            ctx,
            res,
            {
                "rate_card_id": rec["id"],
                "default_rate": 0,
                "rate_card_set_version_id": versions[-1]["id"] if versions else None,
            },
        )

    def create_rate_card_versions(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        if self.r.get(ctx, "rate_cards", rec.get("rate_card_id")) is None:
            problems.append(("rate_card_id", "Rate card is invalid"))

    def create_rate_card_roles(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        if self.r.get(ctx, "rate_card_versions", rec.get("rate_card_version_id")) is None:
            problems.append(("rate_card_version_id", "Rate card version is invalid"))
        if self.r.get(ctx, "roles", rec.get("role_id")) is None:
            problems.append(("role_id", "Role is invalid"))
        elif self.r.find(
            ctx,
            "rate_card_roles",
            rate_card_version_id=rec.get("rate_card_version_id"),
            role_id=rec.get("role_id"),
        ):
            problems.append(("role_id", "Role has already been taken"))
        if rec.get("rate") is not None and rec["rate"] < 0:
            problems.append(("rate", "Rate must be greater than or equal to 0"))

    # -- invoices --------------------------------------------------------------------

    def create_invoices(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        wids = list(
            dict.fromkeys(
                (v.get("workspace_ids") or [])
                + ([v["workspace_id"]] if v.get("workspace_id") else [])
            )
        )
        if not wids:
            problems.append(("workspace_id", "Workspace can't be blank"))
            return
        workspaces = [self._workspace(ctx, w, problems) for w in wids]
        if problems:
            return
        rec["workspace_ids"] = wids
        rec["currency"] = (workspaces[0] or {}).get("currency") or self.s.default_currency
        rec["user_id"] = ctx.user_id
        rec["invoice_date"] = rec.get("invoice_date") or ctx.today()
        rec["payment_schedule"] = (
            rec.get("payment_schedule") if rec.get("payment_schedule") is not None else 30
        )
        rec["due_date"] = (
            date.fromisoformat(rec["invoice_date"]) + timedelta(days=int(rec["payment_schedule"]))
        ).isoformat()
        if rec.get("user_invoice_number") is None:
            rec["user_invoice_number"] = ctx.tenant.store.next_sequence("kantata.invoice_number")
        rec["title"] = f"Invoice #{rec['user_invoice_number']}"
        if "draft" not in v or v["draft"] is None:
            rec["draft"] = True
        extra = self.nested_items(ctx, rec, v, problems)
        self._invoice_lines(ctx, rec, None, problems, extra)

    def update_invoices(self, ctx: Ctx, old: Rec, rec: Rec, v: Rec, problems: Problems) -> None:
        if ("time_entry_ids" in v or "expense_ids" in v) and not old.get("draft"):
            problems.append((None, "Line items can only be changed on a draft invoice"))
            return
        if rec.get("user_invoice_number") is not None:
            rec["title"] = f"Invoice #{rec['user_invoice_number']}"
        if rec.get("invoice_date"):
            rec["due_date"] = (
                date.fromisoformat(rec["invoice_date"])
                + timedelta(days=int(rec.get("payment_schedule") or 0))
            ).isoformat()
        self._invoice_lines(ctx, rec, old, problems)

    def _invoice_lines(
        self,
        ctx: Ctx,
        rec: dict[str, Any],
        old: dict[str, Any] | None,
        problems: Problems,
        extra: int | None = None,
    ) -> None:
        """Check the invoice's time entries and expenses; the marking happens in ``mark_invoiced``.

        ``extra`` is the amount of its additional and fixed fee items (kept from creation)."""
        total = extra if extra is not None else self._items_total(ctx, rec)
        for collection, ids_field, label in (
            ("time_entries", "time_entry_ids", "Time entry"),
            ("expenses", "expense_ids", "Expense"),
        ):
            before = set((old or {}).get(ids_field) or [])
            for rid in rec.get(ids_field) or []:
                item = self.r.get(ctx, collection, rid)
                if item is None or item.get("workspace_id") not in rec["workspace_ids"]:
                    problems.append(
                        (ids_field, f"{label} {rid} does not belong to the invoice's projects")
                    )
                    continue
                if rid not in before and item.get("is_invoiced"):
                    problems.append((ids_field, f"{label} {rid} has already been invoiced"))
                    continue
                if collection == "time_entries":
                    if not item.get("approved"):
                        problems.append((ids_field, f"{label} {rid} has not been approved"))
                        continue
                    if item.get("billable"):
                        total += round(
                            int(item["time_in_minutes"]) * int(item.get("rate_in_cents") or 0) / 60
                        )
                elif item.get("is_billable"):
                    total += int(item.get("amount_in_cents") or 0)
        rate = rec.get("tax_rate") or 0
        rec["balance_in_cents"] = round(total * (1 + float(rate) / 100))

    def mark_invoiced(self, ctx: Ctx, rec: dict[str, Any], old: dict[str, Any] | None) -> None:
        for collection, ids_field in (
            ("time_entries", "time_entry_ids"),
            ("expenses", "expense_ids"),
        ):
            now = set(rec.get(ids_field) or []) if rec.get("status") != "deleted" else set()
            before = set((old or {}).get(ids_field) or [])
            inv_field = "invoice_id" if collection == "time_entries" else "_invoice_id"
            for rid in sorted(now - before, key=int):
                self.r.patch(ctx, collection, rid, is_invoiced=True, **{inv_field: rec["id"]})
            for rid in sorted(before - now, key=int):
                self.r.patch(ctx, collection, rid, is_invoiced=False, **{inv_field: None})

    def after_create_invoices(self, ctx: Ctx, rec: dict[str, Any]) -> None:
        self.write_items(ctx, rec)
        self.mark_invoiced(ctx, rec, None)

    def _items_total(self, ctx: Ctx, rec: dict[str, Any]) -> int:
        total = 0
        for collection, field in (
            ("additional_items", "additional_item_ids"),
            ("fixed_fee_items", "fixed_fee_item_ids"),
        ):
            for rid in rec.get(field) or []:
                item = self.r.get(ctx, collection, rid)
                total += int((item or {}).get("amount_in_cents") or 0)
        return total

    def after_update_invoices(self, ctx: Ctx, old: dict[str, Any], rec: dict[str, Any]) -> None:
        self.mark_invoiced(ctx, rec, old)

    def delete_invoices(self, ctx: Ctx, rec: dict[str, Any], problems: Problems) -> None:
        self.mark_invoiced(ctx, {**rec, "status": "deleted"}, rec)

    # -- timesheet submissions -------------------------------------------------------

    def create_timesheet_submissions(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        ws = self._workspace(ctx, rec.get("workspace_id"), problems)
        if ws is None:
            return
        entries = []
        for rid in v.get("line_item_ids") or []:
            entry = self.r.get(ctx, "time_entries", rid)
            if entry is None or entry.get("workspace_id") != ws["id"]:
                problems.append(
                    ("line_item_ids", f"Time entry {rid} does not belong to the project")
                )
            elif self._locked(ctx, entry) is not None or entry.get("approved"):
                problems.append(("line_item_ids", f"Time entry {rid} cannot be submitted"))
            else:
                entries.append(entry)
        if problems:
            return
        rec["time_entry_ids"] = [e["id"] for e in entries]
        rec["user_id"] = rec.get("user_id") or (entries[0]["user_id"] if entries else ctx.user_id)
        dates = sorted(e["date_performed"] for e in entries)
        rec["start_date"], rec["end_date"] = (dates[0], dates[-1]) if dates else (None, None)
        rec["currency"] = ws.get("currency")
        rec["line_item_total_in_cents"] = sum(
            round(int(e["time_in_minutes"]) * int(e.get("rate_in_cents") or 0) / 60)
            for e in entries
            if e.get("billable")
        )

    def after_create_timesheet_submissions(self, ctx: Ctx, rec: dict[str, Any]) -> None:
        for rid in rec["time_entry_ids"]:
            self.r.patch(
                ctx,
                "time_entries",
                rid,
                active_submission_id=rec["id"],
                recent_submission_id=rec["id"],
            )

    def delete_timesheet_submissions(
        self, ctx: Ctx, rec: dict[str, Any], problems: Problems
    ) -> None:
        if rec.get("status") == "approved":
            problems.append((None, "An approved timesheet submission cannot be deleted"))
            return
        for rid in rec.get("time_entry_ids") or []:
            self.r.patch(ctx, "time_entries", rid, active_submission_id=None)

    def resolve(
        self, ctx: Ctx, submission: dict[str, Any], kind: str, description: str | None
    ) -> dict[str, Any]:
        """Approve, reject or cancel a pending submission; returns the resolution."""
        status = {"approval": "approved", "rejection": "rejected", "cancellation": "cancelled"}[
            kind
        ]
        _, iso = self.r.stamp(ctx)
        self.r.patch(
            ctx,
            "timesheet_submissions",
            submission["id"],
            status=status,
            resolution_description=description,
            current_resolution_description=description,
            current_resolution_created_at_date=iso,
            current_resolution_creator_id=int(ctx.user_id),
        )
        for rid in submission.get("time_entry_ids") or []:
            if kind == "approval":
                self.r.patch(ctx, "time_entries", rid, approved=True)
            else:
                self.r.patch(ctx, "time_entries", rid, approved=False, active_submission_id=None)
        rid = ctx.tenant.store.next_sequence("id:resolutions")
        return {
            "id": rid,
            "type": kind,
            "description": description,
            "target_type": "TimesheetSubmission",
            "target_id": int(submission["id"]),
            "user_id": int(ctx.user_id),
            "current": True,
            "created_at": iso,
            "updated_at": iso,
        }
