"""OData JSON batch: ``POST .../api/v2.0/$batch`` with up to 100 operations.

Body ``{"requests": [{"id", "method", "url", "headers"?, "body"?, "atomicityGroup"?}]}``;
answer ``{"responses": [{"id", "status", "headers", "body"}]}`` in request order. URLs
are relative to the service root (``companies({id})/customers``) or absolute. Requests
sharing an ``atomicityGroup`` commit together or not at all: when one fails, the
others of its group answer 424 Failed Dependency and nothing of the group is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from simulators.engine import HttpError, Request, Response, Tenant

from ._errors import bad_request
from ._wire import error_body, json_response

if TYPE_CHECKING:
    from ._rest import RestApi

MAX_OPERATIONS = 100  # documented maximum batch size


class _Rollback(Exception):
    """Raised inside an atomicity group's transaction to undo it."""


class Batch:
    def __init__(self, rest: RestApi) -> None:
        self.rest = rest

    def handle(self, req: Request, tenant: Tenant) -> Response:
        body = req.json()
        ops = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(ops, list) or not all(isinstance(o, dict) for o in ops):
            raise bad_request(
                'A JSON batch needs {"requests": [{"id", "method", "url"}, ...]}.',
            )
        if len(ops) > MAX_OPERATIONS:
            raise bad_request(
                f"The batch has {len(ops)} operations; the maximum is {MAX_OPERATIONS}.",
            )
        root_path = urlsplit(self.rest.root(req)).path
        responses: list[dict[str, Any]] = []
        i = 0
        while i < len(ops):
            group = ops[i].get("atomicityGroup")
            j = i + 1
            while group is not None and j < len(ops) and ops[j].get("atomicityGroup") == group:
                j += 1
            if group is None:
                responses.append(self._one(req, tenant, ops[i], root_path))
            else:
                responses.extend(self._group(req, tenant, ops[i:j], root_path))
            i = j
        return json_response({"responses": responses})

    def _group(
        self, req: Request, tenant: Tenant, ops: list[dict[str, Any]], root: str
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        try:
            with tenant.store.transaction():
                for op in ops:
                    res = self._one(req, tenant, op, root)
                    out.append(res)
                    if res["status"] >= 400:
                        raise _Rollback()
        except _Rollback:
            failed = out[-1]
            return [
                failed
                if r is failed
                else {
                    "id": str(op.get("id", "")),
                    "status": 424,
                    "headers": {"content-type": "application/json"},
                    "body": {
                        "error": {
                            "code": "BadRequest",
                            "message": "Failed Dependency: another request of the atomicity group failed.",
                        }
                    },
                }
                for r, op in zip([*out, *[None] * (len(ops) - len(out))], ops, strict=True)
            ]
        return out

    def _one(self, req: Request, tenant: Tenant, op: dict[str, Any], root: str) -> dict[str, Any]:
        op_id = str(op.get("id", ""))
        try:
            method = str(op.get("method", "")).upper()
            url = op.get("url")
            if (
                method not in ("GET", "POST", "PATCH", "DELETE")
                or not isinstance(url, str)
                or not url
            ):
                raise bad_request(
                    "Each batch request needs a method (GET, POST, PATCH, DELETE) and a url.",
                )
            parts = urlsplit(url)
            path = parts.path
            if path.startswith(root):
                path = path[len(root) :]
            headers = {str(k).lower(): str(v) for k, v in (op.get("headers") or {}).items()}
            headers["authorization"] = req.headers.get("authorization", "")
            body = op.get("body")
            sub = Request(
                method,
                path,
                parts.query,
                headers,
                orjson.dumps(body) if body is not None else b"",
                scheme=req.scheme,
                server=req.server,
                client=req.client,
            )
            sub.params = {
                **{k: v for k, v in req.params.items() if k != "rest"},
                "rest": path.lstrip("/"),
            }
            sub.tenant = tenant
            sub.correlation_id = req.correlation_id
            target = self.rest.resolve(sub, tenant)
            if target.kind in ("subscriptions", "subscription", "batch"):
                raise bad_request(f"'{target.kind}' cannot be used inside a batch.")
            resp = self.rest.handle(sub, tenant, target)
        except HttpError as exc:
            return {
                "id": op_id,
                "status": exc.status,
                "headers": {"content-type": "application/json"},
                "body": error_body(exc, req.correlation_id),
            }
        headers = {k: v for k, v in resp.headers if k in ("content-type", "etag", "location")}
        out: dict[str, Any] = {"id": op_id, "status": resp.status, "headers": headers}
        if resp.body:
            out["body"] = (
                orjson.loads(resp.body)
                if headers.get("content-type", "").startswith("application/json")
                else resp.body.decode()
            )
        return out
