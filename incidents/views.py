"""Pages: the dashboard, an incident, the newsroom timeline, a place and an actor. Reads go through selectors."""

from __future__ import annotations

import datetime as dt
import functools
import re
from itertools import groupby
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import access, live, selectors, services
from .api.filters import BBoxField
from .api.throttling import dashboard_pass
from .countries import country_name, covered_countries
from .datefmt import incident_date_label
from .links import web_url
from .models import Incident
from .taxonomy import SUB_EVENT_TYPES, EventType, SubEventType
from .wording import country_words, outlet_name, role_words, same_text

API_ROOT = "/api/v1/"
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies, and dark enough on white.
EVENT_COLORS = {
    EventType.BATTLES: "#D55E00",
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: "#E69F00",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "#CC79A7",
    EventType.PROTESTS: "#0072B2",
    EventType.RIOTS: "#56B4E9",
    EventType.STRATEGIC_DEVELOPMENTS: "#009E73",
}
TIMELINE_PAGE = 150


def readable(view):
    """Pages obey the API's read setting (incidents.access): without public reading, sign in first."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not access.may_read(request.user):
            return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapper


def event_types() -> list[dict]:
    return [
        {
            "value": event.value,
            "label": event.label,
            "color": EVENT_COLORS[event],
            "subs": [{"value": sub.value, "label": SubEventType(sub).label} for sub in SUB_EVENT_TYPES[event]],
        }
        for event in EventType
    ]


class CommaMultipleChoiceField(forms.MultipleChoiceField):
    """Accepts `a&a=b` as well as the API's `a,b`, so an API query pasted into the page works too."""

    def to_python(self, value):
        values = super().to_python(value)
        return [part.strip() for v in values for part in v.split(",") if part.strip()]


class IncidentFilterForm(forms.Form):
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    event_type = CommaMultipleChoiceField(required=False, choices=EventType.choices)
    sub_event_type = CommaMultipleChoiceField(required=False, choices=SubEventType.choices)
    actor = forms.CharField(required=False, max_length=200)
    place = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    near = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    within_km = forms.FloatField(required=False, min_value=0.1, max_value=500)
    inside = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    admin1 = forms.CharField(required=False, max_length=120)
    country = CommaMultipleChoiceField(
        required=False, choices=[(code, country_name(code)) for code in covered_countries()]
    )
    min_fatalities = forms.IntegerField(required=False, min_value=0, max_value=10**9)
    min_confidence = forms.FloatField(required=False, min_value=0, max_value=1)
    status = CommaMultipleChoiceField(required=False, choices=Incident.Status.choices)
    q = forms.CharField(required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("inside"):
            area = selectors.place_get(pk=data["inside"])
            if area is None or not selectors.place_is_area(area):
                self.add_error("inside", "That place is not a province or district.")
        for key in ("place", "near"):
            if data.get(key) and selectors.place_get(pk=data[key]) is None:
                self.add_error(key, "No such place.")
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("The start date is after the end date.")
        return data


# The page's own state beside the filters: the timeline selection and the map view.
class PageStateForm(forms.Form):
    sel_from = forms.DateField(required=False)
    sel_to = forms.DateField(required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)
    z = forms.IntegerField(required=False, min_value=0, max_value=19)
    bbox = BBoxField(required=False)


def _shown(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:40]}…"


def parse_filters(request: HttpRequest, *, page_state: bool = False) -> tuple[dict, list[str], list[str]]:
    """Cleaned filters for the selectors, a message naming each value that was dropped (never a 500 on a bad link),
    and the dropped parameter names, which the page leaves out of its requests and links."""
    forms_ = [IncidentFilterForm(request.GET)] + ([PageStateForm(request.GET)] if page_state else [])
    filters, errors, ignored = {}, [], []
    for form in forms_:
        form.is_valid()
        for name, errs in form.errors.items():
            if name == "__all__":
                continue
            raw = ",".join(request.GET.getlist(name))
            errors.append(f"Ignored {name}={_shown(raw)!r}: {' '.join(errs)}")
            ignored.append(name)
        filters.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])})
        if form.non_field_errors():
            for key in ("date_from", "date_to"):
                filters.pop(key, None)
                ignored.append(key)
            errors.append(f"Ignored date_from and date_to: {' '.join(form.non_field_errors())}")
    return filters, errors, ignored


def page_config(**extra) -> dict:
    return {
        "api": {
            "incidents": f"{API_ROOT}incidents/",
            "incident_detail": f"{API_ROOT}incidents/0/",
            "clusters": f"{API_ROOT}incidents/clusters/",
            "timeline": f"{API_ROOT}stats/timeline/",
            "actors": f"{API_ROOT}actors/",
            "places": f"{API_ROOT}places/",
            "summary": f"{API_ROOT}stats/summary/",
            "place_labels": f"{API_ROOT}places/labels/",
        },
        "countries": {code: country_name(code) for code in covered_countries()},
        # The API's role names in words (incidents/wording.py).
        "role_words": {"actor1": role_words(1), "actor2": role_words(2), "associated": role_words(3)},
        "incident_page": reverse("incidents:incident", args=[0]),
        "alerts_new": reverse("alerts:new"),
        "live_url": reverse("incidents:live"),
        "outlines_url": static("geo/outlines.geojson"),
        "event_types": event_types(),
        **extra,
    }


