"""A trivial Starlette app, the yardstick the engine benchmarks compare against.

GET /records/{id} answers a stored JSON record; POST /records stores the JSON body under a
new id and answers 201 with the id. Served by uvicorn (uvloop, httptools) like any small
ASGI service (``uvicorn --factory yardstick_app:create_app``); nothing else runs per request.
"""

from __future__ import annotations

import itertools

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_app() -> Starlette:
    records: dict[str, bytes] = {}
    ids = itertools.count(1)

    async def read(request: Request) -> Response:
        body = records.get(request.path_params["id"])
        if body is None:
            return Response(b'{"error":"not found"}', 404, media_type="application/json")
        return Response(body, media_type="application/json")

    async def create(request: Request) -> Response:
        data = orjson.loads(await request.body())
        rid = f"{next(ids):018d}"
        data["Id"] = rid
        records[rid] = orjson.dumps(data)
        body = orjson.dumps({"id": rid, "success": True})
        return Response(body, 201, media_type="application/json")

    return Starlette(
        routes=[Route("/records/{id}", read), Route("/records", create, methods=["POST"])]
    )
