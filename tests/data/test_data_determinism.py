"""One seed, one firm: identical bytes for the same inputs, different data otherwise."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.data import KINDS, MANIFEST, SIZES, generate_firm, write_firm

ROOT = Path(__file__).resolve().parents[2]


def _digests(directory: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
    }


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_same_seed_gives_identical_files(tmp_path: Path, fmt: str) -> None:
    write_firm(generate_firm(11, "small"), tmp_path / "a", fmt)
    write_firm(generate_firm(11, "small"), tmp_path / "b", fmt)

    first, second = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert set(first) == {f"{kind}.{fmt}" for kind in KINDS} | {MANIFEST}
    assert first == second


def test_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    """Set ordering or hash randomization must never leak into the output."""
    for name, hash_seed in (("a", "1"), ("b", "2")):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [
                *(sys.executable, "-m", "harness.data", "generate"),
                *("--seed", "5", "--size", "small", "--out", str(tmp_path / name)),
            ],
            check=True,
            capture_output=True,
            env=env,
            cwd=tmp_path,
        )
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


def test_different_seeds_give_different_data(tmp_path: Path) -> None:
    write_firm(generate_firm(1, "small"), tmp_path / "one")
    write_firm(generate_firm(2, "small"), tmp_path / "two")

    one, two = _digests(tmp_path / "one"), _digests(tmp_path / "two")
    for name in (
        "accounts.jsonl",
        "consultants.jsonl",
        "opportunities.jsonl",
        "time_entries.jsonl",
    ):
        assert one[name] != two[name], name


def test_generation_is_relative_to_as_of_not_the_clock() -> None:
    base = generate_firm(3, "small")
    later = generate_firm(3, "small", as_of=dt.date(2027, 7, 1))

    assert base.as_of == dt.date(2026, 1, 1)
    assert all(e.work_date < base.as_of for e in base.time_entries)
    assert all(e.work_date < later.as_of for e in later.time_entries)
    assert max(e.work_date for e in later.time_entries) > base.as_of
    # same people and clients, shifted in time
    assert [c.email for c in base.consultants] == [c.email for c in later.consultants]


def test_firm_iterates_in_kind_order() -> None:
    firm = generate_firm(4, "small")

    assert [kind for kind, _ in firm] == list(KINDS)
    for _, records in firm:
        ids = [r.id for r in records]
        assert len(ids) == len(set(ids))


def test_medium_size_smoke() -> None:
    started = time.perf_counter()
    firm = generate_firm(8, "medium")
    elapsed = time.perf_counter() - started

    spec = SIZES["medium"]
    assert elapsed < 20
    assert len(firm.consultants) == spec.consultants == 500
    assert len(firm.accounts) == spec.accounts == 300
    assert len(firm.opportunities) == spec.opportunities == 2_000
    assert len(firm.legal_entities) == spec.legal_entities
    assert len({c.currency for c in firm.consultants}) >= 3
    assert len(firm.time_entries) > 10_000
