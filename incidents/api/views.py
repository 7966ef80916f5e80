"""REST API v1: thin views that validate the query, call one selector or service, and shape plain dicts."""

from __future__ import annotations

import csv
import io
from collections import OrderedDict

import orjson
from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, transaction
from django.http import Http404, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from incidents import access, selectors, services
from incidents.datefmt import incident_date_label
from incidents.http_cache import cached_on_data_version
from incidents.models import Actor, Article, Incident, IncidentRemoval, Place
from incidents.text import normalize_name

from . import serializers as s
from .filters import (
    BBOX_PATTERN,
    BLANK_FILTERS,
    FILTER_PARAMS,
    LONLAT_PATTERN,
    MAX_BIGINT,
    PAGING_PARAMS,
    STAT_FILTER_NAMES,
    BBoxField,
    IncidentFilterSet,
    ISODateTimeField,
    LonLatField,
    openapi_parameters,
    parse_params,
    reject_blank_params,
    reject_unknown_params,
)
from .pagination import (
    KeysetPaginator,
    created_keyset,
    keysets_for,
    name_keyset,
    page_size_from,
    removal_keyset,
)
from .renderers import CSVRenderer, GeoJSONRenderer, JSONRenderer
from .throttling import has_dashboard_pass

INCIDENT_TABLE = Incident._meta.db_table
INCIDENT_KEYSETS = keysets_for(INCIDENT_TABLE)
CSV_CHUNK_ROWS = 2000


# --- Errors, permissions, throttling --------------------------------------------------------------------------------


def exception_handler(exc, context):
    """DRF's handler, plus: a service's ValidationError is a 400, and errors are always JSON (never CSV)."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, DataError):
        exc = ValidationError({"detail": "A value is out of the range the database can store."})
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        # Django's own 400 page is HTML; an API client gets the reason as JSON like every other error.
        exc = ValidationError({"detail": f"The request body is too large: {exc}"})
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


class ApiPermission(BasePermission):
    """Reading is open when settings.API_PUBLIC_READ, else needs a login or token; writing needs the view's perm."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return access.may_read(request.user)
        perm = getattr(view, "write_permission", None)
        return bool(perm and request.user.is_authenticated and request.user.has_perm(perm))


class _RatesFromSettings:
    # DRF copies the rates at import time; reading them per request lets settings (and tests) change them.
    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_ident(self, request):
        # DRF believes any X-Forwarded-For; only a trusted proxy's counts (incidents.access).
        return access.client_address(request.META)


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    def allow_request(self, request, view):
        # The dashboard's own pages: their own, higher budget (and count), see incidents/api/throttling.py.
        if has_dashboard_pass(request):
            self.scope = "dashboard"
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    def get_cache_key(self, request, view):
        # DRF's user throttle also counts anonymous requests by address, which AnonThrottle already does at its
        # lower rate: two Redis round trips per anonymous request for a limit that never binds first.
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class ArticleSubmitThrottle(_RatesFromSettings, ScopedRateThrottle):
    """A separate, lower budget for submissions, which each cost a fetch and an extraction."""

    scope = "article_submit"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super(ScopedRateThrottle, self).allow_request(request, view)


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is a bad parameter (400 with the choices), not DRF's bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        # An explicit `?format=` wins over the Accept header: GDAL sends `Accept: text/plain, application/json` with
        # every request, and `?format=geojson` must still be GeoJSON (DRF would answer 406).
        if len(renderers) == 1:
            # An export's own path (incidents.geojson, incidents.csv): one format, whatever the client accepts.
            return renderers[0], renderers[0].media_type
        fmt = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        for renderer in renderers if fmt else ():
            if renderer.format == fmt:
                return renderer, renderer.media_type
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            choices = ", ".join(r.format for r in renderers)
            fmt = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
            raise ValidationError({"format": [f"Unknown format {fmt!r}; use one of: {choices}."]}) from None


class ApiView(APIView):
    content_negotiation_class = FormatNegotiation
    renderer_classes = [JSONRenderer]
    permission_classes = [ApiPermission]
    throttle_classes = [AnonThrottle, UserThrottle]
    write_permission: str | None = None
    # The query parameters a GET takes (besides `format` and the caller's own `_...`); any other is a 400.
    query_params: frozenset[str] = frozenset()
    # Those of them that may be empty (free text, lists); any other empty one is a 400.
    blank_params: frozenset[str] = frozenset({"q"})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in SAFE_METHODS:
            reject_unknown_params(request.query_params, self.query_params)
            reject_blank_params(request.query_params, self.blank_params)


