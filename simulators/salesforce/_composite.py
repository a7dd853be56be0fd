"""Composite (up to 25 subrequests with @{ref} references) and sObject Collections (up to 200).

Subrequests run through the simulator's own router and handlers, so they obey every
rule a direct call does. allOrNone runs inside one store transaction: on any failure
it rolls back and the change events of the rolled-back writes are never published.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from simulators.engine import Dispatch, HttpError, Request, RequestContracts, Response, Tenant

from ._errors import (
    all_or_none_operation_rolled_back,
    ambiguous_external_id,
    batch_processing_halted,
    exceeded_id_limit,
    invalid_field,
    invalid_input,
    invalid_reference,
    invalid_type,
    json_parser_error,
    limit_exceeded,
    malformed_id,
    missing_argument,
    not_found,
    processing_halted,
    required_field_missing,
)
from ._release import check_record
from ._render import (
    batch_error,
    batch_item,
    composite_error,
    composite_item,
    failed_save,
    record,
    save_error,
    save_result,
)
from ._wire import json_response

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._records import RecordService
    from ._rest import RestResources
    from ._schema import ObjectDef
    from ._settings import SalesforceSettings

_REF = re.compile(r"@\{([A-Za-z0-9_]+)\.([^}]+)\}")


class _Rollback(Exception):
    pass


def _lookup(results: dict[str, Any], ref: str, path: str) -> Any:
    if ref not in results:
        raise invalid_reference(
            f"Invalid reference specified. No value for {ref}.{path} found in {ref}. "
            "Provided referenceId ('" + ref + "') must match an earlier subrequest's referenceId.",
        )
    value: Any = results[ref]
    for part in re.findall(r"[^.\[\]]+", path):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise invalid_reference(
                f"Invalid reference specified. No value for {ref}.{path} found in {ref}.",
            )
    return value


def _resolve(obj: Any, results: dict[str, Any]) -> Any:
    if isinstance(obj, str):
        whole = _REF.fullmatch(obj)
        if whole:
            return _lookup(results, whole.group(1), whole.group(2))
        return _REF.sub(lambda m: str(_lookup(results, m.group(1), m.group(2))), obj)
    if isinstance(obj, dict):
        return {k: _resolve(v, results) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_resolve(v, results) for v in obj]
    return obj


class CompositeResources:
    def __init__(
        self,
        records: RecordService,
        rest: RestResources,
        settings: SalesforceSettings,
        dispatch: Dispatch,
        error_response: Callable[[HttpError], Response],
        contracts: RequestContracts | None = None,
    ) -> None:
        self.records = records
        #: the served release's checks of nested bodies (None: contract checks off)
        self.contracts = contracts
        self.schema = records.schema
        self.rest = rest
        self.settings = settings
        #: the engine's subrequest pipeline (``Simulator.dispatch``: which rules apply)
        self.dispatch = dispatch
        #: the dialect's error body (with the served release's error codes)
        self.error_response = error_response

    async def _subrequest(
        self,
        parent: Request,
        method: str,
        url: str,
        body: Any,
        headers: dict[str, str] | None = None,
        where: str = "$",
    ) -> Response:
        parts = urlsplit(url)
        path = parts.path
        sub = Request(
            method,
            path,
            parts.query,
            {**parent.headers, **(headers or {}), "content-type": "application/json"},
            orjson.dumps(body) if body is not None else b"",
            scheme=parent.scheme,
            server=parent.server,
        )
        sub.tenant = parent.tenant
        sub.principal = parent.principal
        sub.correlation_id = parent.correlation_id
        sub.origin = parent.origin
        return await self.dispatch(sub, parent, where)

    async def composite(self, req: Request) -> Response:
        """POST /composite"""
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("compositeRequest"), list):
            raise json_parser_error(
                "The composite request must contain a compositeRequest array",
            )
        subs = body["compositeRequest"]
        if len(subs) > 25:
            # the vendor answers inside the envelope (logged in guardian/support-service-lambdas
            # PR #766): one item with referenceId null and httpStatusCode 400
            return json_response(
                {"compositeResponse": [_over_limit()]}, self.settings.composite_limit_status
            )
        all_or_none = bool(body.get("allOrNone", False))
        t = req.tenant
        assert t is not None
        results: dict[str, Any] = {}
        out: list[dict[str, Any]] = []
        failed = False

        async def run_all() -> None:
            nonlocal failed
            for i, s in enumerate(subs):
                if (
                    not isinstance(s, dict)
                    or not s.get("method")
                    or not s.get("url")
                    or not s.get("referenceId")
                ):
                    raise json_parser_error(
                        f"compositeRequest[{i}] needs method, url and referenceId",
                    )
                ref = str(s["referenceId"])
                if failed and all_or_none:
                    out.append(_halted(ref))
                    continue
                try:
                    url = _resolve(s["url"], results)
                    sub_body = _resolve(s.get("body"), results)
                except HttpError as exc:
                    resp = self.error_response(exc)
                else:
                    resp = await self._subrequest(
                        req,
                        str(s["method"]).upper(),
                        url,
                        sub_body,
                        s.get("httpHeaders") or {},
                        f"$.compositeRequest[{i}].body",
                    )
                parsed = orjson.loads(resp.body) if resp.body else None
                if resp.status < 300:
                    results[ref] = parsed
                else:
                    failed = True
                headers = {k: v for k, v in resp.headers if k.lower() in ("location",)}
                out.append(composite_item(parsed, headers, resp.status, ref))
            if failed and all_or_none:
                raise _Rollback()

        if all_or_none:
            try:
                with t.store.transaction():
                    await run_all()
            except _Rollback:
                for item in out:
                    if item["httpStatusCode"] < 300:
                        item.update(_halted(item["referenceId"]))
        else:
            await run_all()
        return json_response({"compositeResponse": out})

    # -- sObject Collections ---------------------------------------------------------

    def _collection_input(self, req: Request) -> tuple[list[dict[str, Any]], bool]:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            raise json_parser_error("The request must contain a records array")
        recs = body["records"]
        if len(recs) > 200:
            raise exceeded_id_limit(
                "record limit reached. cannot submit more than 200 records into this call",
            )
        return recs, bool(body.get("allOrNone", False))

    def _run_collection(
        self, t: Tenant, items: list[Any], all_or_none: bool, op: Any
    ) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []

        def run() -> bool:
            failed = False
            for item in items:
                if failed and all_or_none:
                    results.append(_rolled_back())
                    continue
                try:
                    results.append(op(item))
                except HttpError as exc:
                    failed = True
                    results.append(failed_save(exc))
            return failed

        if all_or_none:
            try:
                with t.store.transaction():
                    if run():
                        raise _Rollback()
            except _Rollback:
                for r in results:
                    if r.get("success"):
                        r.clear()
                        r.update(_rolled_back())
        else:
            run()
        return results

    def _object_of(self, rec: Any) -> ObjectDef:
        if not isinstance(rec, dict):
            raise json_parser_error("each record must be a JSON object")
        attrs = rec.get("attributes")
        if not isinstance(attrs, dict) or not attrs.get("type"):
            raise invalid_type("Must send a concrete entity type.")
        obj = self.schema.get(str(attrs["type"]))
        if obj is None:
            raise invalid_type(f"sObject type '{attrs['type']}' is not supported.")
        return obj

    def _save_each(
        self,
        req: Request,
        kind: str,
        save: Callable[[Tenant, ObjectDef, dict[str, Any], str], dict[str, Any]],
    ) -> Response:
        """A collection call: each record's type and contract checked, then ``save``d."""
        t = req.tenant
        assert t is not None
        recs, aon = self._collection_input(req)
        origin = self.rest.origin(req)

        def op(rec: Any) -> dict[str, Any]:
            obj = self._object_of(rec)
            check_record(self.contracts, req, obj.name, kind, rec, _at(recs, rec))
            return save(t, obj, rec, origin)

        return json_response(self._run_collection(t, recs, aon, op))

    def create(self, req: Request) -> Response:
        """POST /composite/sobjects"""

        def save(t: Tenant, obj: ObjectDef, rec: dict[str, Any], origin: str) -> dict[str, Any]:
            if rec.get("Id"):
                raise invalid_field("cannot specify Id in an insert call", fields=["Id"])
            return save_result(self.records.create(t, obj, rec, origin=origin))

        return self._save_each(req, "create", save)

    def update(self, req: Request) -> Response:
        """PATCH /composite/sobjects"""

        def save(t: Tenant, obj: ObjectDef, rec: dict[str, Any], origin: str) -> dict[str, Any]:
            if not rec.get("Id"):
                raise missing_argument("Id not specified in an update call", fields=["Id"])
            rid = self.records.resolve_id(obj, str(rec["Id"]))
            self.records.update(
                t, obj, rid, {k: v for k, v in rec.items() if k != "Id"}, origin=origin
            )
            return save_result(rid)

        return self._save_each(req, "update", save)

    def upsert(self, req: Request) -> Response:
        """PATCH /composite/sobjects/{T}/{ExtField}"""
        t = req.tenant
        assert t is not None
        obj = self.records.object(req.params["sobject"])
        recs, aon = self._collection_input(req)
        field_name = req.params["field"]
        f = obj.field(field_name)
        if f is None or not (f.external_id or f.name == "Id"):
            raise not_found(
                f"Provided external ID field does not exist or is not accessible: {field_name}",
            )
        origin = self.rest.origin(req)

        def op(rec: Any) -> dict[str, Any]:
            self._object_of(rec)
            check_record(self.contracts, req, obj.name, "upsert", rec, _at(recs, rec))
            key = next((k for k in rec if k.lower() == f.name.lower()), None)
            if key is None or rec[key] in (None, ""):
                raise required_field_missing(
                    f"Required fields are missing: [{f.name}]",
                    fields=[f.name],
                )
            value = str(rec[key])
            rid, created, several = self.records.upsert(t, obj, f.name, value, rec, origin=origin)
            if several:
                raise ambiguous_external_id(
                    f"{f.name}: more than one record found for external id field: {several}",
                    fields=[f.name],
                )
            return save_result(rid, created)

        return json_response(self._run_collection(t, recs, aon, op))

    def delete(self, req: Request) -> Response:
        """DELETE /composite/sobjects?ids=a,b&allOrNone=false"""
        t = req.tenant
        assert t is not None
        ids = [i for i in (req.arg("ids") or "").split(",") if i]
        if not ids:
            raise missing_argument("ids parameter is required")
        if len(ids) > 200:
            raise exceeded_id_limit(
                "record limit reached. cannot submit more than 200 records",
            )
        aon = (req.arg("allOrNone") or "").lower() == "true"
        origin = self.rest.origin(req)

        def op(rid: str) -> dict[str, Any]:
            from . import _ids

            norm = _ids.normalize(rid)
            obj = self.schema.by_prefix(norm[:3]) if norm else None
            if norm is None or obj is None:
                raise malformed_id(f"malformed id {rid}", fields=[])
            self.records.delete(t, obj, norm, origin=origin)
            return save_result(norm)

        results = self._run_collection(t, ids, aon, op)
        for rid, r in zip(ids, results, strict=True):
            r.setdefault("id", rid)
        return json_response(results)

    def retrieve(self, req: Request) -> Response:
        """GET /composite/sobjects/{T}?ids=...&fields=..."""
        t = req.tenant
        assert t is not None
        obj = self.records.object(req.params["sobject"])
        ids = [i for i in (req.arg("ids") or "").split(",") if i]
        fields_arg = req.arg("fields")
        if not ids or not fields_arg:
            raise missing_argument("ids and fields parameters are required")
        fields = [x.strip() for x in fields_arg.split(",") if x.strip()]
        out: list[Any] = []
        for rid in ids:
            norm = self.records.resolve_id(obj, rid)
            data = t.store.get(obj.name, norm)
            out.append(record(obj, data, req.params["version"], fields) if data else None)
        return json_response(out)

    # -- batch and tree --------------------------------------------------------------

    async def batch(self, req: Request) -> Response:
        """POST /composite/batch: up to 25 independent subrequests, URLs relative to /services/data."""
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("batchRequests"), list):
            raise json_parser_error("The request must contain a batchRequests array")
        subs = body["batchRequests"]
        if len(subs) > 25:
            raise limit_exceeded("Limit Exceeded: maximum of 25 batch requests")
        halt = bool(body.get("haltOnError", False))
        results: list[dict[str, Any]] = []
        has_errors = False
        for i, s in enumerate(subs):
            if not isinstance(s, dict) or not s.get("method") or not s.get("url"):
                raise json_parser_error(f"batchRequests[{i}] needs method and url")
            if has_errors and halt:
                results.append(
                    batch_error(batch_processing_halted("Batch processing halted per request"))
                )
                continue
            url = str(s["url"]).lstrip("/")
            if not url.startswith("services/data/"):
                url = "services/data/" + url
            resp = await self._subrequest(
                req,
                str(s["method"]).upper(),
                "/" + url,
                s.get("richInput"),
                None,
                f"$.batchRequests[{i}].richInput",
            )
            parsed = orjson.loads(resp.body) if resp.body else None
            if resp.status >= 400:
                has_errors = True
            results.append(batch_item(resp.status, parsed))
        return json_response({"hasErrors": has_errors, "results": results})

    def tree(self, req: Request) -> Response:
        """POST /composite/tree/{T}: a record tree (up to 200 records), all or nothing."""
        t = req.tenant
        assert t is not None
        root = self.records.object(req.params["sobject"])
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            raise json_parser_error("The request must contain a records array")
        origin = self.rest.origin(req)
        created: list[dict[str, Any]] = []
        count = 0

        def insert(obj: Any, rec: Any, parent_field: str | None, parent_id: str | None) -> None:
            nonlocal count
            if not isinstance(rec, dict):
                raise json_parser_error("each record must be a JSON object")
            attrs = rec.get("attributes") or {}
            ref = attrs.get("referenceId")
            if not ref:
                raise invalid_input("Include a reference ID for each record in the request.")
            if attrs.get("type") and str(attrs["type"]).lower() != obj.name.lower():
                raise _TreeError(ref, invalid_type(f"Unexpected type {attrs['type']}"))
            count += 1
            if count > 200:
                raise limit_exceeded("Exceeded max limit of 200 records in a tree request")
            values: dict[str, Any] = {}
            children: list[tuple[Any, str, list[Any]]] = []
            for key, value in rec.items():
                if key == "attributes":
                    continue
                rel = obj.child_relationship(key)
                if rel is not None and isinstance(value, dict):
                    child_obj = self.schema.get(rel.child_sobject)
                    children.append((child_obj, rel.field, value.get("records") or []))
                else:
                    values[key] = value
            try:
                check_record(self.contracts, req, obj.name, "create", values, f"$.records[{ref}]")
            except HttpError as exc:
                raise _TreeError(ref, exc) from None
            if parent_field and parent_id:
                values[parent_field] = parent_id
            try:
                new_id = self.records.create(t, obj, values, origin=origin)
            except HttpError as exc:
                raise _TreeError(ref, exc) from None
            created.append({"referenceId": ref, "id": new_id})
            for child_obj, field_name, recs in children:
                for child in recs:
                    insert(child_obj, child, field_name, new_id)

        try:
            with t.store.transaction():
                for rec in body["records"]:
                    insert(root, rec, None, None)
        except _TreeError as exc:
            err = exc.error
            return json_response(
                {
                    "hasErrors": True,
                    "results": [{"referenceId": exc.reference, "errors": [save_error(err)]}],
                },
                400,
            )
        return json_response({"hasErrors": False, "results": created}, 201)


def _at(recs: list[Any], rec: Any) -> str:
    """JSON path of ``rec`` in a collection body (for the journal's violations)."""
    i = next((n for n, r in enumerate(recs) if r is rec), 0)
    return f"$.records[{i}]"


class _TreeError(Exception):
    def __init__(self, reference: str, error: HttpError) -> None:
        super().__init__(error.message)
        self.reference = reference
        self.error = error


def _over_limit() -> dict[str, Any]:
    return composite_error(
        limit_exceeded("The request can\u2019t contain more than 25 operations."), None
    )


def _halted(ref: str) -> dict[str, Any]:
    return composite_error(
        processing_halted(
            "The transaction was rolled back since another operation in the same transaction failed."
        ),
        ref,
    )


def _rolled_back() -> dict[str, Any]:
    """A collection item undone because another one failed under allOrNone."""
    return failed_save(
        all_or_none_operation_rolled_back(
            "Record rolled back because not all records were valid and the request was "
            "using AllOrNone header"
        )
    )
