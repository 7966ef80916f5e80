"""OGC API – Features, Part 1 Core (GeoJSON, HTML, CRS84) at /ogc/, for QGIS, ArcGIS and GDAL's OAPIF driver.

Hand-written on the REST API's pieces rather than a library (the README says why): the same filters and status
visibility (`IncidentFilterSet` → `incidents.selectors`), the same keyset pages (`next` links at any depth cost the
same), the same throttles and read permission. Collections: `incidents` and `places`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.db.models import Extent
from django.db.models import Max, Min
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from incidents import selectors
from incidents.models import Incident, Place

from .fields import BBoxField
from .filters import IncidentFilterSet
from .ogc_openapi import MEDIA_TYPE as OPENAPI_MEDIA_TYPE
from .ogc_openapi import ogc_openapi
from .pagination import MAX_PAGE_SIZE, KeysetPaginator, keysets_for, name_page
from .renderers import GeoJSONRenderer, JSONRenderer
from .views.base import ApiView, incident_filterset, path_pk
from .views.incidents import incident_feature
from .views.places import place_row

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GEOJSON = "application/geo+json"
DEFAULT_LIMIT = 100
# Parameters of items requests that are not incident filters (OGC's own, and the API's page cursor).
ITEM_PARAMS = {"f", "limit", "bbox", "datetime", "cursor", "bbox-crs"}
INCIDENT_QUERYABLES = [n for n in IncidentFilterSet.base_filters if n not in ("bbox", "ordering")]
COLLECTIONS = {
    "incidents": {
        "title": "Incidents",
        "description": "Conflict incidents (ACLED taxonomy) in the covered countries: one point per incident. "
        "Every incident filter of the REST API is a queryable: " + ", ".join(INCIDENT_QUERYABLES) + ".",
    },
    "places": {"title": "Places", "description": "The gazetteer: towns, villages, provinces, districts, bases."},
}


def _url(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(f"ogc:{name}", args=args))


def _link(href: str, rel: str, media_type: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def _with_f(href: str, f: str) -> str:
    return replace_query_param(href, "f", f)


class _HTMLRenderer(BaseRenderer):
    # Lets a browser's Accept header through negotiation; the page itself is rendered by OgcView.answer.
    media_type = "text/html"
    format = "html"


class OgcView(ApiView):
    """JSON (or GeoJSON) unless `?f=html`, or a browser's Accept header asks for HTML before JSON."""

    renderer_classes = [JSONRenderer, GeoJSONRenderer, _HTMLRenderer]
    # Described by its own OpenAPI document (/ogc/api, the landing page's service-desc), not the REST API's.
    schema = None
    # GDAL's OAPIF driver appends the query of the dataset URL (`OAPIF:.../ogc/?country=SY`) to every request it
    # makes, the landing page and collections included: the queryables pass there, unused.
    query_params = frozenset({"f", *INCIDENT_QUERYABLES})
    template = "ogc/page.html"

    def wants_html(self, request) -> bool:
        f = request.query_params.get("f")
        if f:
            if f not in ("json", "html"):
                raise ValidationError({"f": [f"Unknown f {f!r}; use json or html."]})
            return f == "html"
        accept = request.META.get("HTTP_ACCEPT", "")
        html, json = accept.find("text/html"), accept.find("json")
        return html >= 0 and (json < 0 or html < json)

    def answer(self, request, data: dict, *, title: str, media_type: str = "application/json"):
        if self.wants_html(request):
            return render(request, self.template, {"title": title, "data": data, "nav": "api"})
        return Response(data, content_type=media_type)


class LandingView(OgcView):
    def get(self, request):
        here = _url(request, "landing")
        data = {
            "title": "Incident Atlas – OGC API Features",
            "description": "Conflict incidents in Iraq and Syria as OGC API – Features (Part 1 Core, GeoJSON, CRS84).",
            "links": [
                _link(here, "self", "application/json", "This document"),
                _link(_with_f(here, "html"), "alternate", "text/html", "This document as HTML"),
                _link(_url(request, "openapi"), "service-desc", OPENAPI_MEDIA_TYPE, "This API's definition (OpenAPI)"),
                _link(request.build_absolute_uri(reverse("api:docs")), "service-doc", "text/html", "API docs"),
                _link(_url(request, "conformance"), "conformance", "application/json", "Conformance classes"),
                _link(_url(request, "collections"), "data", "application/json", "Collections"),
            ],
        }
        return self.answer(request, data, title=data["title"])


