"""``harness data generate`` through typer's runner and as a real ``python -m`` process."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import main
from harness.cli._data import data_app
from harness.data import KINDS, MANIFEST

ROOT = Path(__file__).resolve().parents[2]


def _summary_counts(output: str, fmt: str) -> dict[str, int]:
    pattern = re.compile(rf"(\w+)\W+(\d+)\W+\1\.{fmt}")
    return {kind: int(count) for kind, count in pattern.findall(output)}


def _file_counts(directory: Path, fmt: str) -> dict[str, int]:
    counts = {}
    for kind in KINDS:
        path = directory / f"{kind}.{fmt}"
        if fmt == "jsonl":
            with path.open("rb") as handle:
                counts[kind] = sum(1 for _ in handle)
        else:
            with path.open(encoding="utf-8", newline="") as handle:
                counts[kind] = sum(1 for _ in csv.reader(handle)) - 1
    return counts


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_generate_writes_every_kind_and_reports_counts(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "firm"
    result = CliRunner().invoke(
        data_app,
        ["generate", "--seed", "42", "--size", "small", "--out", str(out), "--format", fmt],
    )

    assert result.exit_code == 0, result.output
    assert "seed: 42" in result.stdout
    files = _file_counts(out, fmt)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["seed"] == 42 and manifest["format"] == fmt
    assert manifest["counts"] == files
    assert _summary_counts(result.stdout, fmt) == files
    assert f"{sum(files.values())} records" in result.stdout


def test_jsonl_rows_are_flat_objects_with_ids(tmp_path: Path) -> None:
    out = tmp_path / "firm"
    CliRunner().invoke(data_app, ["generate", "--seed", "1", "--out", str(out)])

    first = json.loads((out / "accounts.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["id"] == "ACC-000001"
    assert first["erp_external_id"] == first["crm_id"]
    entry = json.loads((out / "time_entries.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["work_date"])


def test_custom_counts(tmp_path: Path) -> None:
    out = tmp_path / "firm"
    result = CliRunner().invoke(
        data_app,
        [
            *("generate", "--seed", "3", "--size", "custom", "--out", str(out)),
            *("--consultants", "20", "--accounts", "8", "--opportunities", "30"),
        ],
    )

    assert result.exit_code == 0, result.output
    counts = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["counts"]
    assert (counts["consultants"], counts["accounts"], counts["opportunities"]) == (20, 8, 30)


def test_seed_is_chosen_and_printed_when_omitted(tmp_path: Path) -> None:
    result = CliRunner().invoke(data_app, ["generate", "--out", str(tmp_path / "firm")])

    assert result.exit_code == 0, result.output
    seed = int(re.search(r"seed: (\d+)", result.stdout).group(1))  # type: ignore[union-attr]
    manifest = json.loads((tmp_path / "firm" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["seed"] == seed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "huge"], "error: unknown size 'huge'"),
        (["--format", "xml"], "error: unknown format 'xml'"),
        (["--as-of", "yesterday"], "error: invalid --as-of 'yesterday'"),
        (["--size", "custom", "--consultants", "3"], "error: invalid size 'custom'"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(data_app, ["generate", "--out", str(tmp_path / "x"), *args])

    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)
    assert not (tmp_path / "x").exists()


def test_out_path_that_is_a_file_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["data", "generate", "--seed", "1", "--out", str(blocker)])

    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip() == (
        f"error: harness data generate: Invalid value for '--out': {blocker} is a file, not a directory"
    )


def test_sizes_lists_presets() -> None:
    result = CliRunner().invoke(data_app, ["sizes"])

    assert result.exit_code == 0
    for name in ("small", "medium", "large"):
        assert name in result.stdout


def _run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "harness.data", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_python_m_generates_csv(tmp_path: Path) -> None:
    done = _run_module(
        "generate",
        "--seed",
        "9",
        "--size",
        "small",
        "--out",
        "firm",
        "--format",
        "csv",
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert "seed: 9" in done.stdout
    files = _file_counts(tmp_path / "firm", "csv")
    assert _summary_counts(done.stdout, "csv") == files


def test_python_m_bad_size_exits_2_with_one_line(tmp_path: Path) -> None:
    done = _run_module("generate", "--size", "enormous", "--out", "firm", cwd=tmp_path)

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: unknown size 'enormous' (hint: choose one of small, medium, large, or give custom counts)"
    ]
