"""The REST metadata catalog: the record types the simulator serves, described from
``_schema.py`` as a link list (application/json), an OpenAPI 3.0 document
(application/swagger+json) or JSON Schema (application/schema+json).

Everything is derived from the record definitions, so the catalog never describes a field,
reference or sublist the simulator would reject.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from simulators.engine import Request, Response

from ._errors import nonexistent_id, not_acceptable
from ._schema import FieldDef, RecordType, SublistDef
from ._wire import JSON_CT, json_response

CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
SWAGGER = "application/swagger+json"
SCHEMA = "application/schema+json"
_PLAIN = ("application/json", "application/*", "*/*", "application/vnd.oracle.resource+json")
JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-06/schema#"

_SCALAR: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "string": {"type": "string"},
        "integer": {"type": "integer", "format": "int64"},
        "float": {"type": "number", "format": "double"},
        "boolean": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
        "datetime": {"type": "string", "format": "date-time"},
    }
)


def _title(name: str) -> str:
    out = "".join(" " + c if c.isupper() else c for c in name).strip()
    return out[:1].upper() + out[1:]


def _accepts(req: Request) -> list[str]:
    """Media types of the Accept header, best first (q-values honoured, ties keep order)."""
    raw = req.headers.get("accept", "")
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(raw.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if not media:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, media))
    return [m for _, _, m in sorted(ranked)]


def negotiate(req: Request) -> str:
    """SWAGGER, SCHEMA or 'application/json' (the link list); 406 when none is acceptable."""
    wanted = _accepts(req)
    if not wanted:
        return "application/json"
    for media in wanted:
        if media in (SWAGGER, SCHEMA):
            return media
        if media in _PLAIN:
            return "application/json"
    raise not_acceptable(
        f"Invalid value '{req.headers.get('accept', '')}' of header Accept. Use "
        f"application/json, {SWAGGER} or {SCHEMA}.",
        extra={"o:errorHeader": "Accept"},
    )


class MetadataCatalog:
    """Renders the catalog for the record types of one dialect."""

    def __init__(self, types: dict[str, RecordType], hours_format: str = "number") -> None:
        self.types = types
        self.hours_format = hours_format

    # -- handlers --------------------------------------------------------------------

    def catalog(self, req: Request) -> Response:
        """GET .../metadata-catalog[?select=a,b]."""
        media = negotiate(req)
        selected = self._select(req.arg("select"))
        return self._respond(req, media, selected, single=False)

    def record(self, req: Request) -> Response:
        """GET .../metadata-catalog/{type}."""
        media = negotiate(req)
        rt = self._lookup(req.params["type"])
        return self._respond(req, media, [rt], single=True)

    def _respond(
        self, req: Request, media: str, types: list[RecordType], *, single: bool
    ) -> Response:
        base = f"{req.base_url}/services/rest/record/v1"
        if media == SWAGGER:
            return json_response(self.openapi(types, base), content_type=SWAGGER)
        if media == SCHEMA:
            doc = self.json_schema(types[0]) if single else self.json_schemas(types)
            return json_response(doc, content_type=SCHEMA)
        if single:
            return json_response(self.entry(types[0], base), content_type=JSON_CT)
        return json_response(
            {"items": [self.entry(rt, base) for rt in types]}, content_type=JSON_CT
        )

    # -- lookup ----------------------------------------------------------------------

    def _lookup(self, name: str) -> RecordType:
        rt = self.types.get(name.strip().lower())
        if rt is None:
            raise nonexistent_id(
                f"Record type '{name}' does not exist.",
                extra={"o:urlPath": f"record/v1/metadata-catalog/{name}"},
            )
        return rt

    def _select(self, raw: str | None) -> list[RecordType]:
        if raw is None or not raw.strip():
            return sorted(self.types.values(), key=lambda t: t.name.lower())
        out: list[RecordType] = []
        for name in raw.split(","):
            if name.strip():
                rt = self._lookup(name)
                if rt not in out:
                    out.append(rt)
        return out

    # -- link list -------------------------------------------------------------------

    @staticmethod
    def entry(rt: RecordType, base: str) -> dict[str, Any]:
        name = rt.name.lower()
        href = f"{base}/metadata-catalog/{name}"
        return {
            "name": name,
            "links": [
                {"rel": "canonical", "href": href, "mediaType": "application/json"},
                {"rel": "alternate", "href": href, "mediaType": SWAGGER},
                {"rel": "alternate", "href": href, "mediaType": SCHEMA},
            ],
        }

    # -- JSON Schema -----------------------------------------------------------------

    def json_schema(self, rt: RecordType) -> dict[str, Any]:
        """The JSON Schema of one record as GET /record/v1/{type}/{id} renders it."""
        return {
            "$schema": JSON_SCHEMA_DRAFT,
            "title": _title(rt.name),
            **self._record_schema(rt, openapi=False),
        }

    def json_schemas(self, types: list[RecordType]) -> dict[str, Any]:
        """Several records in one schema: one definition each, a record is any of them."""
        return {
            "$schema": JSON_SCHEMA_DRAFT,
            "definitions": {
                rt.name.lower(): {"title": _title(rt.name), **self._record_schema(rt, False)}
                for rt in types
            },
            "anyOf": [{"$ref": f"#/definitions/{rt.name.lower()}"} for rt in types],
        }

    def _record_schema(self, rt: RecordType, openapi: bool) -> dict[str, Any]:
        props: dict[str, Any] = {"links": self._links_schema(openapi)}
        for f in rt.fields.values():
            props[f.name] = self._field_schema(f, openapi)
        for sl in rt.sublists.values():
            if openapi:
                props[sl.name] = {"$ref": f"#/components/schemas/{self._sublist_name(rt, sl)}"}
            else:
                props[sl.name] = self._sublist_schema(sl, False)
        out: dict[str, Any] = {"type": "object", "properties": props}
        required = [f.name for f in rt.fields.values() if f.required]
        if required:
            out["x-ns-required-on-create"] = required
        return out

    def _field_schema(self, f: FieldDef, openapi: bool) -> dict[str, Any]:
        base: dict[str, Any] = {"title": _title(f.name)}
        if f.is_ref:
            base.update(self._ref_schema(f, openapi))
        elif f.kind == "duration":
            if self.hours_format == "duration":
                base.update({"type": "string", "pattern": r"^\d{1,6}:[0-5]\d$"})
            else:
                base.update({"type": "number", "format": "double", "minimum": 0})
        else:
            base.update(_SCALAR[f.kind])
        if f.name != "id":
            base["nullable"] = True
        if f.readonly:
            base["readOnly"] = True
        return base

    def _ref_schema(self, f: FieldDef, openapi: bool) -> dict[str, Any]:
        id_schema: dict[str, Any] = {"type": "string"}
        if f.choices:
            id_schema["enum"] = [c for c, _ in f.choices]
        out: dict[str, Any] = {
            "type": "object",
            "properties": {
                "id": id_schema,
                "refName": {"type": "string"},
                "externalId": {"type": "string"},
                "links": self._links_schema(openapi),
            },
        }
        if f.choices:
            out["description"] = "; ".join(f"{c} = {label}" for c, label in f.choices)
            out["x-ns-enum"] = [{"id": c, "refName": label} for c, label in f.choices]
        elif f.targets:
            names = [t.lower() for t in f.targets]
            out["description"] = "Reference to " + " or ".join(names)
            out["x-ns-reference-types"] = names
        return out

    @staticmethod
    def _links_schema(openapi: bool) -> dict[str, Any]:
        if openapi:
            return {
                "type": "array",
                "readOnly": True,
                "items": {"$ref": "#/components/schemas/nsLink"},
            }
        return {
            "type": "array",
            "readOnly": True,
            "items": {
                "type": "object",
                "properties": {"rel": {"type": "string"}, "href": {"type": "string"}},
            },
        }

    def _line_schema(self, sl: SublistDef, openapi: bool) -> dict[str, Any]:
        props: dict[str, Any] = {"links": self._links_schema(openapi)}
        for f in sl.fields.values():
            props[f.name] = self._field_schema(f, openapi)
        return {"type": "object", "properties": props}

    def _sublist_schema(
        self, sl: SublistDef, openapi: bool, element_ref: str | None = None
    ) -> dict[str, Any]:
        items: dict[str, Any] = (
            {"$ref": element_ref} if element_ref else self._line_schema(sl, openapi)
        )
        return {
            "type": "object",
            "title": _title(sl.name),
            "properties": {
                "links": self._links_schema(openapi),
                "items": {"type": "array", "items": items},
                "totalResults": {"type": "integer", "readOnly": True},
                "count": {"type": "integer", "readOnly": True},
                "hasMore": {"type": "boolean", "readOnly": True},
                "offset": {"type": "integer", "readOnly": True},
            },
        }

    @staticmethod
    def _sublist_name(rt: RecordType, sl: SublistDef) -> str:
        return f"{rt.name.lower()}-{sl.name}Collection"

    # -- OpenAPI 3.0 -----------------------------------------------------------------

    def openapi(self, types: list[RecordType], base: str) -> dict[str, Any]:
        """An OpenAPI 3.0 document for the record service's operations on ``types``."""
        schemas: dict[str, Any] = _common_schemas()
        paths: dict[str, Any] = {}
        for rt in types:
            name = rt.name.lower()
            schemas[name] = self._record_schema(rt, openapi=True)
            schemas[f"{name}Collection"] = _collection_schema()
            for sl in rt.sublists.values():
                element = f"{name}-{sl.name}Element"
                schemas[element] = self._line_schema(sl, openapi=True)
                schemas[self._sublist_name(rt, sl)] = self._sublist_schema(
                    sl, True, f"#/components/schemas/{element}"
                )
            paths[f"/{name}"] = _collection_ops(name)
            paths[f"/{name}/{{id}}"] = _instance_ops(name)
        return {
            "openapi": "3.0.1",
            "info": {
                "title": "NetSuite REST Record API",
                "description": "Record service v1 of the ERP simulator.",
                "version": "v1",
            },
            "servers": [{"url": base}],
            "tags": [{"name": rt.name.lower()} for rt in types],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "oAuth1": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "Authorization",
                        "description": "Token-based authentication (OAuth 1.0a, HMAC-SHA256).",
                    },
                    "oAuth2": {"type": "http", "scheme": "bearer"},
                },
            },
            "security": [{"oAuth1": []}, {"oAuth2": []}],
        }


