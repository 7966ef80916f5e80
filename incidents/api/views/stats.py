"""Aggregates for the dashboard: map clusters, the timeline and the summary totals."""

from __future__ import annotations

from collections import OrderedDict

from django import forms
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from incidents import selectors
from incidents.http_cache import cached_on_data_version

from .. import responses as r
from ..filters import BLANK_FILTERS, STAT_FILTER_NAMES, openapi_parameters, parse_params
from .base import ERRORS, ApiView, incident_filterset

# The incident filters but the ordering, which an aggregate has no use for.
STAT_FILTER_PARAMS = [p for p in openapi_parameters() if p.name != "ordering"]


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
            *STAT_FILTER_PARAMS,
        ],
        responses={(200, "application/geo+json"): r.ClusterCollectionSerializer, **ERRORS},
    )
    @cached_on_data_version()
    def get(self, request):
        zoom = parse_params(_ClusterForm, request.query_params).get("zoom")
        zoom = 6 if zoom is None else zoom
        fs = incident_filterset(request)
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


class _TimelineForm(forms.Form):
    interval = forms.ChoiceField(
        choices=[(i, i) for i in ("day", "week", "month", "year")],
        required=False,
        error_messages={"invalid_choice": "Unknown interval %(value)s; use day, week, month or year."},
    )


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
        responses={200: r.TimelineSerializer, **ERRORS},
    )
    @cached_on_data_version()
    def get(self, request):
        interval = parse_params(_TimelineForm, request.query_params).get("interval") or "month"
        fs = incident_filterset(request)
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
        responses={200: r.SummarySerializer, **ERRORS},
    )
    @cached_on_data_version()
    def get(self, request):
        fs = incident_filterset(request)
        return Response(selectors.incident_summary(filters=fs.selector_filters(), user=request.user))
