"""The gazetteer: search by any spelling or distance, map labels, one place."""

from __future__ import annotations

from django import forms
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from incidents import selectors
from incidents.models import Place
from incidents.text import normalize_name

from .. import responses as r
from ..fields import BBoxField, LonLatField
from ..filters import BBOX_PATTERN, LONLAT_PATTERN, PAGING_PARAMS, parse_params
from ..pagination import name_page, page_size_from
from .base import ERRORS, ID_PARAM, PAGE_PARAMS, ApiView, path_pk


class _PlaceForm(forms.Form):
    q = forms.CharField(max_length=200, required=False)
    near = LonLatField(required=False)
    km = forms.FloatField(min_value=0, max_value=1000, required=False)
    country = forms.CharField(max_length=2, min_length=2, required=False)


def place_row(place: Place) -> dict:
    row = {
        "id": place.pk,
        "name": place.name,
        "ascii_name": place.ascii_name,
        "alternate_names": place.alternate_names,
        "country": place.country,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "kind": place.kind,
        "feature_code": place.feature_code,
        "population": place.population,
        "longitude": place.point.x,
        "latitude": place.point.y,
        "kind_label": selectors.place_kind(place),
        "label": selectors.place_label(place),
        "is_area": selectors.place_is_area(place),
    }
    distance = getattr(place, "distance", None)
    if distance is not None:
        row["distance_km"] = round(distance.km, 3)
    return row


class PlaceListView(ApiView):
    query_params = PAGING_PARAMS | {"q", "near", "km", "country"}

    @extend_schema(
        operation_id="places_list",
        summary="Gazetteer places: search by any spelling, or the nearest to a point",
        parameters=[
            OpenApiParameter("q", str, description="Any spelling: `Arbil`, `Hawler` and `Erbil` find the same city"),
            OpenApiParameter(
                "near",
                {"type": "string", "pattern": LONLAT_PATTERN},
                description="lon,lat, e.g. `44.01,36.19`: the nearest places first",
            ),
            OpenApiParameter(
                "km", {"type": "number", "minimum": 0, "maximum": 1000}, description="Radius with `near`, def. 25"
            ),
            OpenApiParameter(
                "country", {"type": "string", "minLength": 2, "maxLength": 2}, description="ISO code, e.g. `IQ`"
            ),
            *PAGE_PARAMS,
        ],
        responses={200: r.PlacePageSerializer, **ERRORS},
    )
    def get(self, request):
        params = parse_params(_PlaceForm, request.query_params)
        page_size = page_size_from(request)
        qs = Place.objects.all()
        if params.get("country"):
            qs = qs.filter(country=params["country"].upper())
        if params.get("q") and not params.get("near"):
            # Ranked by population and match (the gazetteer's own search), so a single page, no cursor.
            found = selectors.place_suggestions(q=params["q"], limit=page_size)
            country = (params.get("country") or "").upper()
            return Response(
                {"next": None, "results": [place_row(p) for p in found if not country or p.country == country]}
            )
        if params.get("q"):
            name = normalize_name(params["q"])
            qs = qs.filter(search_names__contains=[name]) if name else qs.none()
        if params.get("near"):
            # Ranked by distance, so a single page of the nearest (no cursor).
            point = Point(*params["near"], srid=4326)
            km = params.get("km") if params.get("km") is not None else 25
            places = list(
                qs.filter(point__distance_lte=(point, D(km=km)))
                .annotate(distance=_distance(point))
                .order_by("distance", "pk")[:page_size]
            )
            return Response({"next": None, "results": [place_row(p) for p in places]})
        page = name_page(request=request, rows=qs.values("id", "name"), page_size=page_size)
        by_id = {p.pk: p for p in Place.objects.filter(pk__in=[r["id"] for r in page.rows])}
        return Response({"next": page.next_url, "results": [place_row(by_id[r["id"]]) for r in page.rows]})


def _distance(point: Point):
    from django.contrib.gis.db.models.functions import Distance

    return Distance("point", point)


class _LabelForm(forms.Form):
    bbox = BBoxField(required=True)
    zoom = forms.IntegerField(min_value=0, max_value=22)


class PlaceLabelView(ApiView):
    query_params = frozenset({"bbox", "zoom"})

    @extend_schema(
        operation_id="places_labels",
        summary="Place names for an offline base map: provinces, then cities, towns and villages as the zoom grows",
        parameters=[
            OpenApiParameter(
                "bbox",
                {"type": "string", "pattern": BBOX_PATTERN},
                required=True,
                description="minLon,minLat,maxLon,maxLat",
            ),
            OpenApiParameter("zoom", {"type": "integer", "minimum": 0, "maximum": 22}, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request):
        params = parse_params(_LabelForm, request.query_params)
        labels = selectors.place_labels(bbox=params["bbox"], zoom=params["zoom"])
        response = Response({"labels": labels})
        # The gazetteer changes rarely: browsers may keep labels for an hour.
        response["Cache-Control"] = "public, max-age=3600"
        return response


class PlaceDetailView(ApiView):
    @extend_schema(
        operation_id="places_retrieve",
        parameters=[ID_PARAM],
        responses={200: r.PlaceSerializer, 404: r.ErrorSerializer, **ERRORS},
    )
    def get(self, request, pk: str):
        place = Place.objects.filter(pk=path_pk(pk, "place")).first()
        if place is None:
            raise NotFound("No such place.")
        return Response(place_row(place))
