"""Form fields for query-string values: a bounding box, a point, a place or a point, ISO dates and times, lists of
choices and of countries. Each says in its message what it expected, with an example."""

from __future__ import annotations

import datetime as dt
import math

import pycountry
from django import forms
from django.utils import timezone

# The largest values PostgreSQL stores in an integer and a bigint column.
MAX_INT = 2**31 - 1
MAX_BIGINT = 2**63 - 1
# Spellings that pycountry does not know as such.
COUNTRY_ALIASES = {"syria": "SY", "iraq": "IQ", "kurdistan": "IQ"}


class BBoxField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = [p.strip() for p in value.split(",")]
        if len(parts) != 4:
            raise forms.ValidationError(
                f"Give 4 comma-separated numbers minLon,minLat,maxLon,maxLat (e.g. 42.0,35.0,45.0,37.0); "
                f"got {len(parts)}."
            )
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise forms.ValidationError("Every bbox value must be a number, e.g. 42.0,35.0,45.0,37.0.") from None
        if not all(math.isfinite(n) for n in numbers):
            raise forms.ValidationError("bbox values must be finite numbers.")
        min_lon, min_lat, max_lon, max_lat = numbers
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise forms.ValidationError("Longitudes must be between -180 and 180.")
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise forms.ValidationError("Latitudes must be between -90 and 90.")
        if min_lon > max_lon or min_lat > max_lat:
            raise forms.ValidationError("The minimum must not exceed the maximum (minLon,minLat,maxLon,maxLat).")
        return (min_lon, min_lat, max_lon, max_lat)


class LonLatField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = [p.strip() for p in value.split(",")]
        try:
            lon, lat = (float(p) for p in parts)
        except ValueError:
            raise forms.ValidationError("Give lon,lat as two numbers, e.g. 44.01,36.19.") from None
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise forms.ValidationError("lon must be within -180..180 and lat within -90..90.")
        return (lon, lat)


EMPTY_MESSAGE = "Empty; give a value or leave the parameter out."


def not_blank(value):
    # Absent is None; present but empty ("?date_to=") used to be ignored silently, returning everything.
    if value == "" or (isinstance(value, str) and not value.strip()):
        raise forms.ValidationError(EMPTY_MESSAGE)


class NearField(forms.CharField):
    """A place id, or lon,lat."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if value.isdigit() and len(value) < 19:
            return int(value)
        if "," in value:
            return LonLatField().to_python(value)
        raise forms.ValidationError("Give a place id (see /api/v1/places/) or lon,lat, e.g. 44.39,35.47.")


class _ISOField(forms.CharField):
    """An ISO 8601 value: absent is None, present but empty is an error, anything else goes to `parse`."""

    def to_python(self, value):
        not_blank(value)
        value = super().to_python(value)
        return self.parse(value) if value else None

    def parse(self, value: str):
        raise NotImplementedError


class ISODateField(_ISOField):
    def parse(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(f"{value!r} is not a real date; use YYYY-MM-DD, e.g. 2021-03-01.") from None


class ISODateTimeField(_ISOField):
    """ISO 8601 date-time; one without a zone is UTC, a bare date is its midnight UTC."""

    def parse(self, value: str) -> dt.datetime:
        try:
            parsed = dt.datetime.fromisoformat(value.replace(" ", "+") if value.count(" ") == 1 else value)
        except ValueError:
            raise forms.ValidationError(
                f"{value!r} is not an ISO 8601 date-time; use e.g. 2021-03-01T12:00:00Z."
            ) from None
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=dt.UTC)
        try:
            # PostgreSQL refuses offsets beyond +-15:59, which Python accepts up to 24 h.
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(f"{value!r} is outside the supported range of dates.") from None


class ChoiceListField(forms.CharField):
    """Several values, comma-separated or repeated; each one of `choices`, by its code (`explosions_remote_violence`)
    or by its label as ACLED and our CSV write it (`Explosions/Remote violence`), in any case."""

    def __init__(self, *args, choices=(), noun="value", **kwargs):
        self.valid = {str(value) for value, _ in choices}
        self.lookup = {str(label).lower(): str(value) for value, label in choices}
        self.lookup.update({str(value).lower(): str(value) for value, _ in choices})
        self.noun = noun
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        value = super().to_python(value)
        items = [v.strip() for v in value.split(",") if v.strip()] if value else []
        unknown = [v for v in items if v.lower() not in self.lookup]
        if unknown:
            names = ", ".join(repr(u) for u in unknown)
            raise forms.ValidationError(
                f"Unknown {self.noun} {names}; expected one of {', '.join(sorted(self.valid))} (or ACLED's labels)."
            )
        return list(dict.fromkeys(self.lookup[v.lower()] for v in items))


class CountryListField(forms.CharField):
    def to_python(self, value):
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        value = super().to_python(value)
        codes = []
        for item in [v.strip() for v in value.split(",") if v.strip()] if value else []:
            code = COUNTRY_ALIASES.get(item.lower())
            if code is None:
                try:
                    code = pycountry.countries.lookup(item).alpha_2
                except LookupError:
                    raise forms.ValidationError(
                        f"Unknown country {item!r}; use an ISO code such as IQ or SY, or a name such as Iraq."
                    ) from None
            codes.append(code)
        return list(dict.fromkeys(codes))
