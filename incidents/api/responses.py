"""The documented shape of every response.

Lists are built as plain dicts (values() + orjson), not serialised row by row; these serializers only describe that
shape for the OpenAPI schema, and the schemathesis test holds the two together.
"""

from __future__ import annotations

from rest_framework import serializers

from incidents.models import Actor, Article, Incident, IncidentRemoval, Place, Source
from incidents.taxonomy import EventType, SubEventType

ROLE_NAMES = {1: "actor1", 2: "actor2", 3: "associated"}


class ActorRoleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=list(ROLE_NAMES.values()))


class IncidentPropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id_cnty = serializers.CharField(
        help_text="The public id (ACLED style: ISO alpha-3 at creation + a number), given once and kept for life: "
        "moving the incident to another country or merging others into it never changes it. Key mirrors on it."
    )
    url = serializers.URLField()
    event_type = serializers.ChoiceField(choices=EventType.choices)
    sub_event_type = serializers.ChoiceField(choices=SubEventType.choices)
    date = serializers.DateField()
    date_precision = serializers.ChoiceField(choices=Incident.DatePrecision.choices)
    date_label = serializers.CharField(
        help_text='The date as precise as it is known: "12 April 2016", "week of 11 April 2016", "April 2016", "2016"'
    )
    place_id = serializers.IntegerField(allow_null=True)
    location_name = serializers.CharField(allow_blank=True)
    country = serializers.CharField(allow_blank=True, help_text="ISO 3166-1 alpha-2")
    admin1 = serializers.CharField(allow_blank=True)
    geo_precision = serializers.ChoiceField(choices=Incident.GeoPrecision.choices)
    fatalities_low = serializers.IntegerField(allow_null=True)
    fatalities = serializers.IntegerField(allow_null=True, help_text="Best estimate")
    fatalities_high = serializers.IntegerField(allow_null=True)
    injured = serializers.IntegerField(allow_null=True)
    missing = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=Incident.Status.choices)
    confidence = serializers.FloatField(
        allow_null=True,
        help_text="How sure extraction is that the incident is right (0-1; calibrated: see the README). Null for "
        "incidents a person entered.",
    )
    summary = serializers.CharField(allow_blank=True)
    actors = ActorRoleSerializer(many=True)
    source_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class IncidentRowSerializer(IncidentPropertiesSerializer):
    longitude = serializers.FloatField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)


class IncidentPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last one")
    estimated_count = serializers.IntegerField(
        help_text="The planner's estimate of all matches (exact when everything fits on the first page)"
    )
    results = IncidentRowSerializer(many=True)


class PointGeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)


class IncidentFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.IntegerField()
    geometry = PointGeometrySerializer(allow_null=True)
    properties = IncidentPropertiesSerializer()


class IncidentFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = IncidentFeatureSerializer(many=True)
    next = serializers.URLField(
        allow_null=True, required=False, help_text="A page only (with page_size, limit or cursor): the next page"
    )
    estimated_count = serializers.IntegerField(required=False, help_text="A page only: the planner's estimate")


class PlaceBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()
    admin1 = serializers.CharField(allow_blank=True)
    admin2 = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Place.Kind.choices)
    longitude = serializers.FloatField()
    latitude = serializers.FloatField()


class DetailActorSerializer(ActorRoleSerializer):
    kind = serializers.ChoiceField(choices=Actor.Kind.choices)


class IncidentSourceSerializer(serializers.Serializer):
    article_id = serializers.IntegerField()
    url = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    outlet = serializers.CharField(allow_null=True)
    published = serializers.DateTimeField(allow_null=True)
    evidence = serializers.CharField(allow_blank=True)
    added_at = serializers.DateTimeField()


class HistoryEntrySerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField(allow_blank=True)
    changed_fields = serializers.ListField(child=serializers.CharField())


class IncidentDetailSerializer(IncidentRowSerializer):
    confidence_reasons = serializers.ListField(
        child=serializers.CharField(), help_text="What the confidence rests on, in words a curator reads"
    )
    curator_locked = serializers.BooleanField()
    place = PlaceBriefSerializer(allow_null=True)
    actors = DetailActorSerializer(many=True)
    sources = IncidentSourceSerializer(many=True)
    history = HistoryEntrySerializer(many=True)


class ClusterPropertiesSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    fatalities = serializers.IntegerField()
    event_type = serializers.ChoiceField(choices=EventType.choices, help_text="The most common event type")


class ClusterFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = PointGeometrySerializer()
    properties = ClusterPropertiesSerializer()


class ClusterCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = ClusterFeatureSerializer(many=True)
    zoom = serializers.IntegerField()
    cell_size = serializers.FloatField(help_text="Grid step in degrees")
    truncated = serializers.BooleanField(help_text="True when only the largest cells were returned")


class RemovalSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The incident id that left the public set")
    reason = serializers.ChoiceField(choices=IncidentRemoval.Reason.choices)
    event_id_cnty = serializers.CharField(
        allow_blank=True, help_text="Its public id (empty for tombstones written before public ids existed)"
    )
    merged_into = serializers.IntegerField(allow_null=True)
    merged_into_event_id_cnty = serializers.CharField(allow_blank=True, help_text="The public id it was merged into")
    removed_at = serializers.DateTimeField()


class RemovalPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = RemovalSerializer(many=True)


class BucketTypeSerializer(serializers.Serializer):
    event_type = serializers.ChoiceField(choices=EventType.choices)
    count = serializers.IntegerField()
    fatalities = serializers.IntegerField()


class TimelineBucketSerializer(serializers.Serializer):
    start = serializers.DateField()
    count = serializers.IntegerField()
    fatalities = serializers.IntegerField()
    by_event_type = BucketTypeSerializer(many=True)


class TimelineSerializer(serializers.Serializer):
    interval = serializers.ChoiceField(choices=["day", "week", "month", "year"])
    buckets = TimelineBucketSerializer(many=True)


class CountrySummarySerializer(serializers.Serializer):
    country = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    fatalities = serializers.IntegerField()


class ActorSummarySerializer(serializers.Serializer):
    actor_id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    fatalities = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    fatalities = serializers.IntegerField()
    by_event_type = BucketTypeSerializer(many=True)
    by_country = CountrySummarySerializer(many=True)
    by_actor = ActorSummarySerializer(many=True)


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    ascii_name = serializers.CharField(allow_blank=True)
    alternate_names = serializers.ListField(child=serializers.CharField())
    country = serializers.CharField()
    admin1 = serializers.CharField(allow_blank=True)
    admin2 = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Place.Kind.choices)
    feature_code = serializers.CharField(allow_blank=True)
    population = serializers.IntegerField(allow_null=True)
    longitude = serializers.FloatField()
    latitude = serializers.FloatField()
    kind_label = serializers.CharField(
        help_text="What it is, in words: city, town, village, province, district, base..."
    )
    label = serializers.CharField(help_text="Name, kind, province and country: `Kirkuk — city, Kirkuk province, Iraq`")
    is_area = serializers.BooleanField(help_text="A province or district: incidents can be filtered `inside` it")
    distance_km = serializers.FloatField(required=False, help_text="Only with `near`")


class PlacePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = PlaceSerializer(many=True)


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Actor.Kind.choices)
    aliases = serializers.ListField(child=serializers.CharField())
    parent_id = serializers.IntegerField(allow_null=True)


class ActorPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ActorSerializer(many=True)


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(
        allow_blank=True, allow_null=True, help_text="Null for an article not processed, unless staff asks"
    )
    title = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Article.Status.choices)
    published = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField(allow_null=True, help_text="The polled feed, if any")
    created_at = serializers.DateTimeField()
    status_url = serializers.URLField()


class ArticlePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ArticleSerializer(many=True)


class ArticleIncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    event_type = serializers.ChoiceField(choices=EventType.choices)
    sub_event_type = serializers.ChoiceField(choices=SubEventType.choices)
    date = serializers.DateField()
    location_name = serializers.CharField(allow_blank=True)
    fatalities = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=Incident.Status.choices)


class ArticleReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status_url = serializers.URLField()


class ArticleDetailSerializer(ArticleSerializer):
    error = serializers.CharField(allow_blank=True, help_text="Staff only (empty for others)")
    duplicate_of = ArticleReferenceSerializer(
        allow_null=True,
        help_text="For status `duplicate`: the article whose text this one copies (its incidents are listed)",
    )
    attempts = serializers.IntegerField()
    fetched_at = serializers.DateTimeField(allow_null=True)
    processed_at = serializers.DateTimeField(allow_null=True)
    incidents = ArticleIncidentSerializer(many=True)


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text="Staff only (null for others)")
    kind = serializers.ChoiceField(choices=Source.Kind.choices)
    active = serializers.BooleanField()
    poll_interval_minutes = serializers.IntegerField()
    last_polled_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    error_count = serializers.IntegerField()


class SourcePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = SourceSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """400: one list of messages per bad parameter or field; other errors carry `detail`."""

    detail = serializers.CharField(required=False)
