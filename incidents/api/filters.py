"""Query-string validation for the incident filters: one clear message per bad parameter, then the selector filters."""

from __future__ import annotations

import django_filters
import pycountry
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from incidents.models import Incident
from incidents.selectors import incident_list
from incidents.taxonomy import EventType, SubEventType

from .fields import (
    EMPTY_MESSAGE,
    MAX_BIGINT,
    MAX_INT,
    BBoxField,
    ChoiceListField,
    CountryListField,
    ISODateField,
    ISODateTimeField,
    NearField,
)

ORDERINGS = ("-date", "date", "-fatalities", "fatalities", "-updated_at", "updated_at")


class IncidentFilterForm(forms.Form):
    """Checks that the places named by `near` and `inside` exist, and that `inside` names an area."""

    def clean(self):
        from incidents.selectors import place_get, place_is_area

        data = super().clean()
        near, inside = data.get("near"), data.get("inside")
        if isinstance(near, int) and place_get(pk=near) is None:
            self.add_error("near", f"No place has the id {near}.")
        if inside:
            area = place_get(pk=inside)
            if area is None:
                self.add_error("inside", f"No place has the id {inside}.")
            elif not place_is_area(area):
                self.add_error("inside", f"{area.name} is not a province or district; use near={inside} or place.")
        if data.get("within_km") is not None and near is None and "near" not in self.errors:
            self.add_error("within_km", "within_km needs near (a place id or lon,lat).")
        return data


# What the schema lists: ISO alpha-2 codes and short names (the field also takes alpha-3 codes and official names).
# A name with a comma ("Virgin Islands, U.S.") cannot be one item of a comma-separated list.
COUNTRY_SCHEMA_ENUM = sorted(
    {c.alpha_2 for c in pycountry.countries}
    | {n for c in pycountry.countries if "," not in (n := getattr(c, "common_name", None) or c.name)}
)


class _MultiValueWidget(forms.TextInput):
    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
            return ",".join(values) if values else None
        return data.get(name)


class _ListFilter(django_filters.Filter):
    """Reads every repetition of the parameter, so `?event_type=a&event_type=b` equals `?event_type=a,b`."""

    field_class = ChoiceListField

    def __init__(self, *args, schema_enum=None, **kwargs):
        self.schema_enum = schema_enum
        kwargs.setdefault("widget", _MultiValueWidget)
        super().__init__(*args, **kwargs)


class _CountryFilter(_ListFilter):
    field_class = CountryListField


def _field_filter(field_class):
    return type(f"{field_class.__name__}Filter", (django_filters.Filter,), {"field_class": field_class})


BBoxFilter = _field_filter(BBoxField)
DateFilter = _field_filter(ISODateField)
NearFilter = _field_filter(NearField)
FloatFilter = _field_filter(forms.FloatField)
DateTimeFilter = _field_filter(ISODateTimeField)
IntFilter = _field_filter(forms.IntegerField)


