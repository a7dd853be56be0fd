"""Regenerate the record body fields from the REST API Browser extraction.

    python -m simulators.netsuite._reference._generate DIR

DIR is the extraction's ``docs`` folder (``schemas/<type>.md`` with one Markdown table per
browser definition). Keeps the ``<type>`` definition's properties; nested ``x.id`` rows
become the enum of ``x``; ``*Collection`` (sublists), ``nsLink[]`` and ``refName`` are left
out. Writes ``<type>.json`` beside this module.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from . import REFERENCED

SOURCE = "NetSuite REST API Browser record v1 2026.1, via wsjmnh/netsuite-record-rest-docs docs/schemas/{}.md"
_ROW = re.compile(r"^\|(.*)\|\s*$")
_CODE = re.compile(r"`([^`]*)`")


def _cells(line: str) -> list[str]:
    m = _ROW.match(line)
    return [c.strip() for c in m.group(1).split("|")] if m else []


def table(markdown: str, definition: str) -> list[list[str]]:
    """The rows of the ``## <definition>`` table."""
    rows: list[list[str]] = []
    inside = False
    for line in markdown.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == definition
            continue
        if inside:
            cells = _cells(line)
            if len(cells) == 7 and cells[0].startswith("`"):
                rows.append(cells)
    return rows


def properties(rows: list[list[str]]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for prop, label, type_, fmt, flags, ref, enum in rows:
        name = _CODE.findall(prop)[0]
        base, _, sub = name.partition(".")
        if sub:
            if sub == "id" and base in out and enum:
                out[base]["enum"] = _CODE.findall(enum)
            continue
        if type_.endswith("Collection") or type_ == "nsLink[]" or name == "refName":
            continue
        out[name] = {
            "name": name,
            "label": label,
            "type": type_,
            "format": fmt or None,
            "readOnly": "read-only" in flags,
            "ref": (_CODE.findall(ref) or [None])[0],
            "enum": _CODE.findall(enum) or None,
        }
    return list(out.values())


def generate(src: Path, dest: Path) -> list[Path]:
    """Write ``<type>.json`` for each referenced type whose page the extraction holds; a
    type it lacks (an older copy of the extraction) keeps its committed file, said in one
    line on standard error."""
    written = []
    for name in REFERENCED:
        page = src / "schemas" / f"{name}.md"
        if not page.is_file():
            print(f"{name}: no {page} in this copy of the extraction; kept", file=sys.stderr)
            continue
        md = page.read_text("utf-8")
        body = {"source": SOURCE.format(name), "name": name, "fields": properties(table(md, name))}
        path = dest / f"{name}.json"
        path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", type=Path, help="the extraction's docs folder")
    args = p.parse_args()
    for path in generate(args.src, Path(__file__).parent):
        print(path)


if __name__ == "__main__":
    main()