class OpenAPIView(OgcView):
    def get(self, request):
        data = ogc_openapi(server_url=_url(request, "landing"), queryables=INCIDENT_QUERYABLES)
        return Response(data, content_type=OPENAPI_MEDIA_TYPE)


class ConformanceView(OgcView):
    def get(self, request):
        return self.answer(request, {"conformsTo": CONFORMANCE}, title="Conformance")


def _extent(collection: str) -> dict:
    box = Place.objects.aggregate(box=Extent("point"))["box"] or (-180, -90, 180, 90)
    extent = {"spatial": {"bbox": [list(box)], "crs": CRS84}}
    if collection == "incidents":
        # The (date, id) index answers min and max at once; incidents sit on gazetteer points.
        dates = Incident.objects.aggregate(start=Min("date"), end=Max("date"))
        interval = [d.isoformat() + "T00:00:00Z" if d else None for d in (dates["start"], dates["end"])]
        extent["temporal"] = {"interval": [interval], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return extent


def _collection(request, name: str) -> dict:
    items = _url(request, "items", name)
    return {
        "id": name,
        **COLLECTIONS[name],
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": _extent(name),
        "links": [
            _link(_url(request, "collection", name), "self", "application/json", "This collection"),
            _link(items, "items", GEOJSON, "Its features"),
            _link(_with_f(items, "html"), "items", "text/html", "Its features as HTML"),
            *(
                [
                    _link(
                        _url(request, "queryables", name),
                        "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                        "application/schema+json",
                        "Queryables",
                    )
                ]
                if name == "incidents"
                else []
            ),  # fmt: skip
        ],
    }


def _collection_name(name: str) -> str:
    if name not in COLLECTIONS:
        raise NotFound(f"No collection {name!r}; there are {', '.join(COLLECTIONS)}.")
    return name


class CollectionsView(OgcView):
    def get(self, request):
        data = {
            "links": [_link(_url(request, "collections"), "self", "application/json", "This document")],
            "collections": [_collection(request, name) for name in COLLECTIONS],
        }
        return self.answer(request, data, title="Collections")


class CollectionView(OgcView):
    def get(self, request, name: str):
        data = _collection(request, _collection_name(name))
        return self.answer(request, data, title=data["title"])


class QueryablesView(OgcView):
    def get(self, request, name: str):
        if _collection_name(name) != "incidents":
            raise NotFound("Only the incidents collection has queryables.")
        properties = {}
        for filter_name in INCIDENT_QUERYABLES:
            flt = IncidentFilterSet.base_filters[filter_name]
            properties[filter_name] = {"title": filter_name, "description": str(flt.extra.get("help_text", ""))}
        data = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": _url(request, "queryables", name),
            "type": "object",
            "title": "Incidents",
            "properties": properties,
        }
        return self.answer(request, data, title="Queryables", media_type="application/schema+json")


def _limit(request) -> int:
    raw = request.query_params.get("limit") or str(DEFAULT_LIMIT)
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError({"limit": ["Give a whole number from 1; larger than 1,000 pages at 1,000."]})
    # OGC API: a limit above the maximum is not an error; the server pages at its maximum.
    return min(int(raw), MAX_PAGE_SIZE)


def _date(text: str, *, end: bool) -> dt.date | None:
    if text in ("", ".."):
        return None
    try:
        if "T" not in text:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            {"datetime": [f"{text!r} is not an RFC 3339 date-time or date; e.g. 2017-01-01T00:00:00Z/.."]}
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).date()


def datetime_filters(value: str | None) -> dict:
    """OGC's `datetime` (an instant, or an interval `start/end` with `..` or nothing for an open end) as the
    incident filters `date_from` / `date_to`: incidents are dated by the day, so an instant means its day."""
    if not value:
        return {}
    if "/" in value:
        start, end = value.split("/", 1)
        if start in ("", "..") and end in ("", ".."):
            raise ValidationError({"datetime": ["At most one end of an interval may be open."]})
        found = {"date_from": _date(start, end=False), "date_to": _date(end, end=True)}
    else:
        day = _date(value, end=False)
        found = {"date_from": day, "date_to": day}
    return {k: v.isoformat() for k, v in found.items() if v is not None}


def _bbox(request) -> str | None:
    raw = request.query_params.get("bbox")
    if not raw:
        return None
    if request.query_params.get("bbox-crs", CRS84) != CRS84:
        raise ValidationError({"bbox-crs": [f"Only {CRS84} is supported."]})
    try:
        BBoxField().clean(raw)
    except Exception as error:  # a Django ValidationError with the field's message
        raise ValidationError({"bbox": list(getattr(error, "messages", [str(error)]))}) from None
    return raw


