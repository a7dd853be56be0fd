"""Every vendor error is named once: a handler raises a factory from its vendor's
``_errors.py``, so a status and code written as literals appear nowhere else in a dialect
(ARCHITECTURE.md, "One shape per vendor")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDORS = ("salesforce", "netsuite", "kantata", "workday", "businesscentral", "coupa")
INLINE = re.compile(r'HttpError\(\s*(\d{3}),\s*"([A-Za-z_ ]+)"')

#: answers of the admin API (rendered in the engine's admin format, not the vendor's)
ADMIN_ANSWERS = {
    ("workday/_admin_api.py", "NOT_FOUND"),
    ("businesscentral/_limits.py", "INVALID_INPUT"),
    ("kantata/_load.py", "NOT_FOUND"),
}


def test_vendor_error_codes_are_typed_only_in_the_vendors_errors_module() -> None:
    inline = []
    for vendor in VENDORS:
        for path in sorted((ROOT / "simulators" / vendor).rglob("*.py")):
            rel = path.relative_to(ROOT / "simulators").as_posix()
            if rel == f"{vendor}/_errors.py":
                continue
            for m in INLINE.finditer(path.read_text(encoding="utf-8")):
                if (rel, m.group(2)) not in ADMIN_ANSWERS:
                    line = path.read_text(encoding="utf-8")[: m.start()].count("\n") + 1
                    inline.append(f"simulators/{rel}:{line} {m.group(1)} {m.group(2)}")
    assert not inline, "name these errors in the vendor's _errors.py:\n" + "\n".join(inline)


def test_the_check_finds_an_inline_code() -> None:
    assert INLINE.search('raise HttpError(400, "JSON_PARSER_ERROR", "bad")')
    assert INLINE.search('HttpError(\n    404,\n    "Resource not found",\n')
    assert not INLINE.search("raise json_parser_error('bad')")