def _collection_schema() -> dict[str, Any]:
    return {"$ref": "#/components/schemas/nsResourceCollection"}


def _error() -> dict[str, Any]:
    return {
        "description": "Error response.",
        "content": {
            "application/vnd.oracle.resource+json; type=error": {
                "schema": {"$ref": "#/components/schemas/nsError"}
            }
        },
    }


def _body(name: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema}


def _id_param() -> dict[str, Any]:
    return {
        "name": "id",
        "in": "path",
        "description": "Internal identifier, or eid:<external id>.",
        "required": True,
        "schema": {"type": "string"},
    }


def _collection_ops(name: str) -> dict[str, Any]:
    return {
        "get": {
            "tags": [name],
            "summary": "Get list of records.",
            "operationId": f"list_{name}",
            "parameters": [
                _query("q", "Search query used to filter results.", {"type": "string"}),
                _query(
                    "limit",
                    "The limit used to specify the number of results on a single page.",
                    {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1000},
                ),
                _query(
                    "offset",
                    "The offset used for selecting a specific page of results.",
                    {"type": "integer", "minimum": 0, "default": 0},
                ),
            ],
            "responses": {
                "200": {
                    "description": "List of records.",
                    "content": {
                        "application/vnd.oracle.resource+json; type=collection": {
                            "schema": {"$ref": f"#/components/schemas/{name}Collection"}
                        }
                    },
                },
                "default": _error(),
            },
        },
        "post": {
            "tags": [name],
            "summary": "Insert record.",
            "operationId": f"create_{name}",
            "requestBody": _body(name),
            "responses": {
                "204": {
                    "description": "Inserted record; its URL is in the Location header.",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                },
                "default": _error(),
            },
        },
    }


