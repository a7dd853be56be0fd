"""The parsed form of a SOQL statement: immutable dataclasses, safe to cache and share.

Every node that can be named in an error keeps its 1-based ``line`` and ``column`` so
that name resolution can point Salesforce's caret at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as TypingLiteral


@dataclass(frozen=True, slots=True)
class Pos:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class FieldPath:
    """``Name`` or ``Account.Owner.Name``: relationship names, then one field name."""

    parts: tuple[str, ...]
    pos: Pos

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class FuncCall:
    """``COUNT()``, ``SUM(Amount)``, ``FIELDS(ALL)``, ``CALENDAR_YEAR(CloseDate)``."""

    name: str  # upper case
    args: tuple[FieldPath | FuncCall, ...]
    pos: Pos
    raw_name: str = ""


@dataclass(frozen=True, slots=True)
class SelectField:
    expr: FieldPath | FuncCall
    alias: str | None = None
    alias_pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class SelectSubquery:
    query: Query


SelectItem = SelectField | SelectSubquery

ValueKind = TypingLiteral["string", "number", "boolean", "null", "date", "datetime", "date_literal"]


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal in WHERE. ``value`` is decoded; ``raw`` is the source text.

    For ``date_literal`` the value is the literal name (``LAST_N_DAYS``) and ``n`` its
    argument; for ``datetime`` the value is normalised to the stored UTC format.
    """

    kind: ValueKind
    value: str | int | float | bool | None
    raw: str
    pos: Pos
    n: int | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """``field op value`` with op one of = != < <= > >= LIKE."""

    left: FieldPath | FuncCall
    op: str
    value: Literal
    pos: Pos


@dataclass(frozen=True, slots=True)
class InList:
    left: FieldPath | FuncCall
    values: tuple[Literal, ...]
    negated: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class SemiJoin:
    left: FieldPath
    query: Query
    negated: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class Includes:
    """Multi-select picklist ``INCLUDES``/``EXCLUDES``."""

    left: FieldPath
    values: tuple[Literal, ...]
    excludes: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Comparison | InList | SemiJoin | Includes | And | Or | Not


@dataclass(frozen=True, slots=True)
class OrderItem:
    expr: FieldPath | FuncCall
    descending: bool = False
    nulls: TypingLiteral["FIRST", "LAST"] | None = None


@dataclass(frozen=True, slots=True)
class Query:
    select: tuple[SelectItem, ...]
    sobject: str
    sobject_pos: Pos
    alias: str | None = None
    where: Condition | None = None
    group_by: tuple[FieldPath | FuncCall, ...] = ()
    having: Condition | None = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None
    offset_pos: Pos | None = None
    all_rows: bool = False
    select_pos: Pos | None = None
