"""Regenerate the resource properties from Kantata's per-resource OpenAPI files.

    python -m simulators.kantata._openapi._generate DIR

DIR holds ``mavenlink-<resource>-api-openapi.yml``. The visibility of each property is read
from its description, in the contract's own words: "will only be included in the response
if `x` is in the list of included associations" and "Only returned when requested through
the optional_fields param".
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import yaml

from . import COLLECTIONS

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SOURCE = "api-evangelist/mavenlink openapi/{} (Kantata OX API, OpenAPI 3.2), schema {}"
_INCLUDE = re.compile(r"only be included in the response if `([a-z_]+)` is in the list")


def visibility(desc: str) -> str:
    m = _INCLUDE.search(desc)
    if m:
        return f"include:{m.group(1)}"
    if "optional_fields param" in desc:
        return "optional"
    return "always"


def extract(doc: dict[str, Any], schema: str, source: str) -> dict[str, Any]:
    props = doc["components"]["schemas"][schema]["properties"]
    out: dict[str, Any] = {"source": source, "properties": {}}
    for name, p in props.items():
        out["properties"][name] = {
            "type": p.get("type", "object"),
            "format": p.get("format"),
            "visibility": visibility(str(p.get("description", ""))),
        }
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", type=Path, help="folder with the mavenlink-*-api-openapi.yml files")
    args = p.parse_args()
    for collection, (file, schema) in COLLECTIONS.items():
        doc = yaml.load((args.src / file).read_text("utf-8"), Loader=LOADER)
        path = Path(__file__).parent / f"{collection}.json"
        body = extract(doc, schema, SOURCE.format(file, schema))
        path.write_text(json.dumps(body, indent=1) + "\n", "utf-8")
        print(path)


if __name__ == "__main__":
    main()
