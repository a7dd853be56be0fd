"""The curated public surface of ``harness.data`` and its typed errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import harness.data
from harness._errors import HarnessError
from harness.data import SIZES, DataError, SizeSpec, generate_firm, resolve_size, write_firm


def test_all_is_sorted_and_exactly_the_public_surface() -> None:
    public = {name for name in vars(harness.data) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(harness.data, name)).__name__ == "module"}
    assert sorted(harness.data.__all__, key=lambda n: (not n.isupper(), n)) == harness.data.__all__
    assert set(harness.data.__all__) == public - modules


def test_presets_grow() -> None:
    assert list(SIZES) == ["small", "medium", "large"]
    assert SIZES["medium"].consultants == 500 and SIZES["medium"].opportunities == 2_000
    assert SIZES["large"].consultants == 5_000 and SIZES["large"].opportunities == 50_000
    assert SIZES["large"].timesheet_days == 365


def test_custom_size_spec() -> None:
    spec = SIZES["small"].with_counts(consultants=12, accounts=4, opportunities=15)
    firm = generate_firm(5, spec)

    assert spec.name == "custom"
    assert (len(firm.consultants), len(firm.accounts), len(firm.opportunities)) == (12, 4, 15)


@pytest.mark.parametrize(
    "make",
    [
        lambda: resolve_size("gigantic"),
        lambda: SizeSpec(consultants=2, accounts=1, opportunities=1),
        lambda: SizeSpec(consultants=10, accounts=1, opportunities=1, legal_entities=9),
        lambda: generate_firm(-1),
        lambda: generate_firm(1, as_of=dt.datetime(2026, 1, 1)),  # type: ignore[arg-type]
        lambda: generate_firm(1).records("widgets"),
    ],
)
def test_errors_are_typed_and_actionable(make: object) -> None:
    with pytest.raises(DataError) as caught:
        make()  # type: ignore[operator]
    assert str(caught.value)


def test_data_error_is_a_harness_error() -> None:
    assert issubclass(DataError, HarnessError)
    error = DataError("unknown size 'x'", hint="choose one of small, medium, large")
    assert str(error) == "unknown size 'x' (hint: choose one of small, medium, large)"


def test_write_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown format 'parquet'"):
        write_firm(generate_firm(1), tmp_path, "parquet")
