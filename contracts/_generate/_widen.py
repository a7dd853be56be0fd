"""``--all-spec-fields``: every field the vendor files list, not only the selection.

For a simulator that serves every field of the recorded describes (Salesforce Account,
Contact, Opportunity) and of the REST API Browser tables (NetSuite), the selection grows
to the same fields so the contracts and the simulator can be held to each other both ways.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ._netsuite import _table
from ._salesforce import DESCRIBED


def widen(vendor: str, specs: Path, selection: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(selection)
    if vendor == "salesforce":
        for name in DESCRIBED:
            doc = json.loads((specs / f"salesforce/cumulusci-{name}-describe.json").read_text())
            fields = out["objects"][name]["fields"]
            for f in doc["fields"]:
                fields.setdefault(f["name"], {"type": f["type"]})
    elif vendor == "netsuite":
        for name, rec in out["records"].items():
            table = _table(specs, name)
            fields = rec["fields"]
            have = {k.lower() for k in fields} | {k.lower() for k in rec.get("sublists", {})}
            for fname, row in table.items():
                typ = row["type"]
                if "." in fname or typ == "nsLink[]" or "-" in typ or fname.lower() in have:
                    continue
                fields[fname] = _kind(row, table.get(f"{fname}.id"))
    return out


def _kind(row: dict[str, Any], id_row: dict[str, Any] | None) -> dict[str, Any]:
    typ, fmt = row["type"], row["format"]
    sel: dict[str, Any]
    if typ == "string":
        sel = {"kind": {"date": "date", "date-time": "datetime"}.get(fmt, "string")}
    elif typ in ("number", "integer", "boolean"):
        sel = {"kind": {"number": "float"}.get(typ, typ)}
    else:
        sel = {"kind": "ref"}
        if typ == "object" and id_row is not None and id_row["enum"]:
            sel["choices"] = list(id_row["enum"])
    if row["readonly"]:
        sel["readonly"] = True
    return sel