@readable
@dashboard_pass
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


def _sentences(evidence: str) -> list[str]:
    parts = re.split(r"(?:\n+|(?<=[.!?])\s+(?=[A-Z\"'“]))", evidence or "")
    return [p.strip() for p in parts if len(p.strip()) >= 8]


def highlight_segments(text: str, evidence: str) -> tuple[list[tuple[str, bool]], bool]:
    """Splits `text` into (chunk, is_evidence) pieces; the template escapes every chunk.

    Returns the pieces and whether any evidence sentence was found in the text (whitespace and case may differ).
    """
    spans = []
    for sentence in _sentences(evidence):
        pattern = r"\s+".join(re.escape(word) for word in sentence.split())
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            spans.append((match.start(), match.end()))
    if not spans:
        return [(text, False)], False
    spans.sort()
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, cursor = [], 0
    for start, end in merged:
        if start > cursor:
            pieces.append((text[cursor:start], False))
        pieces.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    return pieces, True


@readable
@dashboard_pass
def incident_page(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(pk=pk, user=request.user)
    if incident is None:
        merged_into = selectors.incident_merged_into(pk=pk)
        if merged_into is not None:
            # Links shared before a merge keep working: the report now lives in the incident it joined.
            return redirect("incidents:incident", pk=merged_into, permanent=True)
        raise Http404("No such incident, or it was rejected.")
    sources = []
    for link in incident.source_links.all():
        pieces, found = highlight_segments(link.article.text, link.evidence)
        url = web_url(link.article.url)
        outlet = outlet_name(
            source_name=link.article.source.name if link.article.source_id else "", url=link.article.url
        )
        sources.append(
            {"link": link, "article": link.article, "url": url, "pieces": pieces, "found": found, "outlet": outlet}
        )
    titles = {s["article"].pk: f"“{s['article'].title or s['url'] or 'an article'}”" for s in sources}
    history = selectors.incident_history(incident=incident)
    for entry in history:
        # "extracted from article 17" says nothing to a reader; the article's title does.
        entry["reason"] = re.sub(
            r"extracted from article (\d+)",
            lambda m: f"recorded from {titles.get(int(m.group(1)), 'a source article')}",
            entry["reason"],
        )
    point = incident.point or (incident.place.point if incident.place_id else None)
    config = page_config(
        point=[point.y, point.x] if point else None,
        event_type=incident.event_type,
        fatalities=incident.fatalities,
    )
    when = incident_date_label(incident.date, incident.date_precision)
    where = ", ".join(x for x in (incident.location_name, incident.admin1, country_words(incident.country)) if x)
    toll = (f"{incident.fatalities} killed" if incident.fatalities is not None else "toll not reported") + (
        f", {incident.injured} injured" if incident.injured else ""
    )
    share = {
        "title": f"{incident.get_sub_event_type_display()} in {where or 'an unknown place'}, {when}",
        "description": f"{when} · {where or 'place unknown'} · {toll}. {incident.summary}".strip()[:300],
        "url": request.build_absolute_uri(),
    }
    context = {
        "share": share,
        "incident": incident,
        "event_color": EVENT_COLORS.get(incident.event_type, "#555"),
        "actor_links": list(incident.actor_links.all()),
        "sources": sources,
        # A summary that only repeats a source's evidence is shown once, as that evidence.
        "show_summary": bool(incident.summary.strip())
        and not any(same_text(incident.summary, s["link"].evidence) for s in sources),
        "history": history,
        "can_edit": access.may_curate(request.user),
        "atlas_config": config,
    }
    return render(request, "incidents/incident.html", context)


@require_POST
def incident_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.may_curate(request.user):
        raise PermissionDenied
    incident = selectors.incident_get(pk=pk, user=request.user)
    if incident is None:
        raise Http404
    status = request.POST.get("status", "")
    try:
        changed = services.incident_set_status(incidents=[incident], status=status, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = dict(Incident.Status.choices).get(status, status)
        messages.success(request, f"Marked as {label.lower()}." if changed else f"It was already {label.lower()}.")
    return redirect("incidents:incident", pk=pk)


@readable
@dashboard_pass
def timeline_page(request: HttpRequest) -> HttpResponse:
    filters, errors, _ = parse_filters(request)
    until = None
    if request.GET.get("until"):
        try:
            until = dt.date.fromisoformat(request.GET["until"])
        except ValueError:
            errors.append(f"Ignored until={_shown(request.GET['until'])!r}: not a date (YYYY-MM-DD).")
    rows, next_until = selectors.incident_day_page(filters=filters, user=request.user, until=until, limit=TIMELINE_PAGE)
    # Within a date, the exactly dated first, so that "2015" (a year-precision incident stored as 1 January) is its own
    # heading after "1 January 2015" rather than a day it overstates.
    rows = sorted(rows, key=lambda r: (-r["date"].toordinal(), Incident.DatePrecision.rank(r["date_precision"])))
    days = [
        ({"date": items[0]["date"], "label": label}, items)
        for label, group in groupby(_decorate(rows), key=lambda r: incident_date_label(r["date"], r["date_precision"]))
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


def _decorate(rows: list[dict]) -> list[dict]:
    labels = dict(SubEventType.choices) | dict(EventType.choices)
    colors = {k.value: v for k, v in EVENT_COLORS.items()}
    for row in rows:
        row["label"] = labels.get(row.get("sub_event_type") or row["event_type"], row["event_type"])
        row["color"] = colors.get(row["event_type"], "#555")
    return rows


def _entity_page(
    request: HttpRequest, *, template: str, entity, filter_key: str, extra: dict, context: dict | None = None
) -> HttpResponse:
    filters = {filter_key: entity.pk}
    recent = list(selectors.incident_rows(queryset=selectors.incident_list(filters=filters, user=request.user)[:25]))
    summary = selectors.incident_summary(filters=filters, user=request.user)
    by_type = [{**t, "sub_event_type": None} for t in summary["by_event_type"]]
    context = {
        "recent": _decorate(recent),
        "summary": summary,
        "by_type": _decorate(by_type),
        "dashboard_query": f"{filter_key}={entity.pk}",
        "atlas_config": page_config(
            filter={filter_key: str(entity.pk)}, timeline_page=reverse("incidents:timeline"), **extra
        ),
        **{template.split("/")[-1].removesuffix(".html"): entity},
        **(context or {}),
    }
    return render(request, template, context)


@readable
@dashboard_pass
def place_page(request: HttpRequest, pk: int) -> HttpResponse:
    place = selectors.place_get(pk=pk)
    if place is None:
        raise Http404("No such place.")
    return _entity_page(
        request,
        template="incidents/place.html",
        entity=place,
        filter_key="place",
        extra={"point": [place.point.y, place.point.x]},
        context={"place_kind": selectors.place_kind(place)},
    )


@readable
@dashboard_pass
def actor_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = selectors.actor_get(pk=pk)
    if actor is None:
        raise Http404("No such actor.")
    return _entity_page(request, template="incidents/actor.html", entity=actor, filter_key="actor", extra={})


def live_incidents(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events announcing newly recorded incidents to open dashboards (incidents/live.py)."""
    response = StreamingHttpResponse(live.event_stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # nginx and similar proxies would otherwise buffer the stream until it ends.
    response["X-Accel-Buffering"] = "no"
    return response


def overview_index(request: HttpRequest) -> HttpResponse:
    provinces = [(code, country_name(code), names) for code, names in selectors.place_provinces()]
    return render(request, "incidents/overview_index.html", {"countries": provinces, "nav": "overview"})


def overview_page(request: HttpRequest, country: str, admin1: str | None = None) -> HttpResponse:
    """A country's or a province's overview: incidents and deaths per year and type, top actors, map and timeline."""
    country = country.upper()
    if country not in covered_countries():
        raise Http404("Not a covered country.")
    filters = {"country": [country], **({"admin1": admin1} if admin1 else {})}
    years: dict[int, dict] = {}
    for row in selectors.incident_overview_table(filters=filters, user=request.user):
        year = years.setdefault(row["year"], {"year": row["year"], "types": {}, "count": 0, "fatalities": 0})
        year["types"][row["event_type"]] = row
        year["count"] += row["count"]
        year["fatalities"] += row["fatalities"]
    types = event_types()
    table = [
        {**year, "cells": [year["types"].get(t["value"], {"count": 0, "fatalities": 0}) for t in types]}
        for year in years.values()
    ]
    summary = selectors.incident_summary(filters=filters, user=request.user, top_actors=10)
    recent = list(selectors.incident_rows(queryset=selectors.incident_list(filters=filters, user=request.user)[:10]))
    query = f"country={country}" + (f"&admin1={quote(admin1)}" if admin1 else "")
    title = f"{admin1} province, {country_name(country)}" if admin1 else country_name(country)
    context = {
        "title": title,
        "table": table,
        "types": types,
        "summary": summary,
        "by_type": _decorate([{**t, "sub_event_type": None} for t in summary["by_event_type"]]),
        "recent": _decorate(recent),
        "dashboard_query": query,
        "nav": "overview",
        "atlas_config": page_config(
            filter={"country": country, **({"admin1": admin1} if admin1 else {})},
            timeline_page=reverse("incidents:timeline"),
        ),
    }
    return render(request, "incidents/overview.html", context)
