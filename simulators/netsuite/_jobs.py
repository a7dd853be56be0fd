"""Asynchronous requests: ``Prefer: respond-async`` answers 202 with the Location of an
async job; the job, its task and the task's result are resources under /async/v1/job.

The request itself runs at once, so a job is complete when first read; its result is
the response the synchronous request would have given. X-NetSuite-Idempotency-Key makes
a second submission with the same key fail with IDEMPOTENCY_ERROR.

Jobs and idempotency keys are kept in the tenant's database (its ``meta`` table), so with
``--data-dir`` a restarted simulator still knows the key, and the job's Location answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from simulators.engine import HttpError, Request, Response, Tenant

from ._errors import idempotency_error, nonexistent_id
from ._render import link
from ._wire import COLLECTION_CT, json_response

JOB_PREFIX = "ns.job."
IDEMPOTENCY_PREFIX = "ns.idempotency."


@dataclass(slots=True)
class AsyncJob:
    id: str
    task_id: str
    result: Response
    idempotency_key: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.result.status < 400


class AsyncJobs:
    def __init__(self, render_error: Callable[[HttpError], Response]) -> None:
        self.render_error = render_error

    @staticmethod
    def _save(tenant: Tenant, job: AsyncJob) -> None:
        r = job.result
        tenant.store.meta_set(
            JOB_PREFIX + job.id,
            {
                "task_id": job.task_id,
                "status": r.status,
                "body": r.body.decode("latin-1"),  # any bytes, back unchanged
                "headers": [list(h) for h in r.headers],
                "idempotency_key": job.idempotency_key,
            },
        )

    @staticmethod
    def _load(tenant: Tenant, job_id: str) -> AsyncJob | None:
        m = tenant.store.meta_get(JOB_PREFIX + job_id)
        if not isinstance(m, dict):
            return None
        result = Response(
            int(m["status"]), str(m["body"]).encode("latin-1"), [(k, v) for k, v in m["headers"]]
        )
        return AsyncJob(job_id, str(m["task_id"]), result, m.get("idempotency_key"))

    def submit(
        self, req: Request, tenant: Tenant, base: str, run: Callable[[Request], Response]
    ) -> Response:
        key = req.headers.get("x-netsuite-idempotency-key")
        if key:
            earlier = tenant.store.meta_get(IDEMPOTENCY_PREFIX + key)
            if earlier is not None:
                raise idempotency_error(
                    f"A request with the idempotency key '{key}' has already been submitted. "
                    "Use a unique idempotency key for each request.",
                    headers={
                        "location": f"{base}/async/v1/job/{earlier}",
                        "preference-applied": "respond-async",
                    },
                    extra={"o:errorHeader": "X-NetSuite-Idempotency-Key"},
                )
        try:
            result = run(req)
        except HttpError as exc:
            result = self.render_error(exc)
            for k, v in exc.headers.items():
                result.headers.append((k, v))
        job_id = str(tenant.store.next_sequence("ns:asyncjob", 1))
        job = AsyncJob(job_id, job_id, result, key or None)
        with tenant.store.transaction():  # the job and its key together, before the 202
            self._save(tenant, job)
            if key:
                tenant.store.meta_set(IDEMPOTENCY_PREFIX + key, job_id)
        return Response(
            202,
            b"",
            [
                ("location", f"{base}/async/v1/job/{job_id}"),
                ("preference-applied", "respond-async"),
            ],
        )

    def job(self, tenant: Tenant, job_id: str) -> AsyncJob:
        job = self._load(tenant, job_id)
        if job is None:
            raise nonexistent_id(
                f"The async job {job_id} does not exist.",
                extra={"o:urlPath": job_id},
            )
        return job

    def job_body(self, job: AsyncJob, base: str) -> dict[str, Any]:
        url = f"{base}/async/v1/job/{job.id}"
        return {
            "links": [link("self", url)],
            "completed": True,
            "id": job.id,
            "progress": "succeeded" if job.succeeded else "failed",
            "task": {"links": [link("related", f"{url}/task")]},
        }

    def get_job(self, tenant: Tenant, job_id: str, base: str) -> Response:
        return json_response(self.job_body(self.job(tenant, job_id), base))

    def get_tasks(self, tenant: Tenant, job_id: str, base: str) -> Response:
        job = self.job(tenant, job_id)
        url = f"{base}/async/v1/job/{job.id}/task"
        body = {
            "links": [link("self", url)],
            "count": 1,
            "hasMore": False,
            "items": [{"links": [link("self", f"{url}/{job.task_id}")], "id": job.task_id}],
            "offset": 0,
            "totalResults": 1,
        }
        return json_response(body, content_type=COLLECTION_CT)

    def get_task(self, tenant: Tenant, job_id: str, task_id: str, base: str) -> Response:
        job = self.job(tenant, job_id)
        if task_id != job.task_id:
            raise nonexistent_id(
                f"The async task {task_id} does not exist.",
                extra={"o:urlPath": task_id},
            )
        url = f"{base}/async/v1/job/{job.id}/task/{job.task_id}"
        body = {
            "links": [link("self", url)],
            "completed": True,
            "id": job.task_id,
            "progress": "succeeded" if job.succeeded else "failed",
            "result": {"links": [link("related", f"{url}/result")]},
        }
        return json_response(body)

    def get_result(self, tenant: Tenant, job_id: str, task_id: str) -> Response:
        job = self.job(tenant, job_id)
        if task_id != job.task_id:
            raise nonexistent_id(
                f"The async task {task_id} does not exist.",
                extra={"o:urlPath": task_id},
            )
        r = job.result
        return Response(r.status, r.body, list(r.headers))


def job_dump(job: AsyncJob) -> dict[str, Any]:
    """Admin view of a job."""
    body: Any = None
    if job.result.body:
        try:
            body = orjson.loads(job.result.body)
        except orjson.JSONDecodeError:
            body = job.result.body.decode("utf-8", "replace")
    return {
        "id": job.id,
        "status": job.result.status,
        "headers": dict(job.result.headers),
        "body": body,
    }
