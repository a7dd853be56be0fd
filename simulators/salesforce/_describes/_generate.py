"""Regenerate the standard object definitions from recorded describes.

    python -m simulators.salesforce._describes._generate DIR

DIR holds ``cumulusci-<Object>-describe.json`` (the body of
``GET /services/data/vXX.X/sobjects/<Object>/describe`` recorded from a real org). Keeps the
standard fields (custom ``__c`` fields of that org are dropped) and the keys the simulator
serves; writes ``<Object>.json`` beside this module.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from . import DESCRIBED

SOURCE = "SFDO-Tooling/CumulusCI cumulusci/tests/shared_cassettes/GET_sobjects_{}_describe.yaml"
FIELD_KEYS = (
    "name",
    "type",
    "label",
    "length",
    "precision",
    "scale",
    "digits",
    "nillable",
    "createable",
    "updateable",
    "defaultedOnCreate",
    "defaultValue",
    "unique",
    "externalId",
    "idLookup",
    "nameField",
    "calculated",
    "autoNumber",
    "cascadeDelete",
    "compoundFieldName",
    "referenceTo",
    "relationshipName",
    "restrictedPicklist",
    "filterable",
    "sortable",
    "groupable",
    "soapType",
)
PICKLIST_KEYS = ("value", "label", "active", "defaultValue")
OBJECT_KEYS = ("name", "label", "labelPlural", "keyPrefix", "mergeable")
CHILD_KEYS = ("childSObject", "field", "relationshipName", "cascadeDelete")


def standard(field: dict[str, Any]) -> bool:
    return not str(field["name"]).endswith("__c")


def trim(describe: dict[str, Any], source: str) -> dict[str, Any]:
    out: dict[str, Any] = {"source": source}
    out.update({k: describe[k] for k in OBJECT_KEYS})
    out["fields"] = [
        {
            **{k: f[k] for k in FIELD_KEYS},
            "picklistValues": [{k: p[k] for k in PICKLIST_KEYS} for p in f["picklistValues"]],
        }
        for f in describe["fields"]
        if standard(f)
    ]
    out["childRelationships"] = [
        {k: r[k] for k in CHILD_KEYS}
        for r in describe["childRelationships"]
        if not str(r["field"]).endswith("__c")
    ]
    return out


def generate(src: Path, dest: Path) -> list[Path]:
    written = []
    for name in DESCRIBED:
        describe = json.loads((src / f"cumulusci-{name}-describe.json").read_text("utf-8"))
        path = dest / f"{name}.json"
        text = json.dumps(trim(describe, SOURCE.format(name)), indent=1, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", type=Path, help="folder with cumulusci-<Object>-describe.json")
    args = p.parse_args()
    for path in generate(args.src, Path(__file__).parent):
        print(path)


if __name__ == "__main__":
    main()
