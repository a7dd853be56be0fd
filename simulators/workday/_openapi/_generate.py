"""Regenerate the Staffing response properties from Workday's published specs.

    python -m simulators.workday._openapi._generate V6_YAML V7_JSON

Resolves ``$ref`` and ``allOf`` of each single-instance GET's 200 schema and keeps, per
property, its JSON type (``string``, ``string/date``, ``boolean``, ``object``, ``array``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from . import RESOURCES

SOURCES = {
    "v6": "konfig-sdks/workday-staffing-java-sdk api/openapi.yaml (Workday Staffing v6)",
    "v7": "denhamd2/pm-agent-mirror research/workday-public-apis/staffing_v7_20260418_oas2.json",
}


class _Spec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.defs = doc.get("definitions") or doc.get("components", {}).get("schemas", {})

    def resolve(self, s: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in s:
            s = self.defs[s["$ref"].rsplit("/", 1)[-1]]
        return s

    def properties(self, s: dict[str, Any]) -> dict[str, Any]:
        s = self.resolve(s)
        out: dict[str, Any] = {}
        for part in s.get("allOf", [s]):
            part = self.resolve(part)
            if "allOf" in part:
                out.update(self.properties(part))
            out.update(part.get("properties", {}))
        return out

    def type_of(self, s: dict[str, Any]) -> str:
        s = self.resolve(s)
        if "allOf" in s or "properties" in s:
            return "object"
        t = str(s.get("type", "object"))
        return f"{t}/{s['format']}" if s.get("format") in ("date", "date-time") else t

    def response(self, path: str) -> dict[str, Any]:
        ok = self.doc["paths"][path]["get"]["responses"]["200"]
        if "content" in ok:
            return dict(ok["content"]["application/json"]["schema"])
        return dict(ok["schema"])


def extract(doc: dict[str, Any], source: str) -> dict[str, Any]:
    spec = _Spec(doc)
    out: dict[str, Any] = {"source": source, "resources": {}}
    for path in RESOURCES:
        props = spec.properties(spec.response(path))
        out["resources"][path] = {k: spec.type_of(v) for k, v in sorted(props.items())}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("v6", type=Path, help="Staffing v6 OpenAPI (YAML)")
    p.add_argument("v7", type=Path, help="Staffing v7 Swagger 2.0 (JSON)")
    args = p.parse_args()
    docs = {
        "v6": yaml.safe_load(args.v6.read_text("utf-8")),
        "v7": json.loads(args.v7.read_text("utf-8")),
    }
    for version, doc in docs.items():
        path = Path(__file__).parent / f"staffing_{version}.json"
        path.write_text(json.dumps(extract(doc, SOURCES[version]), indent=1) + "\n", "utf-8")
        print(path)


if __name__ == "__main__":
    main()
