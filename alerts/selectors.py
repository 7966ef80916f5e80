"""Reads for alerts: a saved view's filters and the incidents that match them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict

from incidents.models import Incident
from incidents.selectors import incident_list

from .models import SavedView


def saved_view_filters(*, view: SavedView) -> dict:
    """The view's query string validated like the API's; a value that no longer validates is left out."""
    from incidents.api.filters import IncidentFilterSet

    filterset = IncidentFilterSet(QueryDict(view.query or ""), queryset=Incident.objects.none())
    filterset.is_valid()
    data = {k: v for k, v in filterset.form.cleaned_data.items() if k not in filterset.form.errors}
    data.pop("ordering", None)
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def saved_view_incidents(*, view: SavedView) -> QuerySet[Incident]:
    """The public incidents the view matches, newest first (what anyone may read: feeds need no login)."""
    return incident_list(filters=saved_view_filters(view=view), user=None)


def saved_view_by_token(*, token: str) -> SavedView | None:
    return SavedView.objects.filter(feed_token=token, active=True).first()
