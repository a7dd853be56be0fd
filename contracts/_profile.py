"""Release profiles (what a simulator serves for a vendor release) and ambiguity variants.

A profile is ``contracts/<vendor>/<release>/profile.toml``: the release it serves, the
dialect settings it sets by name (limits, retired versions, behaviour switches) and the
changes it stands for, which a test holds against the diff of the contracts. Ambiguity
variants (``contracts/<vendor>/ambiguity.toml``) name vendor behaviours the public
documentation leaves open, each as dialect settings plus what is known and unknown.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._catalog import ROOT, release, vendors
from ._errors import ContractError

_PROFILE_KEYS = {"release", "dialect", "changes", "errors"}


@dataclass(frozen=True, slots=True)
class ReleaseProfile:
    vendor: str
    release: str
    status: str
    dialect: dict[str, Any] = field(default_factory=dict)
    changes: tuple[dict[str, Any], ...] = ()
    errors: dict[str, str] = field(
        default_factory=dict
    )  # error code served -> code of this release
    source: str = ""


@dataclass(frozen=True, slots=True)
class Variant:
    vendor: str
    name: str
    dialect: dict[str, Any]
    known: str
    unknown: str


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContractError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContractError(f"{path}: malformed TOML: {exc}") from None


def parse_profile(path: Path) -> ReleaseProfile:
    doc = _read_toml(path)
    unknown = set(doc) - _PROFILE_KEYS
    if unknown:
        raise ContractError(
            f"{path}: unknown profile key(s) {', '.join(sorted(unknown))}",
            hint=f"a profile has {', '.join(sorted(_PROFILE_KEYS))}",
        )
    rel = doc.get("release")
    if not isinstance(rel, dict) or not rel.get("vendor") or not rel.get("name"):
        raise ContractError(f"{path}: [release] needs vendor and name")
    dialect = doc.get("dialect", {})
    changes = doc.get("changes", [])
    errors = doc.get("errors", {})
    if not isinstance(dialect, dict):
        raise ContractError(f"{path}: [dialect] must be a table of setting = value")
    if not isinstance(changes, list) or not all(isinstance(c, dict) and "op" in c for c in changes):
        raise ContractError(f"{path}: every [[changes]] entry needs an op")
    if not isinstance(errors, dict) or not all(isinstance(v, str) for v in errors.values()):
        raise ContractError(f"{path}: [errors] maps an error code to the code this release sends")
    return ReleaseProfile(
        str(rel["vendor"]),
        str(rel["name"]),
        str(rel.get("status", "")),
        dict(dialect),
        tuple(changes),
        dict(errors),
        str(path),
    )


def load_profile(vendor: str, name: str, root: Path = ROOT) -> ReleaseProfile:
    """The profile of a shipped release (unknown vendor or release: ContractError)."""
    info = release(vendor, name, root)
    path = info.folder / "profile.toml"
    if not path.exists():
        return ReleaseProfile(vendor, name, info.status, source=str(path))
    prof = parse_profile(path)
    if (prof.vendor, prof.release) != (vendor, name):
        raise ContractError(
            f"{path}: profile says {prof.vendor} {prof.release}, its folder {vendor} {name}"
        )
    return prof


def parse_release_args(items: list[str], root: Path = ROOT) -> dict[str, str]:
    """['netsuite=2027.1', ...] -> {vendor: release}, every release checked to exist."""
    out: dict[str, str] = {}
    for item in items:
        vendor, eq, name = item.partition("=")
        vendor, name = vendor.strip().lower(), name.strip()
        if not eq or not vendor or not name:
            raise ContractError(
                f"--release {item!r} is not VENDOR=RELEASE",
                hint=f"e.g. --release salesforce=69.0; vendors: {', '.join(vendors(root))}",
            )
        release(vendor, name, root)
        out[vendor] = name
    return out


def ambiguity_variants(root: Path = ROOT) -> list[Variant]:
    """Every named variant of every vendor, in file order."""
    out: list[Variant] = []
    for vendor in vendors(root):
        path = root / vendor / "ambiguity.toml"
        if not path.exists():
            continue
        doc = _read_toml(path)
        for name, v in (doc.get("variants") or {}).items():
            if not isinstance(v, dict) or not isinstance(v.get("dialect"), dict):
                raise ContractError(
                    f"{path}: variant {name!r} needs a [variants.{name}.dialect] table"
                )
            out.append(
                Variant(
                    vendor,
                    name,
                    dict(v["dialect"]),
                    str(v.get("known", "")),
                    str(v.get("unknown", "")),
                )
            )
    return out
