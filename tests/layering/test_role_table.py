"""The role table in ARCHITECTURE.md ("One shape per vendor") names files that exist: a
reader who looks a role up for a vendor lands in a real module, and a file that moves
without the table following it fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_FILE = re.compile(r"`([A-Za-z0-9_/]+(?:\.py|/))`")


def _role_rows() -> tuple[list[str], list[list[str]]]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## One shape per vendor", 1)[1]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]
    return header, rows


def test_every_file_the_role_table_names_exists() -> None:
    header, rows = _role_rows()
    vendors = header[2:]
    assert {"salesforce", "netsuite", "kantata", "workday"} <= set(vendors)
    missing: list[str] = []
    named = 0
    for row in rows:
        for vendor, cell in zip(vendors, row[2:], strict=True):
            for name in _FILE.findall(cell):
                named += 1
                if not (ROOT / "simulators" / vendor / name).exists():
                    missing.append(f"{row[0]} / {vendor}: {name}")
    assert named > 80, f"only {named} files named: the table's layout changed"
    assert not missing, "the role table names files that do not exist:\n" + "\n".join(missing)


def test_every_vendor_has_the_core_role_files() -> None:
    """Routes, handlers, services, rules, rendering, bulk load, errors and settings: one file
    name per role in every vendor package."""
    _, rows = _role_rows()
    vendors = [
        p.name
        for p in (ROOT / "simulators").iterdir()
        if p.name != "engine" and (p / "_dialect.py").exists()
    ]
    assert len(vendors) >= 6
    for vendor in vendors:
        for name in (
            "_dialect.py",
            "_routes.py",
            "_rest.py",
            "_records.py",
            "_rules.py",
            "_render.py",
            "_load.py",
            "_errors.py",
            "_settings.py",
            "_limits.py",
        ):
            assert (ROOT / "simulators" / vendor / name).exists(), f"{vendor} has no {name}"
    assert rows, "the role table has no rows"