def _instance_ops(name: str) -> dict[str, Any]:
    return {
        "parameters": [_id_param()],
        "get": {
            "tags": [name],
            "summary": "Get record.",
            "operationId": f"get_{name}",
            "parameters": [
                _query(
                    "expandSubResources",
                    "Set to true to expand sublists in the response.",
                    {"type": "boolean"},
                ),
                _query(
                    "fields",
                    "Comma-separated names of the fields and sublists to return.",
                    {"type": "string"},
                ),
            ],
            "responses": {
                "200": {
                    "description": "Get record.",
                    "content": {
                        "application/vnd.oracle.resource+json; type=singular": {
                            "schema": {"$ref": f"#/components/schemas/{name}"}
                        }
                    },
                },
                "default": _error(),
            },
        },
        "patch": {
            "tags": [name],
            "summary": "Update record.",
            "operationId": f"update_{name}",
            "parameters": [
                _query(
                    "replace",
                    "Comma-separated names of sublists to replace rather than merge.",
                    {"type": "string"},
                )
            ],
            "requestBody": _body(name),
            "responses": {"204": {"description": "Updated record."}, "default": _error()},
        },
        "put": {
            "tags": [name],
            "summary": "Insert or update record.",
            "operationId": f"upsert_{name}",
            "requestBody": _body(name),
            "responses": {"204": {"description": "Upserted record."}, "default": _error()},
        },
        "delete": {
            "tags": [name],
            "summary": "Remove record.",
            "operationId": f"delete_{name}",
            "responses": {"204": {"description": "Removed record."}, "default": _error()},
        },
    }


