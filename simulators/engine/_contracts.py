"""Consumer-side contract checks: every write a stack sends is validated against the
contract of the vendor release the simulator serves, and the release's profile is applied.

``off`` skips the check; ``lenient`` records violations in the journal and lets the
request through; ``strict`` also answers with the vendor's own error (the status and
codes the release's contract names in ``endpoints.json`` ``x-violation``). Validators are
compiled once per schema by the shared ``contracts`` loader; a valid body costs one call
of the compiled fast path.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from contracts import (
    Contract,
    ContractError,
    ContractSet,
    ReleaseProfile,
    Validator,
    Violation,
    current,
    load_profile,
    vendors,
)

from ._errors import ConfigError, HttpError
from ._http import Request

if TYPE_CHECKING:
    from ._dialect import Dialect

log = logging.getLogger("simulators")

Mode = Literal["off", "lenient", "strict"]
MODES = ("off", "lenient", "strict")
_WRITES = frozenset({"POST", "PUT", "PATCH"})


class RequestContracts:
    """The served release's contract, its profile, and the violations awaiting the journal."""

    def __init__(self, vendor: str, release: str, mode: str) -> None:
        if mode not in MODES:
            raise ConfigError(f"contract mode {mode!r} is not one of {', '.join(MODES)}")
        try:
            self.release = release or current(vendor).name
            self.contract: Contract = ContractSet().get(vendor, self.release)
            self.profile: ReleaseProfile = load_profile(vendor, self.release)
        except ContractError as exc:
            raise ConfigError(str(exc)) from None
        self.vendor = vendor
        self.mode = mode
        wire = self.contract.wire.get("x-violation", {})
        self._status = int(wire.get("status", 400))
        self._codes: dict[str, str] = dict(wire.get("codes", {}))
        self._errors_list = bool(wire.get("errors_list"))
        self._case_insensitive = bool(wire.get("case_insensitive_names"))
        self._pending: dict[int, list[dict[str, Any]]] = {}
        self.served_fields: list[str] = []  # "object.field" the release adds and the dialect serves
        #: (route, object, kind) -> the compiled request validator, or None: resolved once each
        self._by_route: dict[tuple[str, str, str], Validator | None] = {}
        #: whether an upsert creates its record (the dialect's answer); None: never asked
        self.creates: Callable[[Request], bool] | None = None
        self._if_new = frozenset(
            name for name, ep in self.contract.endpoints.items() if "request_if_new" in ep
        )
        self._object_param = str(self.contract.wire.get("x-object-param", ""))

    # -- profile ---------------------------------------------------------------------

    def apply_profile(self, dialect: Dialect, overrides: dict[str, Any] | None = None) -> None:
        """Set the profile's dialect settings, then ``overrides``, by name (unknown: ConfigError)."""
        set_dialect_settings(dialect, self.profile.dialect, self.profile.source)
        set_dialect_settings(dialect, overrides or {}, "dialect options")
        self.served_fields = self._serve_added_fields(dialect)
        self.served_fields += self._serve_renamed_fields(dialect)
        if self.profile.errors:
            render = dialect.error_response
            remap = dict(self.profile.errors)

            def error_response(err: HttpError, req: Request | None = None) -> Any:
                if err.code in remap:
                    err.code = remap[err.code]
                return render(err, req)

            dialect.error_response = error_response  # type: ignore[method-assign]

    def _serve_added_fields(self, dialect: Dialect) -> list[str]:
        """Optional fields the release adds, handed to a dialect that can serve them (its
        ``serve_added_fields``); others take them through the contract check only."""
        serve = getattr(dialect, "serve_added_fields", None)
        objects = self.contract.objects()
        wanted: dict[tuple[str, str], tuple[dict[str, Any], set[str]]] = {}
        for ch in self.profile.changes:
            if ch.get("op") != "add_field":
                continue
            obj, name = str(ch.get("object", "")), str(ch.get("field", ""))
            defs = objects.get(obj, {})
            for shape, schema in defs.items():
                props = schema.get("properties", {}) if isinstance(schema, dict) else {}
                if name in props:
                    _, shapes = wanted.setdefault((obj, name), (props[name], set()))
                    shapes.add(shape)
        if serve is None or not wanted:
            return []
        fields = [(o, n, spec, frozenset(shapes)) for (o, n), (spec, shapes) in wanted.items()]
        return list(serve(fields))

    def _serve_renamed_fields(self, dialect: Dialect) -> list[str]:
        """Fields the release renames, handed to a dialect that can serve them under the new
        name only (its ``serve_renamed_fields``); others take them through the contract check
        only, which refuses the old name in a write."""
        renames = [
            (str(ch.get("object", "")), str(ch.get("field", "")), str(ch.get("to", "")))
            for ch in self.profile.changes
            if ch.get("op") == "rename"
        ]
        serve = getattr(dialect, "serve_renamed_fields", None)
        if serve is None or not renames:
            return []
        return list(serve(renames))

    # -- per request -----------------------------------------------------------------

    def check(self, req: Request) -> None:
        """Validate a write's body; strict mode raises the vendor's error."""
        if self.mode == "off" or req.method not in _WRITES or req.route is None or not req.body:
            return
        # an upsert that creates its record is held to the create schema
        kind = "request"
        if req.route.name in self._if_new and self.creates is not None and self.creates(req):
            kind = "request_if_new"
        key = (req.route.name, req.params.get(self._object_param, ""), kind)
        try:
            validator = self._by_route[key]
        except KeyError:
            ref = self.contract.endpoint_ref(req.route.name, req.params, kind)
            validator = self._by_route[key] = (
                self.contract.validator(ref) if ref is not None else None
            )
        if validator is None:
            return
        try:
            body = req.json()  # parsed once: the handler reads the same parsed body
        except HttpError:
            return  # the handler answers malformed JSON in the vendor's own way
        if validator.is_valid(body):
            return
        if self._case_insensitive:  # the vendor matches field names in any case
            body = validator.canonical(body)
            if validator.is_valid(body):
                return
        found = validator.violations(body)
        self._pending[id(req)] = [
            {**v.to_dict(), "release": f"{self.vendor} {self.release}"} for v in found
        ]
        if self.mode == "strict":
            raise self.vendor_error(found)

    # -- bodies inside bodies (composite, collections, tree, bulk) --------------------

    def _note(self, req: Request, found: list[Violation], where: str) -> None:
        """Add violations found inside ``req``'s body to its journal entry, paths prefixed."""
        self._pending.setdefault(id(req), []).extend(
            {
                **v.to_dict(),
                "path": where + v.path[1:] if where else v.path,
                "release": f"{self.vendor} {self.release}",
            }
            for v in found
        )

    def check_within(self, parent: Request, sub: Request, where: str) -> None:
        """Validate a subrequest (composite) like a request of its own; its violations go to
        the parent's journal entry; strict mode raises the vendor's error for the sub."""
        try:
            self.check(sub)
        finally:
            self.adopt(parent, sub, where)

    def adopt(self, parent: Request, sub: Request, where: str) -> None:
        """Move violations noted on a subrequest to the parent's journal entry."""
        found = self._pending.pop(id(sub), [])
        for v in found:
            v["path"] = where + str(v["path"])[1:]
        if found:
            self._pending.setdefault(id(parent), []).extend(found)

    def check_record(
        self, req: Request, obj: str, kind: str, record: Any, where: str
    ) -> HttpError | None:
        """Validate one record of a collection, tree or batch body against the object's
        ``kind`` schema (create, update, upsert). Violations join ``req``'s journal entry; in
        strict mode the vendor's error for that record is returned (else None)."""
        name = self.contract.object_name(obj) if self.mode != "off" else None
        if name is None or kind not in self.contract.objects().get(name, {}):
            return None
        validator = self.contract.validator(f"objects/{name}.json#/$defs/{kind}")
        if validator.is_valid(record):
            return None
        if self._case_insensitive:
            record = validator.canonical(record)
            if validator.is_valid(record):
                return None
        found = validator.violations(record)
        self._note(req, found, where)
        return self.vendor_error(found) if self.mode == "strict" else None

    def check_columns(
        self, req: Request, obj: str, kind: str, columns: list[str], where: str
    ) -> list[Violation]:
        """Column names of a bulk upload against the object's ``kind`` schema: a column the
        contract does not have, a required field with no column. Noted like
        ``check_record``; returned in strict mode for the dialect to answer its own way."""
        name = self.contract.object_name(obj) if self.mode != "off" else None
        schema = self.contract.objects().get(name or "", {}).get(kind)
        if not isinstance(schema, dict):
            return []
        props: dict[str, Any] = schema.get("properties", {})
        fold = (lambda n: n.lower()) if self._case_insensitive else (lambda n: n)
        known = {fold(n) for n in props}
        have = {fold(c) for c in columns}
        ref = f"objects/{name}.json#/$defs/{kind}"
        found = [
            Violation(f"$.{c}", "additionalProperties", f"column {c!r} is not a field", c, ref)
            for c in columns
            if fold(c) not in known and "." not in c and schema.get("additionalProperties") is False
        ]
        found += [
            Violation("$", "required", f"{r!r} is a required property", r, ref)
            for r in schema.get("required", [])
            if fold(r) not in have
        ]
        if found:
            self._note(req, found, where)
        return found if self.mode == "strict" else []

    def take(self, req: Request) -> list[dict[str, Any]]:
        """The violations of ``req`` for its journal entry (once)."""
        return self._pending.pop(id(req), []) if self._pending else []

    def vendor_error(self, found: list[Violation]) -> HttpError:
        first = found[0]
        code = self._codes.get(first.rule, self._codes.get("default", "INVALID_INPUT"))
        message = _message(self.vendor, first, code)
        extra: dict[str, Any] = {}
        if self._errors_list:
            extra["errors"] = [
                {"message": _message(self.vendor, v, code), "field": v.field} for v in found
            ]
        elif self.vendor == "netsuite":
            extra["o:errorPath"] = first.field
        return HttpError(
            self._status,
            code,
            message,
            fields=[v.field for v in found if v.field],
            extra=extra,
        )


