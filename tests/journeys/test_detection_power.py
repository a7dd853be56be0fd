"""Detection power: the default suite fails each broken variant of the reference
integration, naming the broken invariant or step, in the journey meant to catch it.

Each variant runs as the target (``variant_main.py`` patches one defect into the
integration's own process) in one shared scene (simulators and firm); only the journey
meant to catch it plays, with short waits. ``python tests/journeys/detection_table.py``
plays the whole default suite against every variant and prints the table.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.journeys import Session, SessionOptions, TargetSpec
from harness.journeys._target import serve_args

sys.path.insert(0, str(Path(__file__).parent))
from ri_variants import CAUGHT_BY, VARIANTS

MAIN = str(Path(__file__).parent / "variant_main.py")


def variant_target(name: str) -> TargetSpec:
    """The reference integration with one defect, started by the run like the embedded one."""
    return TargetSpec(
        name=f"reference integration with {name}",
        start=(sys.executable, MAIN, name, *serve_args("ri.sqlite3")),
        embedded=True,
    )


@pytest.fixture(scope="module")
def scene() -> Iterator[Session]:
    """One set of simulators and one firm; each variant is started as the target in turn."""
    with Session(SessionOptions(seed=1, step_timeout=5, timeout=1200)) as session:
        yield session


def test_every_variant_has_a_catching_journey() -> None:
    assert len(VARIANTS) >= 15 and set(CAUGHT_BY) == set(VARIANTS)


def test_the_unbroken_integration_passes_the_catching_journeys(scene: Session) -> None:
    for journey in sorted({j for j, _ in CAUGHT_BY.values()} - {"surge"}):
        result = scene.play(journey)
        assert result.ok, "\n".join(result.failures)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_default_suite_catches(scene: Session, variant: str) -> None:
    journey, names = CAUGHT_BY[variant]
    scene.switch_target(variant_target(variant))
    result = scene.play(journey)
    assert not result.ok, f"{variant} passed the {journey} journey"
    text = "\n".join(result.failures)
    assert text.startswith(f"{journey}: ") and names in text, text
