"""Input validation for writes: an article submitted for ingest, and a curator's edit of an incident."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from rest_framework import serializers

from incidents.models import Incident, Place
from incidents.taxonomy import EVENT_TYPE_OF, EventType, SubEventType, is_valid_pair
from incidents.text import strip_invisible

from .fields import MAX_INT


class CleanCharField(serializers.CharField):
    """Text with control and zero-width characters removed before it is validated (NUL among them)."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str):
            data = strip_invisible(data)
        return super().run_validation(data)


class ArticleSubmitSerializer(serializers.Serializer):
    url = serializers.URLField(
        max_length=2000,
        required=False,
        allow_blank=True,
        validators=[URLValidator(schemes=["http", "https"], message="Enter a valid http(s) URL.")],
        help_text="The article's page (http or https)",
    )
    title = CleanCharField(max_length=1000, required=False, allow_blank=True)
    text = CleanCharField(
        max_length=settings.ARTICLE_MAX_CHARS,
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        help_text="Or the text itself",
    )
    published = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Publication date (YYYY-MM-DD): dates what the text leaves undated. Without it, and when neither "
        "the text nor the page gives one, incidents are dated by when the article was received (precision "
        "`received`) and left for review.",
    )

    def validate(self, attrs):
        if not attrs.get("url") and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError("Give the article's `url` or its `text`.")
        return attrs


class IncidentPatchSerializer(serializers.Serializer):
    """A curator's edit; every field optional. Only `sub_event_type` sets the event type that goes with it."""

    status = serializers.ChoiceField(choices=Incident.Status.choices, required=False)
    event_type = serializers.ChoiceField(choices=EventType.choices, required=False)
    sub_event_type = serializers.ChoiceField(choices=SubEventType.choices, required=False)
    date = serializers.DateField(required=False)
    date_precision = serializers.ChoiceField(choices=Incident.DatePrecision.choices, required=False)
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all(), required=False, allow_null=True)
    geo_precision = serializers.ChoiceField(choices=Incident.GeoPrecision.choices, required=False)
    fatalities_low = serializers.IntegerField(min_value=0, max_value=MAX_INT, required=False, allow_null=True)
    fatalities = serializers.IntegerField(min_value=0, max_value=MAX_INT, required=False, allow_null=True)
    fatalities_high = serializers.IntegerField(min_value=0, max_value=MAX_INT, required=False, allow_null=True)
    injured = serializers.IntegerField(min_value=0, max_value=MAX_INT, required=False, allow_null=True)
    missing = serializers.IntegerField(min_value=0, max_value=MAX_INT, required=False, allow_null=True)
    summary = serializers.CharField(max_length=20_000, required=False, allow_blank=True)

    def validate(self, attrs):
        incident: Incident = self.context["incident"]
        if not attrs:
            raise serializers.ValidationError("Nothing to change: send at least one field.")
        if "sub_event_type" in attrs and "event_type" not in attrs:
            attrs["event_type"] = EVENT_TYPE_OF[attrs["sub_event_type"]]
        event = attrs.get("event_type", incident.event_type)
        sub = attrs.get("sub_event_type", incident.sub_event_type)
        if not is_valid_pair(event, sub):
            raise serializers.ValidationError(
                {"sub_event_type": [f"{sub!r} is not a sub-event type of {event!r}; send both together."]}
            )
        low = attrs.get("fatalities_low", incident.fatalities_low)
        best = attrs.get("fatalities", incident.fatalities)
        high = attrs.get("fatalities_high", incident.fatalities_high)
        if low is not None and best is not None and low > best:
            raise serializers.ValidationError({"fatalities_low": ["Cannot exceed the best estimate (fatalities)."]})
        if high is not None and best is not None and best > high:
            raise serializers.ValidationError({"fatalities_high": ["Cannot be below the best estimate (fatalities)."]})
        return attrs
