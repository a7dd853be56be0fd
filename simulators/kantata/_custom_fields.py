"""Custom fields: sets per subject type, fields with a value type (and choices), values
set on workspaces, stories and users. Attribute names and writability follow the vendor's
gem specification (``custom_field_sets``, ``custom_fields``, ``custom_field_values``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ._coerce import Problems
from ._model import Assoc, Resource

if TYPE_CHECKING:
    from ._records import Ctx, Records
    from ._rule_table import Rec

_STAMPS = {"created_at": None, "updated_at": None}
VALUE_TYPES = ("string", "date", "number", "currency", "single", "multi")
SUBJECT_TYPES = ("Workspace", "Story", "User")
_SUBJECTS = {"Workspace": "workspaces", "Story": "stories", "User": "users"}
_EXT = Assoc("external_references", "external_reference_ids", many=True, polymorphic=True)


def custom_field_resources() -> list[Resource]:
    return [
        Resource(
            "custom_field_sets",
            "custom_field_set",
            "CustomFieldSet",
            stored={"name": None, "subject_type": "Workspace", **_STAMPS},
            create={"name": "str", "subject_type": "str", "external_reference": "obj"},
            update={"name": "str", "subject_type": "str", "external_reference": "obj"},
            required=("name",),
            assocs={
                "custom_fields": Assoc(
                    "custom_fields", "custom_field_ids", many=True, reverse="custom_field_set_id"
                ),
                "external_references": _EXT,
            },
            events=False,
        ),
        Resource(
            "custom_fields",
            "custom_field",
            "CustomField",
            stored={
                "name": None,
                "value_type": "string",
                "default_text": None,
                "unique_constraint": False,
                "custom_field_set_id": None,
                "write_access": "project_team",
                "read_access": "project_team",
                "hidden_in_user_interface": False,
                "available_on_estimates": False,
                "available_to_resources": False,
                "currency": None,
                "creator_id": None,
                "choice_ids": [],
                "_choices": [],
                **_STAMPS,
            },
            create={
                "name": "str",
                "value_type": "str",
                "default_text": "str",
                "unique_constraint": "bool",
                "choices": "list",
                "custom_field_set_id": "id",
                "write_access": "str",
                "read_access": "str",
                "hidden_in_user_interface": "bool",
                "external_reference": "obj",
            },
            update={
                "name": "str",
                "default_text": "str",
                "unique_constraint": "bool",
                "write_access": "str",
                "read_access": "str",
                "hidden_in_user_interface": "bool",
                "available_on_estimates": "bool",
                "available_to_resources": "bool",
                "external_reference": "obj",
            },
            required=("name",),
            assocs={
                "custom_field_set": Assoc("custom_field_sets", "custom_field_set_id"),
                "creator": Assoc("users", "creator_id"),
                "choices": Assoc("custom_field_choices", "choice_ids", many=True),
                "external_references": _EXT,
            },
            events=False,
        ),
        Resource(
            "custom_field_choices",
            "custom_field_choice",
            "CustomFieldChoice",
            stored={"label": None, "custom_field_id": None, **_STAMPS},
            create={},
            update={},
            assocs={"custom_field": Assoc("custom_fields", "custom_field_id")},
            ops=frozenset({"list", "get"}),
            events=False,
        ),
        Resource(
            "custom_field_values",
            "custom_field_value",
            "CustomFieldValue",
            stored={
                "subject_type": None,
                "subject_id": None,
                "custom_field_id": None,
                "custom_field_name": None,
                "type": None,
                "value": None,
                "display_value": None,
                "can_edit": True,
                "setter_id": None,
                "account_id": None,
                **_STAMPS,
            },
            create={
                "subject_type": "str",
                "subject_id": "id",
                "custom_field_id": "id",
                "value": "any",
            },
            update={"value": "any"},
            required=("subject_type", "subject_id", "custom_field_id"),
            assocs={
                "custom_field": Assoc("custom_fields", "custom_field_id"),
                "setter": Assoc("users", "setter_id"),
                "external_references": _EXT,
            },
        ),
    ]


class CustomFieldRules:
    """Hooks for the three collections (mixed into the rules)."""

    r: Records

    def create_custom_field_sets(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        if rec.get("subject_type") not in SUBJECT_TYPES:
            problems.append(("subject_type", "Subject type is not included in the list"))

    def update_custom_field_sets(
        self, ctx: Ctx, old: Rec, rec: Rec, v: Rec, problems: Problems
    ) -> None:
        self.create_custom_field_sets(ctx, rec, v, problems)

    def create_custom_fields(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        if rec.get("value_type") not in VALUE_TYPES:
            problems.append(("value_type", "Value type is not included in the list"))
        if rec.get("custom_field_set_id") is None:
            rec["custom_field_set_id"] = self._default_set(ctx)["id"]
        elif self.r.get(ctx, "custom_field_sets", rec["custom_field_set_id"]) is None:
            problems.append(("custom_field_set_id", "Custom field set is invalid"))
        rec["creator_id"] = ctx.user_id
        choices = v.get("choices") or []
        if rec.get("value_type") in ("single", "multi"):
            labels = [c.get("label") for c in choices if isinstance(c, dict)]
            if not labels or not all(isinstance(x, str) and x for x in labels):
                problems.append(("choices", "Choices must each have a label"))
            rec["_choices"] = [{"id": None, "label": x} for x in labels]
        elif choices:
            problems.append(("choices", "Choices are only valid for single and multi fields"))

    def after_create_custom_fields(self, ctx: Ctx, rec: dict[str, Any]) -> None:
        """Each choice becomes a custom_field_choices record with its own id."""
        if not rec.get("_choices"):
            return
        res = self.r.catalog.by_collection["custom_field_choices"]
        choices = [
            {
                "id": self.r.insert(ctx, res, {"label": c["label"], "custom_field_id": rec["id"]})[
                    "id"
                ],
                "label": c["label"],
            }
            for c in rec["_choices"]
        ]
        rec["_choices"] = choices
        rec["choice_ids"] = [c["id"] for c in choices]
        self.r.patch(
            ctx, "custom_fields", rec["id"], _choices=choices, choice_ids=rec["choice_ids"]
        )

    def _default_set(self, ctx: Ctx) -> dict[str, Any]:
        found = self.r.find(ctx, "custom_field_sets", name="Default Project Set")
        if found:
            return found[0]
        res = self.r.catalog.by_collection["custom_field_sets"]
        return self.r.insert(ctx, res, {"name": "Default Project Set", "subject_type": "Workspace"})

    def create_custom_field_values(
        self, ctx: Ctx, rec: dict[str, Any], v: dict[str, Any], problems: Problems
    ) -> None:
        field = self.r.get(ctx, "custom_fields", rec.get("custom_field_id"))
        if field is None:
            problems.append(("custom_field_id", "Custom field is invalid"))
            return
        subject = rec.get("subject_type")
        if subject not in SUBJECT_TYPES:
            problems.append(("subject_type", "Subject type is not included in the list"))
            return
        field_set = self.r.get(ctx, "custom_field_sets", field.get("custom_field_set_id"))
        if field_set is not None and field_set.get("subject_type") != subject:
            problems.append(("subject_type", f"Custom field does not apply to {subject}"))
        if self.r.get(ctx, _SUBJECTS[subject], rec.get("subject_id")) is None:
            problems.append(("subject_id", "Subject is invalid"))
            return
        if self.r.find(
            ctx,
            "custom_field_values",
            custom_field_id=field["id"],
            subject_type=subject,
            subject_id=rec["subject_id"],
        ):
            problems.append(("custom_field_id", "Custom field has already been taken"))
        rec["custom_field_name"] = field["name"]
        rec["type"] = field["value_type"]
        rec["setter_id"] = ctx.user_id
        self._value(ctx, field, rec, problems)

    def update_custom_field_values(
        self, ctx: Ctx, old: Rec, rec: Rec, v: Rec, problems: Problems
    ) -> None:
        field = self.r.get(ctx, "custom_fields", rec.get("custom_field_id"))
        if field is not None:
            self._value(ctx, field, rec, problems)

    def _value(
        self, ctx: Ctx, field: dict[str, Any], rec: dict[str, Any], problems: Problems
    ) -> None:
        value, kind = rec.get("value"), field["value_type"]
        if value in (None, ""):
            problems.append(("value", "Value can't be blank"))
            return
        display: Any = value
        if kind == "date":
            try:
                display = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                problems.append(("value", "Value is not a valid date"))
        elif kind in ("number", "currency"):
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                problems.append(("value", "Value is not a number"))
                return
            try:
                num = float(value)
            except ValueError:
                problems.append(("value", "Value is not a number"))
                return
            rec["value"] = num
            display = f"{num:.2f}" if kind == "currency" else str(value)
        elif kind in ("single", "multi"):
            ids = value if isinstance(value, list) else [value]
            by_id = {c["id"]: c["label"] for c in field.get("_choices") or []}
            if (kind == "single" and len(ids) != 1) or not all(str(i) in by_id for i in ids):
                problems.append(("value", "Value is not one of the field's choices"))
                return
            rec["value"] = [str(i) for i in ids]
            display = ", ".join(by_id[str(i)] for i in ids)
        elif not isinstance(value, str):
            problems.append(("value", "Value must be text"))
            return
        if (
            field.get("unique_constraint")
            and not isinstance(rec["value"], list)
            and any(
                o["id"] != rec.get("id")
                for o in self.r.find(
                    ctx, "custom_field_values", custom_field_id=field["id"], value=rec["value"]
                )
            )
        ):
            problems.append(("value", "Value has already been taken"))
        rec["display_value"] = display