# Errors are JSON whatever format was asked for (see exception_handler).
ERRORS = {
    (400, "application/json"): OpenApiResponse(
        OpenApiTypes.OBJECT, description="A bad parameter: one list of messages per parameter"
    ),
    (401, "application/json"): OpenApiResponse(s.ErrorSerializer, description="A token is needed"),
    (403, "application/json"): OpenApiResponse(s.ErrorSerializer, description="Not allowed"),
    (429, "application/json"): OpenApiResponse(
        s.ErrorSerializer, description="Throttled: retry after the Retry-After header"
    ),
}
PAGE_PARAMS = [
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 1000}, description="1-1,000, def. 100"),
    OpenApiParameter(
        "limit", {"type": "integer", "minimum": 1, "maximum": 1000}, description="An alias of `page_size`"
    ),
]
# `cursor` is taken but not described: it is opaque, and only the `next` links the API writes carry valid ones.
FORMAT_PARAM = OpenApiParameter(
    "format",
    str,
    enum=["json", "geojson", "csv"],
    description="json (default); geojson (also `Accept: application/geo+json`): every match as one streamed "
    "FeatureCollection, or a page with `next` when `page_size`/`limit`/`cursor` is given; csv in ACLED's columns "
    "(also `Accept: text/csv`; streams every match, no paging). Wins over the Accept header.",
)


def _pk(value: str, noun: str) -> int:
    # Any path segment reaches the view, so a bad id is the API's JSON 404, not Django's HTML page.
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_BIGINT:
        raise NotFound(f"No such {noun}.")
    return int(value)


ID_PARAM = OpenApiParameter("id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="The id")


def _filterset(request) -> IncidentFilterSet:
    fs = IncidentFilterSet(request.query_params, queryset=Incident.objects.none(), request=request)
    if not fs.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in fs.form.errors.items()})
    return fs


def _estimated_count(queryset) -> int:
    """The planner's row estimate: an exact count(*) over millions of rows costs more than the page itself."""
    plan = orjson.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


# --- Incidents ------------------------------------------------------------------------------------------------------


def _properties(row: dict, base_url: str) -> dict:
    properties = {name: row[key] for name, key in selectors.API_ROW_FIELDS}
    properties["url"] = f"{base_url}{row['id']}/"
    # JSON text from PostgreSQL, embedded by orjson without a decode and re-encode per row.
    properties["actors"] = orjson.Fragment(row["actors_json_text"])
    return properties


def _row(row: dict, base_url: str) -> dict:
    properties = _properties(row, base_url)
    properties["longitude"], properties["latitude"] = row["lon"], row["lat"]
    return properties


