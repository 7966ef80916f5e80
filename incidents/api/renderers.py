"""Renderers: orjson for JSON and GeoJSON (lists are plain dicts, so no per-row serializer cost), CSV by name only."""

from __future__ import annotations

import decimal

import orjson
from rest_framework.renderers import BaseRenderer


def _default(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if hasattr(value, "geojson"):
        return orjson.Fragment(value.geojson)
    return str(value)


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


class JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class CSVRenderer(BaseRenderer):
    """Selected by `?format=csv` or `Accept: text/csv`; the view streams the body itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return dumps(data)
