"""Detection power: the default suite fails each broken variant of the reference
integration, naming the broken invariant or step, in the journey meant to catch it.

Each variant runs as the target (``variant_main.py`` patches one defect into the
integration's own process); only the catching journey plays, with short waits, so the
whole matrix stays within a minute or two. ``python tests/journeys/detection_table.py``
plays the whole default suite against every variant and prints the table.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.journeys import EventBus, SessionOptions, TargetSpec, run_journeys

sys.path.insert(0, str(Path(__file__).parent))
from ri_variants import CAUGHT_BY, VARIANTS  # noqa: E402

MAIN = str(Path(__file__).parent / "variant_main.py")


def variant_target(name: str) -> TargetSpec:
    """The reference integration with one defect, started by the run like the embedded one."""
    return TargetSpec(
        name=f"reference integration with {name}",
        start=(
            sys.executable,
            MAIN,
            name,
            "serve",
            "--endpoints",
            "{endpoints}",
            "--port",
            "0",
            "--db",
            "{workdir}/ri.sqlite3",
        ),
        embedded=True,
    )


def test_every_variant_has_a_catching_journey() -> None:
    assert len(VARIANTS) >= 15 and set(CAUGHT_BY) == set(VARIANTS)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_default_suite_catches(variant: str) -> None:
    journey, names = CAUGHT_BY[variant]
    options = SessionOptions(seed=1, target=variant_target(variant), step_timeout=6, timeout=200)
    result = run_journeys(options, [journey], EventBus(), f"variant {variant}")
    assert not result.ok, f"{variant} passed the {journey} journey"
    text = "\n".join(result.failures)
    assert text.startswith(f"{journey}: ") and names in text, text
