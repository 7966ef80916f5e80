"""The OpenAPI 3.0 definition of /ogc/ (the landing page's `service-desc`): GDAL's OAPIF driver reads the items'
`limit` maximum from it to choose its page size (10 otherwise, a hundred times the requests)."""

from __future__ import annotations

from .filters import openapi_parameters
from .pagination import MAX_PAGE_SIZE

MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"


def _ok(description: str, media_type: str = "application/json") -> dict:
    return {"200": {"description": description, "content": {media_type: {"schema": {"type": "object"}}}}}


def ogc_openapi(*, server_url: str, queryables: list[str]) -> dict:
    collection = {"name": "collectionId", "in": "path", "required": True,
                  "schema": {"type": "string", "enum": ["incidents", "places"]}}  # fmt: skip
    f = {"name": "f", "in": "query", "schema": {"type": "string", "enum": ["json", "html"]}}
    filters = [
        {"name": p.name, "in": "query", "description": p.description, "schema": {"type": "string"}}
        for p in openapi_parameters()
        if p.name in queryables
    ]
    items_params = [
        collection,
        f,
        {"name": "limit", "in": "query", "style": "form", "explode": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 100}},
        {"name": "bbox", "in": "query", "style": "form", "explode": False,
         "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}},
        {"name": "datetime", "in": "query", "schema": {"type": "string"}},
        {"name": "cursor", "in": "query", "schema": {"type": "string"}},
        *filters,
    ]  # fmt: skip
    return {
        "openapi": "3.0.3",
        "info": {"title": "Incident Atlas – OGC API Features", "version": "1.0.0"},
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/": {"get": {"operationId": "landing", "parameters": [f], "responses": _ok("Landing page")}},
            "/conformance": {"get": {"operationId": "conformance", "parameters": [f], "responses": _ok("Classes")}},
            "/collections": {"get": {"operationId": "collections", "parameters": [f], "responses": _ok("All")}},
            "/collections/{collectionId}": {
                "get": {"operationId": "collection", "parameters": [collection, f], "responses": _ok("One")}
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "operationId": "items",
                    "parameters": items_params,
                    "responses": _ok("Features", "application/geo+json"),
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "operationId": "item",
                    "parameters": [
                        collection,
                        {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
                        f,
                    ],
                    "responses": _ok("Feature", "application/geo+json"),
                }
            },
        },
    }
