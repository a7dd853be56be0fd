"""Bulk API 1.0 (``/services/async/{version}``) for the CRM simulator, JSON content type:
insert, update, upsert, delete, hardDelete, query and queryAll jobs with batches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from simulators.engine import HttpError, Request, Response, Router

from .._errors import BulkError
from ._resources import Bulk1Resources

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._records import RecordService

__all__ = ["PREFIX", "Bulk1", "bulk_error_response"]

PREFIX = "/services/async/"
#: REST error codes and the Bulk API 1.0 exception codes they are reported as
_CODES = {
    "INVALID_SESSION_ID": "InvalidSessionId",
    "NOT_FOUND": "InvalidUrl",
    "METHOD_NOT_ALLOWED": "InvalidUrl",
    "JSON_PARSER_ERROR": "ClientInputError",
    "INVALID_INPUT": "ClientInputError",
    "REQUEST_LIMIT_EXCEEDED": "ExceededQuota",
}


def bulk_error_response(err: HttpError) -> Response:
    """``{"exceptionCode", "exceptionMessage"}``; an invalid session is a 400 in Bulk API 1.0."""
    if isinstance(err, BulkError):
        code, status = err.code, err.status
    else:
        code = _CODES.get(err.code, err.code)
        status = 400 if err.code == "INVALID_SESSION_ID" else err.status
    message = "Invalid session id" if code == "InvalidSessionId" else err.message
    body = {"exceptionCode": code, "exceptionMessage": message}
    return Response(status, orjson.dumps(body), [("content-type", "application/json")])


class Bulk1:
    def __init__(self, records: RecordService, origin: Callable[[Request], str]) -> None:
        self.res = Bulk1Resources(records, origin)

    def routes(self, r: Router) -> None:
        x = self.res
        base = PREFIX + "{version}/job"
        r.add("POST", base, x.create_job, name="bulk1.job.create")
        r.add("GET", f"{base}/{{id}}", x.job, name="bulk1.job")
        r.add("POST", f"{base}/{{id}}", x.change_job, name="bulk1.job.state")
        r.add("POST", f"{base}/{{id}}/batch", x.add_batch, name="bulk1.batch.create")
        r.add("GET", f"{base}/{{id}}/batch", x.batches, name="bulk1.batches")
        b = f"{base}/{{id}}/batch/{{batch}}"
        r.add("GET", b, x.batch, name="bulk1.batch")
        r.add("GET", f"{b}/request", x.batch_request, name="bulk1.batch.request")
        r.add("GET", f"{b}/result", x.results, name="bulk1.batch.result")
        r.add("GET", f"{b}/result/{{result}}", x.query_result, name="bulk1.batch.queryResult")
