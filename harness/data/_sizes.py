"""How big a firm to generate: named presets and custom counts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType

from harness.data._catalog import ENTITIES
from harness.data._errors import DataError


@dataclass(frozen=True, slots=True, kw_only=True)
class SizeSpec:
    """Counts that drive generation; everything else (projects, time, invoices) follows."""

    name: str = "custom"
    consultants: int
    accounts: int
    opportunities: int
    legal_entities: int = 2
    contractor_share: float = 0.1
    timesheet_days: int = 91  # days of time entries before the as-of date

    def __post_init__(self) -> None:
        problems = []
        if self.consultants < 7:
            problems.append("consultants must be at least 7 (one per practice)")
        if self.accounts < 1:
            problems.append("accounts must be at least 1")
        if self.opportunities < 1:
            problems.append("opportunities must be at least 1")
        if not 1 <= self.legal_entities <= len(ENTITIES):
            problems.append(f"legal_entities must be between 1 and {len(ENTITIES)}")
        if not 0.0 <= self.contractor_share <= 0.9:
            problems.append("contractor_share must be between 0.0 and 0.9")
        if not 7 <= self.timesheet_days <= 730:
            problems.append("timesheet_days must be between 7 and 730")
        if problems:
            raise DataError(f"invalid size {self.name!r}: " + "; ".join(problems))

    def with_counts(self, **changes: int | float | str) -> SizeSpec:
        """A copy with some counts replaced, named ``custom``."""
        return dataclasses.replace(self, name="custom", **changes)  # type: ignore[arg-type]


SIZES: MappingProxyType[str, SizeSpec] = MappingProxyType(
    {
        "small": SizeSpec(
            name="small",
            consultants=40,
            accounts=30,
            opportunities=200,
            legal_entities=2,
            timesheet_days=91,
        ),
        "medium": SizeSpec(
            name="medium",
            consultants=500,
            accounts=300,
            opportunities=2_000,
            legal_entities=4,
            timesheet_days=182,
        ),
        "large": SizeSpec(
            name="large",
            consultants=5_000,
            accounts=5_000,
            opportunities=50_000,
            legal_entities=6,
            timesheet_days=365,
        ),
    }
)


def resolve_size(size: str | SizeSpec) -> SizeSpec:
    """Turn a preset name or a spec into a spec, with an actionable error for unknown names."""
    if isinstance(size, SizeSpec):
        return size
    try:
        return SIZES[size]
    except KeyError:
        names = ", ".join(SIZES)
        raise DataError(
            f"unknown size {size!r}",
            hint=f"choose one of {names}, or give custom counts",
        ) from None