def _feature(row: dict, base_url: str) -> dict:
    lon, lat = row["lon"], row["lat"]
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None else None
    return {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": _properties(row, base_url)}


class IncidentListView(ApiView):
    renderer_classes = [JSONRenderer, GeoJSONRenderer, CSVRenderer]
    blank_params = BLANK_FILTERS
    query_params = FILTER_PARAMS | PAGING_PARAMS

    @extend_schema(
        operation_id="incidents_list",
        summary="List incidents (JSON, GeoJSON or ACLED CSV)",
        description="Filters combine with AND. Pages by keyset: follow `next`. For incremental sync, page with "
        "`updated_since=<last sync>&ordering=updated_at`, then apply `/api/v1/incidents/deleted/?since=<last sync>`.",
        parameters=[*openapi_parameters(), *PAGE_PARAMS, FORMAT_PARAM],
        responses={
            (200, "application/json"): s.IncidentPageSerializer,
            (200, "application/geo+json"): s.IncidentFeatureCollectionSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            **ERRORS,
        },
    )
    def get(self, request):
        fs = _filterset(request)
        queryset = fs.qs
        ordering = fs.sort
        if request.accepted_renderer.format == "csv":
            return _acled_csv(queryset, ordering)
        # GeoJSON with a page size or cursor is a page of the list (the dashboard's reads); without, every match.
        if request.accepted_renderer.format == "geojson" and not PAGING_PARAMS & set(request.query_params):
            return _geojson_export(queryset, ordering, request.build_absolute_uri(reverse("api:incident-list")))
        page_size = page_size_from(request)
        name = ordering.lstrip("-")
        paginator = KeysetPaginator(
            request=request,
            keyset=INCIDENT_KEYSETS[name],
            name=ordering,
            descending=ordering.startswith("-"),
            page_size=page_size,
        )
        geojson = request.accepted_renderer.format == "geojson"
        page = paginator.paginate(
            queryset,
            pk_sql=f'"{INCIDENT_TABLE}"."id"',
            build_rows=lambda qs: selectors.incident_api_rows(queryset=qs, keys=(name,)),
        )
        if page.next_url is None and not request.query_params.get("cursor"):
            estimate = len(page.rows)
        else:
            estimate = _estimated_count(queryset)
        base = request.build_absolute_uri(reverse("api:incident-list"))
        if geojson:
            features = [_feature(row, base) for row in page.rows]
            return Response(
                {"type": "FeatureCollection", "features": features, "next": page.next_url, "estimated_count": estimate}
            )
        return Response(
            {"next": page.next_url, "estimated_count": estimate, "results": [_row(r, base) for r in page.rows]}
        )


class IncidentGeoJSONView(IncidentListView):
    """`?format=geojson` of the list under its own path, so that the schema gives it one media type (generated
    clients read only the first type of a response) and GIS tools see a file name."""

    renderer_classes = [GeoJSONRenderer]
    query_params = IncidentListView.query_params - {"format"}

    @extend_schema(
        operation_id="incidents_geojson",
        summary="Incidents as GeoJSON: every match, streamed, or a page with page_size/limit/cursor",
        parameters=[*openapi_parameters(), *PAGE_PARAMS],
        responses={(200, "application/geo+json"): s.IncidentFeatureCollectionSerializer, **ERRORS},
    )
    def get(self, request):
        return super().get(request)


class IncidentCSVView(IncidentListView):
    """`?format=csv` of the list under its own path (see IncidentGeoJSONView)."""

    renderer_classes = [CSVRenderer]
    query_params = FILTER_PARAMS

    @extend_schema(
        operation_id="incidents_csv",
        summary="Incidents in ACLED's 31 CSV columns: every match, streamed",
        parameters=openapi_parameters(),
        responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS},
    )
    def get(self, request):
        return super().get(request)


def _export_order(ordering: str) -> list[str]:
    direction = "DESC" if ordering.startswith("-") else "ASC"
    key = {"date": "i.date", "fatalities": "coalesce(i.fatalities, -1)", "updated_at": "i.updated_at"}
    return [f"{key[ordering.lstrip('-')]} {direction}", f"i.id {direction}"]


def _geojson_export(queryset, ordering: str, base_url: str) -> StreamingHttpResponse:
    chunks = selectors.incident_export_geojson(queryset=queryset, order_by=_export_order(ordering), base_url=base_url)
    response = StreamingHttpResponse((chunk.encode() for chunk in chunks), content_type="application/geo+json")
    response["Content-Disposition"] = 'inline; filename="incidents.geojson"'
    return response


def _acled_csv(queryset, ordering: str) -> StreamingHttpResponse:
    # Lines written by PostgreSQL from the incident's own columns, over a server-side cursor: memory stays flat
    # however many incidents match, and Python only joins strings (no csv module per row).
    chunks = selectors.incident_export_csv(queryset=queryset, order_by=_export_order(ordering))

    def stream():
        buffer = io.StringIO()
        csv.writer(buffer).writerow(selectors.ACLED_COLUMNS)
        header = buffer.getvalue()
        for chunk in chunks:
            yield (header + chunk).encode()
            header = ""
        if header:
            yield header.encode()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    return response


def _place_brief(place: Place | None) -> dict | None:
    if place is None:
        return None
    return {
        "id": place.pk,
        "name": place.name,
        "country": place.country,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "kind": place.kind,
        "longitude": place.point.x,
        "latitude": place.point.y,
    }


