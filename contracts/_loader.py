"""One release's contracts: a ``referencing.Registry`` over its files, validators compiled once.

Every schema file of the release folder is registered under its ``$id`` so ``$ref``
across files resolves without touching the network. A validator is made once per schema
reference and kept on the ``Contract``: a compiled fast path (fastjsonschema over the
schema with its references inlined) answers "valid?" on the hot path, and only an
invalid instance is walked again by jsonschema's Draft 2020-12 validator (format checking
on) to name each field path and rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import referencing
import referencing.exceptions
from referencing.jsonschema import DRAFT202012

from ._catalog import ROOT, ReleaseInfo, release
from ._errors import ContractError


@dataclass(frozen=True, slots=True)
class Violation:
    """One way an instance breaks its contract."""

    path: str  # JSON path of the offending value, e.g. $.subsidiary
    rule: str  # the JSON Schema keyword that failed: required, type, enum, ...
    message: str
    field: str  # the field the path points at (the missing one for ``required``)
    schema: str = ""  # which schema: objects/job.json#/$defs/create

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "rule": self.rule,
            "message": self.message,
            "field": self.field,
            "schema": self.schema,
        }


def _path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


class Validator:
    """A compiled check of one schema; ``violations`` is empty for a valid instance."""

    def __init__(
        self,
        ref: str,
        fast: Callable[[Any], Any],
        precise: jsonschema.Validator,
        names: dict[str, str] | None = None,
    ) -> None:
        self.ref = ref
        self._fast = fast
        self._precise = precise
        #: lower-case -> spelled name of the top-level properties
        self._names = names or {}

    def canonical(self, instance: Any) -> Any:
        """The instance with its top-level keys spelled as the schema spells them, for
        vendors that match field names case-insensitively (Salesforce, NetSuite)."""
        if not isinstance(instance, dict) or not self._names:
            return instance
        return {
            self._names.get(k.lower(), k) if isinstance(k, str) else k: v
            for k, v in instance.items()
        }

    def is_valid(self, instance: Any) -> bool:
        try:
            self._fast(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def violations(self, instance: Any) -> list[Violation]:
        if self.is_valid(instance):
            return []
        return list(self._walk(instance)) or [
            Violation("$", "schema", "the instance does not match its contract", "", self.ref)
        ]

    def _walk(self, instance: Any) -> Iterator[Violation]:
        for err in sorted(self._precise.iter_errors(instance), key=lambda e: list(e.path)):
            leaves = _leaves(err)
            for e in leaves:
                parts = list(e.absolute_path)
                field = str(parts[-1]) if parts else ""
                rule = str(e.validator)
                if rule == "required":
                    missing = str(e.message).split("'")[1] if "'" in e.message else ""
                    field = missing or field
                    parts = [*parts, missing] if missing else parts
                elif rule == "additionalProperties":
                    pats = [re.compile(p) for p in e.schema.get("patternProperties", {})]
                    extra = sorted(
                        k
                        for k in set(e.instance) - set(e.schema.get("properties", {}))
                        if not any(p.search(k) for p in pats)
                    )
                    for name in extra:
                        yield Violation(
                            _path([*parts, name]),
                            rule,
                            f"{name!r} is not a field of this request",
                            name,
                            self.ref,
                        )
                    continue
                yield Violation(_path(parts), rule, e.message, field, self.ref)


def _leaves(err: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The most specific errors under an anyOf/oneOf, else the error itself."""
    if err.context and err.validator in ("anyOf", "oneOf"):
        best = jsonschema.exceptions.best_match(err.context)
        return [best] if best is not None else [err]
    return [err]