def _message(vendor: str, v: Violation, code: str) -> str:
    f = v.field
    if vendor == "salesforce":
        if v.rule == "required":
            return f"Required fields are missing: [{f}]"
        if v.rule == "additionalProperties":
            return f"No such column '{f}' on sobject; the contract has no such field"
        return f"Cannot deserialize {f}: {v.message} (contract rule {v.rule} at {v.path})"
    if vendor == "netsuite":
        if v.rule == "required":
            return f"Please enter value(s) for: {f}"
        return f"Invalid content in the request body at {v.path}: {v.message} (rule {v.rule})"
    if vendor == "kantata":
        if v.rule == "required":
            return f"{f} can't be blank"
        return f"{f or v.path}: {v.message} (rule {v.rule})"
    return f"{v.path}: {v.message} (rule {v.rule})"


def set_dialect_settings(dialect: Dialect, values: dict[str, Any], source: str) -> None:
    """Set dialect settings by name; a name the dialect does not have is a ConfigError."""
    settings: Any = getattr(dialect, "settings", None)
    if not values:
        return
    for name in values:
        if not dataclasses.is_dataclass(settings) or not any(
            f.name == name for f in dataclasses.fields(settings)
        ):
            raise ConfigError(
                f"{source}: {type(settings).__name__} has no setting {name!r}",
                hint="the setting may come with a newer simulator; check the name",
            )
    try:  # the settings class validates the combination (__post_init__ or validate())
        candidate = dataclasses.replace(settings, **values)
        check = getattr(candidate, "validate", None)
        if callable(check):
            check()
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: {exc}") from None
    for name, value in values.items():  # the dialect's parts hold this very object
        setattr(settings, name, value)


def make_request_contracts(
    dialect: Dialect, release: str, mode: str, options: dict[str, Any]
) -> RequestContracts | None:
    """Apply the release profile and ``options`` to the dialect; None when nothing is asked."""
    if not release and (mode == "off" or dialect.vendor not in vendors()):
        if mode != "off":  # a dialect without contracts (yet): said once, not refused
            log.warning("no contracts for %s: its requests are not checked", dialect.vendor)
        set_dialect_settings(dialect, options, "dialect options")
        return None
    rc = RequestContracts(dialect.vendor, release, mode)
    rc.apply_profile(dialect, options)
    rc.creates = dialect.creates
    return rc