def incident_detail_data(incident: Incident, request) -> dict:
    base = request.build_absolute_uri(reverse("api:incident-list"))
    actor_links = list(incident.actor_links.all())
    source_links = list(incident.source_links.all())
    return {
        "id": incident.pk,
        "event_id_cnty": incident.public_id,
        "url": f"{base}{incident.pk}/",
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "date": incident.date,
        "date_precision": incident.date_precision,
        "date_label": incident_date_label(incident.date, incident.date_precision),
        "place_id": incident.place_id,
        "place": _place_brief(incident.place),
        "location_name": incident.location_name,
        "country": incident.country,
        "admin1": incident.admin1,
        "geo_precision": incident.geo_precision,
        "longitude": incident.point.x if incident.point else None,
        "latitude": incident.point.y if incident.point else None,
        "fatalities_low": incident.fatalities_low,
        "fatalities": incident.fatalities,
        "fatalities_high": incident.fatalities_high,
        "injured": incident.injured,
        "missing": incident.missing,
        "status": incident.status,
        "confidence": incident.confidence,
        "confidence_reasons": incident.confidence_reasons,
        "curator_locked": incident.curator_locked,
        "summary": incident.summary,
        "actors": [
            {
                "id": link.actor_id,
                "name": link.actor.name,
                "kind": link.actor.kind,
                "role": s.ROLE_NAMES.get(link.role, "associated"),
            }
            for link in actor_links
        ],
        "source_count": len(source_links),
        "sources": [
            {
                "article_id": link.article_id,
                "url": link.article.url,
                "title": link.article.title,
                "outlet": link.article.source.name if link.article.source else None,
                "published": link.article.published,
                "evidence": link.evidence,
                "added_at": link.created_at,
            }
            for link in source_links
        ],
        "history": selectors.incident_history(incident=incident),
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
    }


class IncidentDetailView(ApiView):
    write_permission = "incidents.change_incident"

    def _get(self, request, pk: str) -> Incident:
        incident = selectors.incident_get(pk=_pk(pk, "incident"), user=request.user)
        if incident is None:
            raise NotFound("No such incident.")
        return incident

    @extend_schema(
        operation_id="incidents_retrieve",
        parameters=[ID_PARAM],
        summary="One incident with its actors, every source's evidence, precision and history",
        description="An incident merged into another answers 301 with the other's URL in `Location`.",
        responses={
            200: s.IncidentDetailSerializer,
            301: OpenApiResponse(description="Merged into the incident at `Location`"),
            404: s.ErrorSerializer,
            **ERRORS,
        },
    )
    def get(self, request, pk: str):
        number = _pk(pk, "incident")
        incident = selectors.incident_get(pk=number, user=request.user)
        if incident is None:
            merged_into = selectors.incident_merged_into(pk=number)
            if merged_into is not None:
                url = reverse("api:incident-detail", args=[merged_into])
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(request.build_absolute_uri(url) + (f"?{query}" if query else ""))
            raise NotFound("No such incident.")
        return Response(incident_detail_data(incident, request))

    @extend_schema(
        operation_id="incidents_partial_update",
        parameters=[ID_PARAM],
        summary="Edit an incident (curators: token with incidents.change_incident)",
        description="Recorded in the incident's history with your user, and locks it against later re-extraction. "
        "`status=rejected` removes it from the public set (it then appears in `deleted/`).",
        request=s.IncidentPatchSerializer,
        responses={200: s.IncidentDetailSerializer, 404: s.ErrorSerializer, **ERRORS},
    )
    def patch(self, request, pk: str):
        incident = self._get(request, pk)
        serializer = s.IncidentPatchSerializer(data=request.data, context={"incident": incident})
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        with transaction.atomic():
            if set(changes) == {"status"}:
                services.incident_set_status(incidents=[incident], status=changes["status"], user=request.user)
            else:
                services.incident_update(incident=incident, user=request.user, **changes)
        return Response(incident_detail_data(self._get(request, pk), request))


class _ClusterForm(forms.Form):
    zoom = forms.IntegerField(min_value=0, max_value=22, required=False)