class IncidentFilterSet(django_filters.FilterSet):
    """Validates the incident query string; `filter_queryset` hands the cleaned values to incidents.selectors."""

    bbox = BBoxFilter(help_text="minLon,minLat,maxLon,maxLat in WGS 84 degrees, e.g. `42.0,35.0,45.0,37.0`.")
    date_from = DateFilter(help_text="Incidents on or after this date, `YYYY-MM-DD`.")
    date_to = DateFilter(help_text="Incidents on or before this date, `YYYY-MM-DD`.")
    event_type = _ListFilter(
        choices=EventType.choices,
        noun="event type",
        schema_enum=EventType.values,
        help_text="ACLED event types, comma-separated or repeated, e.g. `battles,riots`.",
    )
    sub_event_type = _ListFilter(
        choices=SubEventType.choices,
        noun="sub-event type",
        schema_enum=SubEventType.values,
        help_text="ACLED sub-event types, comma-separated or repeated, e.g. `air_drone_strike`.",
    )
    actor = django_filters.CharFilter(
        max_length=200,
        help_text="An actor id, or any name or alias (`ISIS`, `Daesh`, `Hashd al-Shaabi`); groups under an umbrella "
        "organisation are included.",
    )
    place = IntFilter(
        min_value=1, max_value=MAX_BIGINT, help_text="At exactly this place: a place id (see `/api/v1/places/`)."
    )
    near = NearFilter(
        help_text="Within `within_km` of a place: a place id, or lon,lat (e.g. `44.39,35.47`). Incidents with no "
        "map point are never near anything."
    )
    within_km = FloatFilter(
        min_value=0.1, max_value=500, help_text="Radius for `near` in kilometres (default 25, at most 500)."
    )
    inside = IntFilter(
        min_value=1,
        max_value=MAX_BIGINT,
        help_text="Inside a province or district: its place id. A province counts every incident recorded in it, "
        "placeless ones too; a district those at places of that district.",
    )
    country = _CountryFilter(help_text="ISO 3166-1 alpha-2 codes or names, comma-separated, e.g. `IQ,SY`.")
    admin1 = django_filters.CharFilter(max_length=120, help_text="Province (admin1) exactly as written, e.g. `Kirkuk`.")
    min_fatalities = IntFilter(min_value=0, max_value=MAX_INT, help_text="At least this many fatalities (best).")
    min_confidence = FloatFilter(
        min_value=0,
        max_value=1,
        help_text="Hide extracted incidents less sure than this (0-1, see `confidence`); incidents a person entered "
        "have no confidence and always pass.",
    )
    status = _ListFilter(
        choices=Incident.Status.choices,
        noun="status",
        schema_enum=Incident.Status.values,
        help_text="Review status, comma-separated. `rejected` is shown to editors only; the default is "
        "`unreviewed,verified`.",
    )
    q = django_filters.CharFilter(
        max_length=500,
        help_text='Full-text search over summary and evidence (web-search syntax: `"car bomb" -protest`).',
    )
    updated_since = DateTimeFilter(
        help_text="Only incidents created or changed at or after this ISO 8601 time (incremental sync; pair with "
        "`ordering=updated_at` and `/api/v1/incidents/deleted/`).",
    )
    placeless = django_filters.ChoiceFilter(
        choices=[("include", "include"), ("only", "only")],
        help_text="Incidents with no map point (known only to their province or country): `include` lets them "
        "through a `bbox` (a list that reconciles with the timeline), `only` returns just them.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(o, o) for o in ORDERINGS],
        empty_label=None,
        help_text="Sort key, `-` for descending: date (default `-date`), fatalities or updated_at.",
    )

    class Meta:
        model = Incident
        fields: list[str] = []
        form = IncidentFilterForm

    def selector_filters(self) -> dict:
        data = dict(self.form.cleaned_data)
        data.pop("ordering", None)
        return {k: v for k, v in data.items() if v not in (None, "", [])}

    @property
    def sort(self) -> str:
        return self.form.cleaned_data.get("ordering") or "-date"

    def filter_queryset(self, queryset):
        return incident_list(filters=self.selector_filters(), user=getattr(self.request, "user", None))


_LAT = r"-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
_LON = r"-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)"
# The shape and ranges of a bbox; that each minimum is not above its maximum OpenAPI cannot say (the description does).
BBOX_PATTERN = f"^{_LON},{_LAT},{_LON},{_LAT}$"
LONLAT_PATTERN = f"^{_LON},{_LAT}$"
_SCHEMA_TYPES = {
    BBoxFilter: {"type": "string", "pattern": BBOX_PATTERN},
    FloatFilter: OpenApiTypes.NUMBER,
    DateFilter: OpenApiTypes.DATE,
    DateTimeFilter: OpenApiTypes.DATETIME,
    IntFilter: OpenApiTypes.INT,
}


# `near`: a place id, or lon,lat (NearField).
NEAR_PATTERN = (
    r"^(?:[0-9]{1,18}|-?(?:180(?:\.0+)?|1[0-7][0-9](?:\.[0-9]+)?|[0-9]{1,2}(?:\.[0-9]+)?),"
    r"-?(?:90(?:\.0+)?|[0-8]?[0-9](?:\.[0-9]+)?))$"
)