def _common_schemas() -> dict[str, Any]:
    """Shared components: links, references, collections and the error document."""
    return {
        "nsLink": {
            "type": "object",
            "properties": {
                "rel": {"type": "string", "readOnly": True},
                "href": {"type": "string", "readOnly": True},
            },
        },
        "nsResource": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "refName": {"type": "string", "readOnly": True},
                "externalId": {"type": "string"},
                "links": {
                    "type": "array",
                    "readOnly": True,
                    "items": {"$ref": "#/components/schemas/nsLink"},
                },
            },
        },
        "nsResourceCollection": {
            "type": "object",
            "properties": {
                "links": {
                    "type": "array",
                    "readOnly": True,
                    "items": {"$ref": "#/components/schemas/nsLink"},
                },
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/nsResource"}},
                "count": {"type": "integer", "readOnly": True},
                "hasMore": {"type": "boolean", "readOnly": True},
                "offset": {"type": "integer", "readOnly": True},
                "totalResults": {"type": "integer", "readOnly": True},
            },
        },
        "nsError": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "readOnly": True},
                "title": {"type": "string", "readOnly": True},
                "status": {"type": "integer", "readOnly": True},
                "o:errorDetails": {
                    "type": "array",
                    "readOnly": True,
                    "items": {
                        "type": "object",
                        "properties": {
                            "detail": {"type": "string"},
                            "o:errorCode": {"type": "string"},
                            "o:errorPath": {"type": "string"},
                            "o:errorHeader": {"type": "string"},
                            "o:errorQueryParam": {"type": "string"},
                            "o:errorUrl": {"type": "string"},
                        },
                    },
                },
            },
        },
    }
