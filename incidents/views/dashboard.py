"""The map dashboard, and the stream that tells open dashboards about new incidents."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import live, selectors
from ..countries import country_name
from .common import dashboard_page, page_config
from .filters import parse_filters


@dashboard_page
def dashboard(request: HttpRequest) -> HttpResponse:
    filters, errors, ignored = parse_filters(request, page_state=True)
    for error in errors:
        messages.warning(request, error)
    place_mode = next((key for key in ("place", "near", "inside") if filters.get(key)), "")
    place = selectors.place_get(pk=filters[place_mode]) if place_mode else None
    initial = {
        **{k: filters.get(k, "") for k in ("actor", "admin1", "min_fatalities", "min_confidence", "q")},
        "date_from": filters["date_from"].isoformat() if filters.get("date_from") else "",
        "date_to": filters["date_to"].isoformat() if filters.get("date_to") else "",
        "event_type": filters.get("event_type", []),
        "sub_event_type": filters.get("sub_event_type", []),
        "status": "verified" if filters.get("status") == ["verified"] else "",
        "place": place.pk if place else "",
        "place_name": selectors.place_label(place) if place else "",
        "place_mode": {"place": "at", "near": "near", "inside": "inside"}.get(place_mode, ""),
        "place_is_area": bool(place and selectors.place_is_area(place)),
        "within_km": f"{filters['within_km']:g}" if filters.get("within_km") else "25",
    }
    config = page_config(
        max_incident_id=selectors.incident_max_id(),
        now=timezone.now().isoformat(),
        poll_seconds=settings.DASHBOARD_POLL_SECONDS,
        # Above this many incidents in view the map shows PostGIS grid clusters instead of single incidents.
        max_individual=settings.DASHBOARD_MAX_INDIVIDUAL,
        # The page drops these from its state, requests and links; `bbox` (minLon,minLat,maxLon,maxLat) sets the view.
        ignored=ignored,
        bbox=list(filters["bbox"]) if filters.get("bbox") else None,
    )
    provinces = [(country_name(c), names) for c, names in selectors.place_provinces()]
    context = {
        "nav": "map",
        "initial": initial,
        "event_types": config["event_types"],
        "provinces": provinces,
        "atlas_config": config,
    }
    return render(request, "incidents/dashboard.html", context)


def live_incidents(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events announcing newly recorded incidents to open dashboards (incidents/live.py)."""
    response = StreamingHttpResponse(live.event_stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # nginx and similar proxies would otherwise buffer the stream until it ends.
    response["X-Accel-Buffering"] = "no"
    return response
