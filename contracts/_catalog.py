"""Which vendors and releases exist under a contracts root, read from their manifests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import ContractError

ROOT = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class ReleaseInfo:
    vendor: str
    name: str
    label: str
    date: str
    status: str  # past | current | upcoming
    previous: str | None
    folder: Path
    manifest: dict[str, Any]


def vendors(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))


def releases(vendor: str, root: Path = ROOT) -> list[ReleaseInfo]:
    """A vendor's releases, oldest first."""
    folder = root / vendor
    if not folder.is_dir() or vendor.startswith("_"):
        raise ContractError(
            f"unknown vendor {vendor!r}", hint=f"choose from {', '.join(vendors(root))}"
        )
    out = []
    for m in sorted(folder.glob("*/manifest.json")):
        try:
            doc = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ContractError(f"{m}: not a readable manifest: {exc}") from None
        out.append(
            ReleaseInfo(
                vendor,
                str(doc.get("release", m.parent.name)),
                str(doc.get("label", m.parent.name)),
                str(doc.get("date", "")),
                str(doc.get("status", "")),
                doc.get("previous"),
                m.parent,
                doc,
            )
        )
    return sorted(out, key=lambda r: (r.date, r.name))


def release(vendor: str, name: str, root: Path = ROOT) -> ReleaseInfo:
    known = releases(vendor, root)
    for r in known:
        if r.name == name:
            return r
    raise ContractError(
        f"unknown release {name!r} of {vendor}",
        hint=f"known releases: {', '.join(r.name for r in known)}",
    )


def current(vendor: str, root: Path = ROOT) -> ReleaseInfo:
    rels = releases(vendor, root)
    for r in rels:
        if r.status == "current":
            return r
    return rels[-1]


def upcoming(vendor: str, root: Path = ROOT) -> list[ReleaseInfo]:
    return [r for r in releases(vendor, root) if r.status == "upcoming"]