class IncidentClusterView(ApiView):
    blank_params = BLANK_FILTERS
    query_params = STAT_FILTER_NAMES | {"zoom"}

    @extend_schema(
        operation_id="incidents_clusters",
        summary="Incidents aggregated on a grid for the map at low zoom (GeoJSON)",
        description="Each feature is a grid cell, placed at the centroid of its incidents, with their count, "
        "fatalities and most common event type. The cell is about 64 screen pixels at `zoom`; at most 2,000 "
        "cells, the largest first (`truncated` says when more existed). Takes the incident filters.",
        parameters=[
            OpenApiParameter("zoom", {"type": "integer", "minimum": 0, "maximum": 22}, description="Map zoom, def. 6"),
            *[p for p in openapi_parameters() if p.name != "ordering"],
        ],
        responses={(200, "application/geo+json"): s.ClusterCollectionSerializer, **ERRORS},
    )
    @cached_on_data_version()
    def get(self, request):
        zoom = parse_params(_ClusterForm, request.query_params).get("zoom")
        zoom = 6 if zoom is None else zoom
        fs = _filterset(request)
        cells, truncated = selectors.incident_clusters(
            filters=fs.selector_filters(), user=request.user, zoom=zoom, limit=selectors.CLUSTER_LIMIT
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                "properties": {"count": c["count"], "fatalities": c["fatalities"], "event_type": c["event_type"]},
            }
            for c in cells
        ]
        data = {
            "type": "FeatureCollection",
            "features": features,
            "zoom": zoom,
            "cell_size": selectors.cluster_cell_size(zoom),
            "truncated": truncated,
        }
        return Response(data, content_type="application/geo+json")


class _SinceForm(forms.Form):
    since = ISODateTimeField(required=False)


class IncidentDeletedView(ApiView):
    query_params = PAGING_PARAMS | {"since"}

    @extend_schema(
        operation_id="incidents_deleted",
        summary="Incidents that left the public set (rejected or merged away) since a time, for mirrors",
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="ISO 8601; removals at or after it"),
            *PAGE_PARAMS,
        ],
        responses={200: s.RemovalPageSerializer, **ERRORS},
    )
    def get(self, request):
        since = parse_params(_SinceForm, request.query_params).get("since")
        table = IncidentRemoval._meta.db_table
        paginator = KeysetPaginator(
            request=request,
            keyset=removal_keyset(table),
            name="removed_at",
            descending=False,
            page_size=page_size_from(request),
        )
        rows = selectors.incident_removals(since=since).values(
            "id", "incident_id", "public_id", "reason", "merged_into_id", "merged_into_public_id", "removed_at"
        )
        page = paginator.paginate(rows, pk_sql=f'"{table}"."id"')
        results = [
            {
                "id": r["incident_id"],
                "event_id_cnty": r["public_id"],
                "reason": r["reason"],
                "merged_into": r["merged_into_id"],
                "merged_into_event_id_cnty": r["merged_into_public_id"],
                "removed_at": r["removed_at"],
            }
            for r in page.rows
        ]
        return Response({"next": page.next_url, "results": results})


# --- Aggregates -----------------------------------------------------------------------------------------------------


class _TimelineForm(forms.Form):
    interval = forms.ChoiceField(
        choices=[(i, i) for i in ("day", "week", "month", "year")],
        required=False,
        error_messages={"invalid_choice": "Unknown interval %(value)s; use day, week, month or year."},
    )


STAT_FILTER_PARAMS = [p for p in openapi_parameters() if p.name != "ordering"]


class TimelineView(ApiView):
    blank_params = BLANK_FILTERS
    query_params = STAT_FILTER_NAMES | {"interval"}

    @extend_schema(
        operation_id="stats_timeline",
        summary="Incidents and fatalities per day, week (from Monday) or month, by event type",
        parameters=[
            OpenApiParameter("interval", str, enum=["day", "week", "month", "year"], description="def. month"),
            *STAT_FILTER_PARAMS,
        ],
        responses={200: s.TimelineSerializer, **ERRORS},
    )
    @cached_on_data_version()
    def get(self, request):
        interval = parse_params(_TimelineForm, request.query_params).get("interval") or "month"
        fs = _filterset(request)
        rows = selectors.incident_timeline(filters=fs.selector_filters(), user=request.user, interval=interval)
        buckets: OrderedDict = OrderedDict()
        for row in rows:
            bucket = buckets.setdefault(
                row["bucket"], {"start": row["bucket"], "count": 0, "fatalities": 0, "by_event_type": []}
            )
            bucket["count"] += row["count"]
            bucket["fatalities"] += row["fatalities"]
            bucket["by_event_type"].append(
                {"event_type": row["event_type"], "count": row["count"], "fatalities": row["fatalities"]}
            )
        return Response({"interval": interval, "buckets": list(buckets.values())})