def _items_links(request, name: str, next_url: str | None) -> list[dict]:
    here = request.build_absolute_uri()
    links = [
        _link(here, "self", GEOJSON, "This page"),
        _link(_with_f(here, "html"), "alternate", "text/html", "This page as HTML"),
        _link(_url(request, "collection", name), "collection", "application/json", "The collection"),
    ]
    if next_url:
        links.append(_link(next_url, "next", GEOJSON, "The next page"))
    return links


class ItemsView(OgcView):
    template = "ogc/items.html"
    query_params = frozenset(ITEM_PARAMS | set(INCIDENT_QUERYABLES))

    def get(self, request, name: str):
        name = _collection_name(name)
        limit = _limit(request)
        if name == "incidents":
            features, next_url = self._incidents(request, limit)
        else:
            features, next_url = self._places(request, limit)
        data = {
            "type": "FeatureCollection",
            "features": features,
            "numberReturned": len(features),
            "timeStamp": timezone.now().isoformat().replace("+00:00", "Z"),
            "links": _items_links(request, name, next_url),
        }
        return self.answer(request, data, title=COLLECTIONS[name]["title"], media_type=GEOJSON)

    def _incidents(self, request, limit: int):
        params = request.query_params.copy()
        for key in ITEM_PARAMS:
            params.pop(key, None)
        clashing = {"date_from", "date_to"} & set(params) if request.query_params.get("datetime") else set()
        if clashing:
            raise ValidationError({"datetime": [f"Give either datetime or {', '.join(sorted(clashing))}."]})
        params.update(datetime_filters(request.query_params.get("datetime")))
        if bbox := _bbox(request):
            params["bbox"] = bbox
        fs = incident_filterset(_Query(request, params))
        table = Incident._meta.db_table
        paginator = KeysetPaginator(
            request=request, keyset=keysets_for(table)["date"], name="-date", descending=True, page_size=limit
        )
        page = paginator.paginate(
            fs.qs,
            pk_sql=f'"{table}"."id"',
            build_rows=lambda qs: selectors.incident_api_rows(queryset=qs, keys=("date",)),
        )
        base = request.build_absolute_uri(reverse("api:incident-list"))
        return [incident_feature(row, base) for row in page.rows], page.next_url

    def _places(self, request, limit: int):
        qs = Place.objects.all()
        if bbox := _bbox(request):
            from django.contrib.gis.geos import Polygon

            qs = qs.filter(point__bboverlaps=Polygon.from_bbox(tuple(float(v) for v in bbox.split(","))))
        page = name_page(request=request, rows=qs.values("id", "name"), page_size=limit)
        by_id = {p.pk: p for p in Place.objects.filter(pk__in=[r["id"] for r in page.rows])}
        return [_place_feature(by_id[r["id"]]) for r in page.rows], page.next_url


class _Query:
    """The request as the incident filter set reads it, with OGC's parameters translated."""

    def __init__(self, request, params):
        self.query_params = params
        self.user = request.user


def _place_feature(place: Place) -> dict:
    properties = place_row(place)
    properties.pop("longitude"), properties.pop("latitude")
    return {
        "type": "Feature",
        "id": place.pk,
        "geometry": {"type": "Point", "coordinates": [place.point.x, place.point.y]},
        "properties": properties,
    }


class ItemView(OgcView):
    template = "ogc/items.html"

    def get(self, request, name: str, pk: str):
        name = _collection_name(name)
        if name == "places":
            place = Place.objects.filter(pk=path_pk(pk, "place")).first()
            if place is None:
                raise NotFound("No such place.")
            feature = _place_feature(place)
        else:
            qs = selectors.incident_list(filters={}, user=request.user).filter(pk=path_pk(pk, "incident"))
            rows = list(selectors.incident_api_rows(queryset=qs))
            if not rows:
                raise NotFound("No such incident.")
            feature = incident_feature(rows[0], request.build_absolute_uri(reverse("api:incident-list")))
        here = _url(request, "item", name, feature["id"])
        feature["links"] = [
            _link(here, "self", GEOJSON, "This feature"),
            _link(_with_f(here, "html"), "alternate", "text/html", "This feature as HTML"),
            _link(_url(request, "collection", name), "collection", "application/json", "The collection"),
        ]
        data = {"type": "FeatureCollection", "features": [feature], "links": feature["links"]}
        if self.wants_html(request):
            return self.answer(request, data, title=f"{COLLECTIONS[name]['title']} {feature['id']}")
        return Response(feature, content_type=GEOJSON)
