"""The filters a page reads from its query string: a bad value is dropped with a message, never a 500."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .. import selectors
from ..api.fields import BBoxField
from ..countries import country_name, covered_countries
from ..models import Incident
from ..taxonomy import EventType, SubEventType


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


def shown(value: str) -> str:
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
            errors.append(f"Ignored {name}={shown(raw)!r}: {' '.join(errs)}")
            ignored.append(name)
        filters.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])})
        if form.non_field_errors():
            for key in ("date_from", "date_to"):
                filters.pop(key, None)
                ignored.append(key)
            errors.append(f"Ignored date_from and date_to: {' '.join(form.non_field_errors())}")
    return filters, errors, ignored
