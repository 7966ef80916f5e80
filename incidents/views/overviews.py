"""Overviews of one filter: a place, an actor, a country or a province, with its totals and latest incidents."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from .. import selectors
from ..countries import country_name, covered_countries
from .common import dashboard_page, decorate, event_types, found_or_404, page_config


def _digest(request: HttpRequest, filters: dict, *, recent: int, top_actors: int | None = None) -> dict:
    """What an overview shows of its filter: the totals (also by type and actor) and the latest incidents."""
    top = {} if top_actors is None else {"top_actors": top_actors}
    summary = selectors.incident_summary(filters=filters, user=request.user, **top)
    rows = list(selectors.incident_rows(queryset=selectors.incident_list(filters=filters, user=request.user)[:recent]))
    return {
        "summary": summary,
        "by_type": decorate([{**t, "sub_event_type": None} for t in summary["by_event_type"]]),
        "recent": decorate(rows),
    }


def _entity_page(
    request: HttpRequest, *, template: str, entity, filter_key: str, extra: dict, context: dict | None = None
) -> HttpResponse:
    context = {
        **_digest(request, {filter_key: entity.pk}, recent=25),
        "dashboard_query": f"{filter_key}={entity.pk}",
        "atlas_config": page_config(
            filter={filter_key: str(entity.pk)}, timeline_page=reverse("incidents:timeline"), **extra
        ),
        **{template.split("/")[-1].removesuffix(".html"): entity},
        **(context or {}),
    }
    return render(request, template, context)


@dashboard_page
def place_page(request: HttpRequest, pk: int) -> HttpResponse:
    place = found_or_404(selectors.place_get(pk=pk), "No such place.")
    return _entity_page(
        request,
        template="incidents/place.html",
        entity=place,
        filter_key="place",
        extra={"point": [place.point.y, place.point.x]},
        context={"place_kind": selectors.place_kind(place)},
    )


@dashboard_page
def actor_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = found_or_404(selectors.actor_get(pk=pk), "No such actor.")
    return _entity_page(request, template="incidents/actor.html", entity=actor, filter_key="actor", extra={})


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
    query = f"country={country}" + (f"&admin1={quote(admin1)}" if admin1 else "")
    title = f"{admin1} province, {country_name(country)}" if admin1 else country_name(country)
    context = {
        "title": title,
        "table": table,
        "types": types,
        **_digest(request, filters, recent=10, top_actors=10),
        "dashboard_query": query,
        "nav": "overview",
        "atlas_config": page_config(
            filter={"country": country, **({"admin1": admin1} if admin1 else {})},
            timeline_page=reverse("incidents:timeline"),
        ),
    }
    return render(request, "incidents/overview.html", context)