class SummaryView(ApiView):
    blank_params = BLANK_FILTERS
    query_params = STAT_FILTER_NAMES

    @extend_schema(
        operation_id="stats_summary",
        summary="Totals for the filter: overall, by event type, by country and for the 25 most active actors",
        parameters=STAT_FILTER_PARAMS,
        responses={200: s.SummarySerializer, **ERRORS},
    )
    @cached_on_data_version()
    def get(self, request):
        fs = _filterset(request)
        return Response(selectors.incident_summary(filters=fs.selector_filters(), user=request.user))


# --- Places, actors, sources ------------------------------------------------------------------------------------------


class _PlaceForm(forms.Form):
    q = forms.CharField(max_length=200, required=False)
    near = LonLatField(required=False)
    km = forms.FloatField(min_value=0, max_value=1000, required=False)
    country = forms.CharField(max_length=2, min_length=2, required=False)


def _place_row(place: Place) -> dict:
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
        responses={200: s.PlacePageSerializer, **ERRORS},
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
                {"next": None, "results": [_place_row(p) for p in found if not country or p.country == country]}
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
            return Response({"next": None, "results": [_place_row(p) for p in places]})
        paginator = KeysetPaginator(
            request=request,
            keyset=name_keyset(Place._meta.db_table),
            name="name",
            descending=False,
            page_size=page_size,
        )
        page = paginator.paginate(qs.values("id", "name"), pk_sql=f'"{Place._meta.db_table}"."id"')
        by_id = {p.pk: p for p in Place.objects.filter(pk__in=[r["id"] for r in page.rows])}
        return Response({"next": page.next_url, "results": [_place_row(by_id[r["id"]]) for r in page.rows]})


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
        responses={200: s.PlaceSerializer, 404: s.ErrorSerializer, **ERRORS},
    )
    def get(self, request, pk: str):
        place = Place.objects.filter(pk=_pk(pk, "place")).first()
        if place is None:
            raise NotFound("No such place.")
        return Response(_place_row(place))


class _QForm(forms.Form):
    q = forms.CharField(max_length=200, required=False)


ACTOR_FIELDS = ("id", "name", "kind", "aliases", "parent_id")


class ActorListView(ApiView):
    query_params = PAGING_PARAMS | {"q"}

    @extend_schema(
        operation_id="actors_list",
        summary="Actors, searchable by any alias (`Daesh`, `PMU`, `League of the Righteous`)",
        parameters=[OpenApiParameter("q", str, description="A name, alias or part of a name"), *PAGE_PARAMS],
        responses={200: s.ActorPageSerializer, **ERRORS},
    )
    def get(self, request):
        q = parse_params(_QForm, request.query_params).get("q") or ""
        paginator = KeysetPaginator(
            request=request,
            keyset=name_keyset(Actor._meta.db_table),
            name="name",
            descending=False,
            page_size=page_size_from(request),
        )
        page = paginator.paginate(
            selectors.actor_list(q=q).values(*ACTOR_FIELDS), pk_sql=f'"{Actor._meta.db_table}"."id"'
        )
        return Response({"next": page.next_url, "results": page.rows})


class ActorDetailView(ApiView):
    @extend_schema(
        operation_id="actors_retrieve",
        parameters=[ID_PARAM],
        responses={200: s.ActorSerializer, 404: s.ErrorSerializer, **ERRORS},
    )
    def get(self, request, pk: str):
        row = Actor.objects.filter(pk=_pk(pk, "actor")).values(*ACTOR_FIELDS).first()
        if row is None:
            raise NotFound("No such actor.")
        return Response(row)


SOURCE_FIELDS = (
    "id",
    "name",
    "url",
    "kind",
    "active",
    "poll_interval_minutes",
    "last_polled_at",
    "last_success_at",
    "error_count",
)


class SourceListView(ApiView):
    query_params = PAGING_PARAMS

    @extend_schema(
        operation_id="sources_list",
        summary="The feeds and sites that are polled",
        parameters=PAGE_PARAMS,
        responses={200: s.SourcePageSerializer, **ERRORS},
    )
    def get(self, request):
        paginator = KeysetPaginator(
            request=request,
            keyset=name_keyset("incidents_source"),
            name="name",
            descending=False,
            page_size=page_size_from(request),
        )
        page = paginator.paginate(selectors.source_list().values(*SOURCE_FIELDS), pk_sql='"incidents_source"."id"')
        if not access.sees_internals(request.user):
            for row in page.rows:
                row["url"] = None  # feeds may be internal addresses (FETCH_ALLOWED_HOSTS)
        return Response({"next": page.next_url, "results": page.rows})


