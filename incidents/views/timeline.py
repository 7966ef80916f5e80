"""The newsroom timeline: incidents day by day, a page of days at a time."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..datefmt import incident_date_label
from ..models import Incident
from .common import dashboard_page, decorate, event_types
from .filters import parse_filters, shown

TIMELINE_PAGE = 150


@dashboard_page
def timeline_page(request: HttpRequest) -> HttpResponse:
    filters, errors, _ = parse_filters(request)
    until = None
    if request.GET.get("until"):
        try:
            until = dt.date.fromisoformat(request.GET["until"])
        except ValueError:
            errors.append(f"Ignored until={shown(request.GET['until'])!r}: not a date (YYYY-MM-DD).")
    rows, next_until = selectors.incident_day_page(filters=filters, user=request.user, until=until, limit=TIMELINE_PAGE)
    # Within a date, the exactly dated first, so that "2015" (a year-precision incident stored as 1 January) is its own
    # heading after "1 January 2015" rather than a day it overstates.
    rows = sorted(rows, key=lambda r: (-r["date"].toordinal(), Incident.DatePrecision.rank(r["date_precision"])))
    days = [
        ({"date": items[0]["date"], "label": label}, items)
        for label, group in groupby(decorate(rows), key=lambda r: incident_date_label(r["date"], r["date_precision"]))
        for items in [list(group)]
    ]
    query = request.GET.copy()
    query.pop("until", None)
    next_query = None
    if next_until:
        query["until"] = next_until.isoformat()
        next_query = query.urlencode()
    dashboard_query = request.GET.copy()
    dashboard_query.pop("until", None)
    context = {
        "nav": "timeline",
        "days": days,
        "errors": errors,
        "filters": filters,
        "next_query": next_query,
        "dashboard_query": dashboard_query.urlencode(),
        "event_types": event_types(),
        "initial": request.GET,
    }
    return render(request, "incidents/timeline.html", context)