class Contract:
    """All schema files of one vendor release, resolvable across files."""

    def __init__(self, info: ReleaseInfo) -> None:
        self.info = info
        self.vendor = info.vendor
        self.release = info.name
        self.documents: dict[str, dict[str, Any]] = {}  # relative path -> document
        for f in sorted(info.folder.rglob("*.json")):
            rel = f.relative_to(info.folder).as_posix()
            if rel == "manifest.json":
                continue
            try:
                self.documents[rel] = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise ContractError(f"{f}: not a readable JSON Schema: {exc}") from None
        if "endpoints.json" not in self.documents:
            raise ContractError(f"{info.folder}: no endpoints.json in the release folder")
        self._ids: dict[str, str] = {}
        resources = []
        for rel, doc in self.documents.items():
            uri = doc.get("$id")
            if not isinstance(uri, str):
                raise ContractError(f"{info.folder / rel}: the schema has no $id")
            self._ids[rel] = uri
            resources.append((uri, referencing.Resource.from_contents(doc, DRAFT202012)))
        self.registry: referencing.Registry[Any] = referencing.Registry().with_resources(resources)
        self.endpoints: dict[str, dict[str, Any]] = self.documents["endpoints.json"].get(
            "x-endpoints", {}
        )
        self.wire: dict[str, Any] = self.documents["endpoints.json"]
        self._validators: dict[str, Validator] = {}
        self._objects: dict[str, dict[str, Any]] = {
            rel[len("objects/") : -len(".json")]: doc.get("$defs", {})
            for rel, doc in self.documents.items()
            if rel.startswith("objects/")
        }
        self._lower = {name.lower(): name for name in self._objects}

    # -- lookups ---------------------------------------------------------------------

    def uri(self, ref: str) -> str:
        """'objects/job.json#/$defs/create' -> the absolute URI inside the registry."""
        rel, _, frag = ref.partition("#")
        if rel not in self._ids:
            raise ContractError(f"{self.vendor} {self.release}: no schema file {rel!r}")
        return self._ids[rel] + ("#" + frag if frag else "")

    def resolve(self, ref: str) -> dict[str, Any]:
        try:
            return self.registry.resolver().lookup(self.uri(ref)).contents
        except referencing.exceptions.Unresolvable as exc:
            raise ContractError(
                f"{self.vendor} {self.release}: {ref} does not resolve: {exc}"
            ) from None

    def objects(self) -> dict[str, dict[str, Any]]:
        """Object name -> its $defs (record, create, update, ...)."""
        return self._objects

    def object_name(self, name: str) -> str | None:
        """The object's name as the contract spells it (paths may differ in case)."""
        return name if name in self._objects else self._lower.get(name.lower())

    def endpoint_ref(self, route: str, params: dict[str, str], kind: str) -> str | None:
        """Schema reference of a route's ``request`` or ``response`` body, or None."""
        ep = self.endpoints.get(route)
        if ep is None or kind not in ep:
            return None
        ref = str(ep[kind])
        if "{object}" in ref:
            obj = ep.get("object") or params.get(str(self.wire.get("x-object-param", "")), "")
            name = self.object_name(obj) if obj else None
            if name is None:
                return None
            ref = ref.replace("{object}", name)
        return ref

    def event_ref(self, channel: str) -> str | None:
        """Schema reference of the payload of an event on ``channel``, or None."""
        doc = self.documents.get("events.json", {})
        for pattern, frag in doc.get("x-channels", {}).items():
            if re.search(pattern, channel):
                return "events.json" + frag
        return None

    # -- validators ------------------------------------------------------------------

    def validator(self, ref: str) -> Validator:
        v = self._validators.get(ref)
        if v is None:
            v = self._validators[ref] = self._compile(ref)
        return v

    def _compile(self, ref: str) -> Validator:
        uri = self.uri(ref)
        resolver = self.registry.resolver()
        try:
            resolved = resolver.lookup(uri)
        except referencing.exceptions.Unresolvable as exc:
            raise ContractError(
                f"{self.vendor} {self.release}: {ref} does not resolve: {exc}"
            ) from None
        bundled = _inline(resolved.contents, resolved.resolver, ref, 0)
        try:
            fast = fastjsonschema.compile(bundled, use_default=False)
        except fastjsonschema.JsonSchemaDefinitionException as exc:
            raise ContractError(
                f"{self.vendor} {self.release}: {ref} cannot be compiled: {exc}"
            ) from None
        precise_cls = jsonschema.validators.validator_for(
            {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        )
        precise = precise_cls(
            {"$ref": uri},
            registry=self.registry,
            format_checker=precise_cls.FORMAT_CHECKER,
        )
        props = bundled.get("properties") if isinstance(bundled, dict) else None
        names = {k.lower(): k for k in props} if isinstance(props, dict) else {}
        return Validator(ref, fast, precise, names)

    def check_refs(self) -> None:
        """Resolve every $ref of every file; raise ContractError naming the first broken one."""
        for rel, doc in self.documents.items():
            resolver = self.registry.resolver(base_uri=self._ids[rel])
            for ref in _refs(doc):
                try:
                    resolver.lookup(ref)
                except referencing.exceptions.Unresolvable:
                    raise ContractError(
                        f"{self.info.folder / rel}: $ref {ref!r} does not resolve",
                        hint="fix the reference or regenerate with python -m contracts._generate",
                    ) from None


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for x in node:
            yield from _refs(x)


_DROP = ("$schema", "$id", "$defs", "title")


def _inline(node: Any, resolver: Any, where: str, depth: int) -> Any:
    """The schema with every $ref replaced by its target (the compiled fast path's input)."""
    if depth > 40:
        raise ContractError(f"{where}: $ref nesting deeper than 40 (a cycle?)")
    if isinstance(node, list):
        return [_inline(x, resolver, where, depth) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k in _DROP or k.startswith("x-"):
            continue
        if k == "$ref":
            try:
                resolved = resolver.lookup(v)
            except referencing.exceptions.Unresolvable:
                raise ContractError(
                    f"{where}: $ref {v!r} does not resolve",
                    hint="fix the reference or regenerate with python -m contracts._generate",
                ) from None
            out.update(_inline(resolved.contents, resolved.resolver, where, depth + 1))
        elif k in ("properties", "patternProperties"):
            out[k] = {pk: _inline(pv, resolver, where, depth) for pk, pv in v.items()}
        else:
            out[k] = _inline(v, resolver, where, depth)
    return out


class ContractSet:
    """Contracts loaded on demand, each once (a simulator or a harness run holds one)."""

    def __init__(self, root: Path = ROOT) -> None:
        self.root = root
        self._loaded: dict[tuple[str, str], Contract] = {}

    def get(self, vendor: str, name: str) -> Contract:
        key = (vendor, name)
        c = self._loaded.get(key)
        if c is None:
            c = Contract(release(vendor, name, self.root))
            c.check_refs()
            self._loaded[key] = c
        return c


def load_contract(vendor: str, name: str, root: Path = ROOT) -> Contract:
    """One release's contracts with every $ref checked."""
    c = Contract(release(vendor, name, root))
    c.check_refs()
    return c
