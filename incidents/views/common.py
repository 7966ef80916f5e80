"""What every page shares: the read check, the event types with their colours, and the settings handed to the
page's scripts."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse

from .. import access
from ..api.throttling import dashboard_pass
from ..countries import country_name, covered_countries
from ..taxonomy import SUB_EVENT_TYPES, EventType, SubEventType
from ..wording import role_words

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


def readable(view):
    """Pages obey the API's read setting (incidents.access): without public reading, sign in first."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not access.may_read(request.user):
            return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapper


def dashboard_page(view):
    """A page whose scripts call the API: it obeys the read setting and hands out the dashboard's pass."""
    return readable(dashboard_pass(view))


def found_or_404(found, message: str):
    if found is None:
        raise Http404(message)
    return found


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


def decorate(rows: list[dict]) -> list[dict]:
    """Each incident row with the label and colour of its type, for lists and legends."""
    labels = dict(SubEventType.choices) | dict(EventType.choices)
    colors = {k.value: v for k, v in EVENT_COLORS.items()}
    for row in rows:
        row["label"] = labels.get(row.get("sub_event_type") or row["event_type"], row["event_type"])
        row["color"] = colors.get(row["event_type"], "#555")
    return rows