def openapi_parameters(filterset_class=IncidentFilterSet) -> list[OpenApiParameter]:
    """OpenAPI query parameters for a filter set, with the formats given in its help texts."""
    params = []
    for name, flt in filterset_class.base_filters.items():
        description = str(flt.extra.get("help_text", ""))
        if isinstance(flt, _ListFilter):
            items = {"type": "string"}
            if flt.schema_enum:
                items["enum"] = list(flt.schema_enum)
            elif isinstance(flt, _CountryFilter):
                items["enum"] = COUNTRY_SCHEMA_ENUM
            params.append(
                OpenApiParameter(
                    name,
                    {"type": "array", "items": items},
                    description=description,
                    style="form",
                    explode=False,
                )
            )
        elif isinstance(flt, django_filters.ChoiceFilter):
            params.append(
                OpenApiParameter(name, str, description=description, enum=[c for c, _ in flt.extra["choices"]])
            )
        elif isinstance(flt, IntFilter):
            schema = {"type": "integer", "minimum": flt.extra.get("min_value", 0)}
            if "max_value" in flt.extra:
                schema["maximum"] = flt.extra["max_value"]
            params.append(OpenApiParameter(name, schema, description=description))
        else:
            kind = _SCHEMA_TYPES.get(type(flt), OpenApiTypes.STR)
            if kind == OpenApiTypes.NUMBER:
                kind = {"type": "number"}
                for bound, key in (("min_value", "minimum"), ("max_value", "maximum")):
                    if bound in flt.extra:
                        kind[key] = flt.extra[bound]
            elif name == "near":
                kind = {"type": "string", "pattern": NEAR_PATTERN}
            elif kind == OpenApiTypes.STR and name not in BLANK_FILTERS:
                kind = {"type": "string", "minLength": 1}  # an empty value is a 400 (reject_blank_params)
            params.append(OpenApiParameter(name, kind, description=description))
    return params


PAGING_PARAMS = frozenset({"page_size", "limit", "cursor"})
FILTER_PARAMS = frozenset(IncidentFilterSet.base_filters)
STAT_FILTER_NAMES = FILTER_PARAMS - {"ordering"}


# Parameters whose schema allows an empty value (free text; lists, where empty is the empty list).
BLANK_FILTERS = frozenset({"q", "actor", "admin1", "event_type", "sub_event_type", "status", "country"})


def reject_blank_params(params, blank_ok: frozenset[str]) -> None:
    """An empty value (`?date_to=`, `?min_fatalities=`) is a 400 unless the parameter is free text or a list: it used
    to mean "no filter" silently, and the schema says a date, a number or a choice."""
    from rest_framework.exceptions import ValidationError

    blank = sorted(
        k for k in params if k not in blank_ok and not k.startswith("_") and not "".join(params.getlist(k)).strip()
    )
    if blank:
        raise ValidationError({name: [EMPTY_MESSAGE] for name in blank})


def reject_unknown_params(params, allowed: frozenset[str]) -> None:
    """A 400 naming every parameter the endpoint does not take (it used to be ignored, so a typo or another tool's
    `StartDate` returned everything). `format` is always taken; a name starting with `_` is the caller's own (a
    cache-buster such as jQuery's `_=1700000000`) and is ignored."""
    from rest_framework.exceptions import ValidationError

    unknown = sorted(k for k in params if k not in allowed and k != "format" and not k.startswith("_"))
    if unknown:
        takes = ", ".join(sorted(allowed | {"format"}))
        message = f"Unknown parameter. This endpoint takes: {takes}. Prefix a parameter of your own with _ to pass it."
        raise ValidationError({name: [message] for name in unknown})


def bad_params(form: forms.Form):
    """The 400 for a form of query parameters that did not validate: the messages of each bad parameter."""
    from rest_framework.exceptions import ValidationError

    return ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})


def parse_params(form_class: type[forms.Form], data) -> dict:
    """Validate a small parameter form; raise a 400 with one message per bad parameter."""
    form = form_class(data)
    if not form.is_valid():
        raise bad_params(form)
    return form.cleaned_data
