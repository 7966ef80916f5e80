"""Incidents: the list in JSON, GeoJSON and ACLED CSV (paged or streamed), one incident, and the removals mirrors
sync."""

from __future__ import annotations

import csv
import io

import orjson
from django import forms
from django.db import transaction
from django.http import HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from incidents import selectors, services
from incidents.datefmt import incident_date_label
from incidents.models import Incident, IncidentRemoval, Place

from .. import responses as r
from .. import serializers as s
from ..fields import ISODateTimeField
from ..filters import BLANK_FILTERS, FILTER_PARAMS, PAGING_PARAMS, openapi_parameters, parse_params
from ..pagination import KeysetPaginator, keysets_for, page_size_from, removal_keyset
from ..renderers import CSVRenderer, GeoJSONRenderer, JSONRenderer
from .base import ERRORS, ID_PARAM, PAGE_PARAMS, ApiView, incident_filterset, path_pk

INCIDENT_TABLE = Incident._meta.db_table
INCIDENT_KEYSETS = keysets_for(INCIDENT_TABLE)


# `cursor` is taken but not described: it is opaque, and only the `next` links the API writes carry valid ones.
FORMAT_PARAM = OpenApiParameter(
    "format",
    str,
    enum=["json", "geojson", "csv"],
    description="json (default); geojson (also `Accept: application/geo+json`): every match as one streamed "
    "FeatureCollection, or a page with `next` when `page_size`/`limit`/`cursor` is given; csv in ACLED's columns "
    "(also `Accept: text/csv`; streams every match, no paging). Wins over the Accept header.",
)


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


def incident_feature(row: dict, base_url: str) -> dict:
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
            (200, "application/json"): r.IncidentPageSerializer,
            (200, "application/geo+json"): r.IncidentFeatureCollectionSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            **ERRORS,
        },
    )
    def get(self, request):
        fs = incident_filterset(request)
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
            features = [incident_feature(row, base) for row in page.rows]
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
        responses={(200, "application/geo+json"): r.IncidentFeatureCollectionSerializer, **ERRORS},
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
                "role": r.ROLE_NAMES.get(link.role, "associated"),
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
        incident = selectors.incident_get(pk=path_pk(pk, "incident"), user=request.user)
        if incident is None:
            raise NotFound("No such incident.")
        return incident

    @extend_schema(
        operation_id="incidents_retrieve",
        parameters=[ID_PARAM],
        summary="One incident with its actors, every source's evidence, precision and history",
        description="An incident merged into another answers 301 with the other's URL in `Location`.",
        responses={
            200: r.IncidentDetailSerializer,
            301: OpenApiResponse(description="Merged into the incident at `Location`"),
            404: r.ErrorSerializer,
            **ERRORS,
        },
    )
    def get(self, request, pk: str):
        number = path_pk(pk, "incident")
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
        responses={200: r.IncidentDetailSerializer, 404: r.ErrorSerializer, **ERRORS},
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
        responses={200: r.RemovalPageSerializer, **ERRORS},
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