# --- Articles -------------------------------------------------------------------------------------------------------


def _article_row(article: Article, request) -> dict:
    # A processed article's URL is public evidence (its incidents cite it); the URL of one not read, or refused, is
    # an ingest internal.
    public_url = article.status in (Article.Status.PROCESSED, Article.Status.DUPLICATE) or access.sees_internals(
        request.user
    )
    return {
        "id": article.pk,
        "url": article.url if public_url else None,
        "title": article.title,
        "status": article.status,
        "published": article.published,
        "source": article.source.name if article.source_id else None,
        "created_at": article.created_at,
        "status_url": request.build_absolute_uri(reverse("api:article-detail", args=[article.pk])),
    }


class _ArticleListForm(forms.Form):
    status = forms.ChoiceField(choices=[("", ""), *Article.Status.choices], required=False)


class ArticleListView(ApiView):
    query_params = PAGING_PARAMS | {"status"}

    write_permission = "incidents.add_article"
    throttle_classes = [AnonThrottle, UserThrottle, ArticleSubmitThrottle]

    @extend_schema(
        operation_id="articles_list",
        summary="Articles, newest first",
        parameters=[
            OpenApiParameter("status", str, enum=Article.Status.values, description="Only articles in this state"),
            *PAGE_PARAMS,
        ],
        responses={200: s.ArticlePageSerializer, **ERRORS},
    )
    def get(self, request):
        status = parse_params(_ArticleListForm, request.query_params).get("status") or ""
        table = Article._meta.db_table
        paginator = KeysetPaginator(
            request=request,
            keyset=created_keyset(table),
            name="-created_at",
            descending=True,
            page_size=page_size_from(request),
        )
        page = paginator.paginate(
            selectors.article_list(status=status).values("id", "created_at"), pk_sql=f'"{table}"."id"'
        )
        by_id = {a.pk: a for a in Article.objects.select_related("source").filter(pk__in=[r["id"] for r in page.rows])}
        return Response({"next": page.next_url, "results": [_article_row(by_id[r["id"]], request) for r in page.rows]})

    @extend_schema(
        operation_id="articles_create",
        summary="Submit an article (URL or text) for ingest: token with incidents.add_article",
        description="Returns 202 at once; the article is fetched (if only a URL was given), read and merged by a "
        "worker. Poll `status_url` until `status` is `processed` or `failed`; it lists the incidents found. The same "
        "URL or text again returns the article already stored.",
        request=s.ArticleSubmitSerializer,
        responses={202: s.ArticleDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample("By URL", value={"url": "https://example.org/news/attack-near-kirkuk"}, request_only=True),
            OpenApiExample(
                "By text",
                value={"title": "Attack near Kirkuk", "text": "Militants attacked a checkpoint near Kirkuk on Monday."},
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        serializer = s.ArticleSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = services.article_submit(user=request.user, **serializer.validated_data)
        article = selectors.article_get(pk=article.pk)
        data = _article_detail(article, request)
        return Response(data, status=http.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


def _article_detail(article: Article, request) -> dict:
    base = request.build_absolute_uri(reverse("api:incident-list"))
    incidents = selectors.article_incidents(article=article, user=request.user).values(
        "id", "event_type", "sub_event_type", "date", "location_name", "fatalities", "status"
    )
    return {
        **_article_row(article, request),
        "error": article.error if access.sees_internals(request.user) else "",
        "duplicate_of": (
            {
                "id": article.duplicate_of_id,
                "status_url": request.build_absolute_uri(reverse("api:article-detail", args=[article.duplicate_of_id])),
            }
            if article.duplicate_of_id
            else None
        ),
        "attempts": article.attempts,
        "fetched_at": article.fetched_at,
        "processed_at": article.processed_at,
        "incidents": [{**row, "url": f"{base}{row['id']}/"} for row in incidents],
    }


class ArticleDetailView(ApiView):
    @extend_schema(
        operation_id="articles_retrieve",
        parameters=[ID_PARAM],
        summary="An article's ingest status, error and the incidents it produced",
        responses={200: s.ArticleDetailSerializer, 404: s.ErrorSerializer, **ERRORS},
    )
    def get(self, request, pk: str):
        article = selectors.article_get(pk=_pk(pk, "article"))
        if article is None:
            raise NotFound("No such article.")
        return Response(_article_detail(article, request))
