"""python -m contracts._generate --specs DIR [--out DIR]: write every release folder."""

from __future__ import annotations

import argparse
import copy
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from . import _businesscentral, _coupa, _kantata, _netsuite, _salesforce, _workday
from ._derive import ChangeError, apply, relabel
from ._events import SOURCES as EVENT_SOURCES
from ._events import events
from ._schema import write_json
from ._widen import widen

HERE = Path(__file__).parent
BUILDERS = {
    "salesforce": _salesforce.build,
    "netsuite": _netsuite.build,
    "workday": _workday.build,
    "kantata": _kantata.build,
    "businesscentral": _businesscentral.build,
    "coupa": _coupa.build,
}
#: what each vendor answers a request that breaks the contract, and its documented limits
WIRE: dict[str, dict[str, Any]] = {
    "salesforce": {
        "x-violation": {
            "status": 400,
            "codes": {
                "required": "REQUIRED_FIELD_MISSING",
                "additionalProperties": "INVALID_FIELD",
                "enum": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "maxLength": "STRING_TOO_LONG",
                "default": "JSON_PARSER_ERROR",
            },
            "docs": "https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm",
            "case_insensitive_names": True,
        },
        "x-limits": {"page_size_max": 2000},
        "x-api": {"retired_below": "31.0"},
    },
    "netsuite": {
        "x-violation": {
            "status": 400,
            "codes": {"required": "USER_ERROR", "default": "INVALID_CONTENT"},
            "docs": "https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html",
            "case_insensitive_names": True,
        },
        "x-limits": {"page_size_max": 1000},
    },
    "kantata": {
        "x-violation": {
            "status": 422,
            "codes": {"default": "validation"},
            "errors_list": True,
            "docs": "https://developer.kantata.com/kantata/specification#section/Errors",
        },
        "x-limits": {"page_size_max": 200},
    },
    "workday": {
        "x-violation": {
            "status": 400,
            "codes": {"default": "INVALID_INPUT"},
            "docs": "https://community.workday.com/sites/default/files/file-hosting/restapi/index.html",
        },
        "x-limits": {"page_size_max": 100},
    },
    "businesscentral": {
        "x-violation": {
            "status": 400,
            "codes": {
                "additionalProperties": "BadRequest_PropertyNotFound",
                "default": "BadRequest",
            },
            "docs": "https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/developer/devenv-connect-apps-error-codes",
        },
        "x-limits": {"page_size_max": 20000},
    },
    "coupa": {
        "x-violation": {
            "status": 422,
            "codes": {"default": "invalid"},
            "docs": "https://compass.coupa.com/en-us/products/product-documentation/integration-technical-documentation/the-coupa-core-api/get-started-with-the-api/api-response-codes",
        },
        "x-limits": {"page_size_max": 50},
    },
}


def generate(specs: Path, out: Path, all_spec_fields: bool = False) -> list[Path]:
    plan = tomllib.loads((HERE / "releases.toml").read_text())
    written: list[Path] = []
    for vendor, build in BUILDERS.items():
        selection = tomllib.loads((HERE / f"{vendor}.toml").read_text())
        if all_spec_fields:
            selection = widen(vendor, specs, selection)
        releases = plan[vendor]["release"]
        first = releases[0]["name"]
        files, sources = build(specs, selection, first)
        files["endpoints.json"].update(copy.deepcopy(WIRE[vendor]))
        files["events.json"] = events(vendor, first)
        sources["events.json"] = EVENT_SOURCES[vendor]
        vendor_dir = out / vendor
        for rel in releases:  # the vendor folder's other files (ambiguity.toml) stay
            if (vendor_dir / rel["name"]).exists():
                shutil.rmtree(vendor_dir / rel["name"])
        previous: str | None = None
        for rel in releases:
            changes = rel.get("changes", [])
            for c in changes:
                if not str(c.get("source", "")).startswith(("announced: ", "modelled: ")):
                    raise SystemExit(
                        f"{vendor} {rel['name']}: change {c.get('op')} {c.get('object', '')}"
                        f".{c.get('field', '')} needs source = 'announced: <link>' or 'modelled: ...'"
                    )
            if previous is not None:
                try:
                    files = relabel(apply(files, changes), vendor, rel["name"])
                except ChangeError as exc:
                    raise SystemExit(f"{vendor} {rel['name']}: {exc}") from None
                sources = {
                    p: (
                        f"derived from {previous} with the changes listed"
                        if any(
                            c.get("object") and p == f"objects/{c['object']}.json" for c in changes
                        )
                        else f"as in {previous}: {s}"
                        if not s.startswith("as in")
                        else s
                    )
                    for p, s in sources.items()
                }
            folder = vendor_dir / rel["name"]
            for path, doc in files.items():
                write_json(folder / path, doc)
            manifest = {
                "vendor": vendor,
                "release": rel["name"],
                "label": rel.get("label", rel["name"]),
                "date": rel["date"],
                "status": rel["status"],
                "previous": previous,
                "basis": (
                    rel.get(
                        "basis", "built from the vendor specification files named under sources"
                    )
                    if previous is None
                    else f"{previous} with the changes below; no public specification covers "
                    "this release, so the changes are modeled on the kind the vendor's release "
                    "notes announce (each says why, and its source: announced by the vendor, "
                    "with the link, or modelled)"
                ),
                "changes": changes if previous is not None else [],
                "sources": sources,
            }
            write_json(folder / "manifest.json", manifest)
            profile = {
                "release": {"vendor": vendor, "name": rel["name"], "status": rel["status"]},
                "dialect": rel.get("dialect", {}),
                "changes": [
                    {k: v for k, v in c.items() if k != "schema"} for c in manifest["changes"]
                ],
            }
            (folder / "profile.toml").write_text(tomli_w.dumps(profile))
            written.append(folder)
            previous = rel["name"]
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m contracts._generate")
    ap.add_argument("--specs", type=Path, required=True, help="folder of the vendor spec files")
    ap.add_argument("--out", type=Path, default=HERE.parent)
    ap.add_argument(
        "--all-spec-fields",
        action="store_true",
        help="every field the describes and record tables list, not only the selection",
    )
    args = ap.parse_args(argv)
    if not args.specs.is_dir():
        sys.exit(f"error: no such folder {args.specs}")
    for folder in generate(args.specs, args.out, args.all_spec_fields):
        print(folder)


if __name__ == "__main__":
    main()
