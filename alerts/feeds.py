"""An Atom feed per saved view: the 50 incidents most recently recorded that match it."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from incidents.datefmt import incident_date_label
from incidents.taxonomy import SubEventType
from incidents.wording import country_words

from .selectors import saved_view_by_token, saved_view_incidents

FEED_SIZE = 50


class SavedViewFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, token: str):
        view = saved_view_by_token(token=token)
        if view is None:
            raise Http404("No such feed.")
        return view

    def title(self, view):
        return f"Incident Atlas: {view.name}"

    def subtitle(self, view):
        return "New incidents matching a saved view, most recently recorded first."

    def link(self, view):
        return f"{reverse('incidents:dashboard')}?{view.query}" if view.query else reverse("incidents:dashboard")

    def feed_guid(self, view):
        return f"tag:incident-atlas,2026:saved-view:{view.pk}"

    def items(self, view):
        return list(saved_view_incidents(view=view).order_by("-created_at", "-pk")[:FEED_SIZE])

    def item_title(self, incident):
        where = ", ".join(x for x in (incident.location_name, incident.admin1, country_words(incident.country)) if x)
        toll = f" — {incident.fatalities} killed" if incident.fatalities is not None else ""
        label = SubEventType(incident.sub_event_type).label
        when = incident_date_label(incident.date, incident.date_precision)
        return f"{label} in {where or 'an unknown place'}, {when}{toll}"

    def item_description(self, incident):
        return incident.summary

    def item_link(self, incident):
        return reverse("incidents:incident", args=[incident.pk])

    def item_guid(self, incident):
        return f"tag:incident-atlas,2026:incident:{incident.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, incident):
        return incident.created_at

    def item_updateddate(self, incident):
        return incident.updated_at
