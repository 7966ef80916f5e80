"""The domain: the gazetteer, actors, polled sources, articles and the incidents extracted from them.

One module, as Django expects, though over 400 lines: the models refer to one another (an incident to its place,
actors and articles), and their fields are the schema that migrations are made from, read best side by side.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from .taxonomy import SUB_EVENT_TYPES, EventType, SubEventType
from .text import normalize_name


class Place(models.Model):
    """A gazetteer entry (GeoNames-style)."""

    class Kind(models.TextChoices):
        POPULATED_PLACE = "populated_place", "Populated place"
        ADMIN_AREA = "admin_area", "Administrative area"
        FEATURE = "feature", "Feature (mountain, base, district, crossing...)"

    class Origin(models.TextChoices):
        GEONAMES = "geonames", "GeoNames"
        AIRPORTS = "airports", "airportsdata (OurAirports)"
        ISO3166 = "iso3166", "ISO 3166-2 subdivisions"
        CURATED = "curated", "Curated"

    name = models.CharField(max_length=200)
    ascii_name = models.CharField(max_length=200, blank=True)
    alternate_names = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # Normalised forms of name, ascii name and alternates (see incidents.text.normalize_name).
    search_names = ArrayField(models.CharField(max_length=200), default=list, blank=True, editable=False)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. IQ, SY")
    admin1 = models.CharField("province (admin1)", max_length=120, blank=True)
    admin2 = models.CharField("district (admin2)", max_length=120, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POPULATED_PLACE)
    feature_class = models.CharField(max_length=1, blank=True, help_text="GeoNames feature class: P, A, T, S...")
    feature_code = models.CharField(max_length=10, blank=True, help_text="GeoNames feature code: PPL, ADM1, MT...")
    population = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    point = models.PointField(srid=4326)
    geonames_id = models.BigIntegerField(null=True, blank=True, unique=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.CURATED)
    external_id = models.CharField(
        max_length=100, help_text="Natural key within the origin (GeoNames id, ICAO code, curated slug)"
    )
    coord_note = models.TextField(blank=True, help_text="Where the coordinates come from")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_names"])

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "external_id"], name="place_origin_external_id_unique"),
        ]
        indexes = [
            GinIndex(fields=["search_names"], name="place_search_names_gin"),
            models.Index(fields=["country", "admin1"], name="place_country_admin1"),
        ]

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.admin1, self.country) if part)
        return f"{self.name} ({where})" if where else self.name

    def all_names(self) -> list[str]:
        return [n for n in dict.fromkeys([self.name, self.ascii_name, *self.alternate_names]) if n]

    def refresh_search_names(self) -> None:
        self.search_names = sorted({normalize_name(n) for n in self.all_names()} - {""})


class Actor(models.Model):
    class Kind(models.TextChoices):
        STATE_FORCE = "state_force", "State force"
        MILITIA = "militia", "Militia"
        INSURGENT = "insurgent", "Insurgent / rebel group"
        FOREIGN_FORCE = "foreign_force", "Foreign force"
        CIVILIANS = "civilians", "Civilians"
        PROTESTERS = "protesters", "Protesters"
        OTHER = "other", "Other"

    class AcledInter(models.IntegerChoices):
        """ACLED's actor types, the codes of its `inter1` / `inter2` columns."""

        STATE_FORCES = 1, "State forces"
        REBEL_GROUPS = 2, "Rebel groups"
        POLITICAL_MILITIAS = 3, "Political militias"
        IDENTITY_MILITIAS = 4, "Identity militias"
        RIOTERS = 5, "Rioters"
        PROTESTERS = 6, "Protesters"
        CIVILIANS = 7, "Civilians"
        EXTERNAL_OTHER = 8, "External/Other forces"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    acled_inter = models.PositiveSmallIntegerField(
        "ACLED actor type",
        choices=AcledInter.choices,
        null=True,
        blank=True,
        help_text="For the export's inter1/inter2; empty: derived from the kind (a militia is a political militia)",
    )
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    search_names = ArrayField(models.CharField(max_length=200), default=list, blank=True, editable=False)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="Umbrella organisation, e.g. Kataib Hezbollah is part of the Popular Mobilization Forces",
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_names"])

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["search_names"], name="actor_search_names_gin")]

    def __str__(self) -> str:
        return self.name

    def refresh_search_names(self) -> None:
        self.search_names = sorted({normalize_name(n) for n in [self.name, *self.aliases]} - {""})


class Source(models.Model):
    """A feed or site that is polled."""

    class Kind(models.TextChoices):
        FEED = "feed", "RSS/Atom feed"
        PAGE = "page", "Web page"

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, unique=True)

    class Scale(models.TextChoices):
        """ACLED's source scales: the reach of the outlet."""

        LOCAL = "Local", "Local"
        SUBNATIONAL = "Subnational", "Subnational"
        NATIONAL = "National", "National"
        REGIONAL = "Regional", "Regional"
        INTERNATIONAL = "International", "International"
        OTHER = "Other", "Other"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEED)
    scale = models.CharField(
        "source scale", max_length=13, choices=Scale.choices, blank=True, help_text="For the export's source_scale"
    )
    active = models.BooleanField(default=True)
    poll_interval_minutes = models.PositiveIntegerField(default=30, validators=[MinValueValidator(1)])
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True, help_text="Last-Modified header, echoed back")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    error_count = models.PositiveIntegerField(default=0, help_text="Consecutive failed polls")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        FETCHED = "fetched", "Fetched"
        # Claimed by a worker (a conditional UPDATE), so two workers never process one article at once.
        PROCESSING = "processing", "Processing"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"
        # Its text is a copy of another article's (`duplicate_of`): kept, so that its status URL names the original.
        DUPLICATE = "duplicate", "Duplicate"

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates",
        help_text="The article this one copies",
    )  # fmt: skip
    url = models.URLField("canonical URL", max_length=2000, blank=True)
    content_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    title = models.CharField(max_length=1000, blank=True)
    text = models.TextField(blank=True)
    published = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="article_url_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="article_status_created"),
            models.Index(fields=["published"], name="article_published"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Article {self.pk}"


class RankedChoices(models.TextChoices):
    """Choices declared sharpest first: `rank` is that order (an unknown value ranks last)."""

    @classmethod
    def rank(cls, value: str) -> int:
        return cls.values.index(value) if value in cls.values else len(cls.values)


class Incident(models.Model):
    class DatePrecision(RankedChoices):
        DAY = "day", "Day"
        WEEK = "week", "Week"
        MONTH = "month", "Month"
        YEAR = "year", "Year"
        # Neither the text nor a publication date dates it: dated by when the article was received, the event being
        # on or before that day. Least precise of all, so any dated report of the same incident replaces it.
        RECEIVED = "received", "Received (no date found: review)"

    class GeoPrecision(RankedChoices):
        EXACT = "exact", "Exact (the named place)"
        NEAR = "near", "Near the named place"
        ADMIN = "admin", "District or province only"
        COUNTRY = "country", "Country only"

    class Status(models.TextChoices):
        UNREVIEWED = "unreviewed", "Unreviewed"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    # ACLED-style `event_id_cnty`: the country's ISO alpha-3 code at creation and the id ("IRQ1234"), set once by a
    # database trigger (migration 0016; every writer, COPY included) and never changed, even when a curator moves
    # the incident to the other country: mirrors key on it.
    public_id = models.CharField("event_id_cnty", max_length=16, db_default="", editable=False)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    sub_event_type = models.CharField(max_length=40, choices=SubEventType.choices)
    date = models.DateField()
    date_precision = models.CharField(max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    point = models.PointField(srid=4326, null=True, blank=True, help_text="Defaults to the place's point")
    geo_precision = models.CharField(max_length=7, choices=GeoPrecision.choices, default=GeoPrecision.EXACT)
    # Denormalised from the place so that filters and aggregates at scale need no join.
    country = models.CharField(max_length=2, blank=True)
    admin1 = models.CharField(max_length=120, blank=True)
    location_name = models.CharField(max_length=200, blank=True)
    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities = models.PositiveIntegerField("fatalities (best)", null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    injured = models.PositiveIntegerField(null=True, blank=True)
    missing = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    # How sure extraction is (0-1, ingest.extract.confidence) and what that rests on; null for incidents a person
    # entered. The best of its reports: a second outlet that reads it more clearly raises it.
    confidence = models.FloatField(null=True, blank=True)
    confidence_reasons = models.JSONField(default=list, db_default=[], blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNREVIEWED)
    curator_locked = models.BooleanField(
        default=False, help_text="Edited or verified by a curator: later extractions add sources but change nothing"
    )
    is_synthetic = models.BooleanField(default=False, help_text="Generated for benchmarks")
    search_vector = SearchVectorField(null=True, editable=False)
    # Denormalised from the actor and source links by triggers (migration 0009), so that lists and exports of a
    # million incidents read one table: [{"id", "name", "role"}] by role then link, "; "-joined names per role,
    # the number of source links and the distinct outlet names in the order they first reported it.
    actors_json = models.JSONField(default=list, db_default=[], editable=False)
    actor1_names = models.TextField(default="", db_default="", editable=False)
    actor2_names = models.TextField(default="", db_default="", editable=False)
    n_sources = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    outlet_names = models.TextField(default="", db_default="", editable=False)
    actors = models.ManyToManyField(Actor, through="IncidentActor", related_name="incidents")
    articles = models.ManyToManyField(Article, through="IncidentSource", related_name="incidents")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords(
        excluded_fields=[
            "public_id",
            "search_vector",
            "updated_at",
            "actors_json",
            "actor1_names",
            "actor2_names",
            "n_sources",
            "outlet_names",
        ]
    )

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="incident_public_id_unique"),
            models.CheckConstraint(
                condition=Q(
                    *(Q(event_type=event, sub_event_type__in=list(subs)) for event, subs in SUB_EVENT_TYPES.items()),
                    _connector=Q.OR,
                ),
                name="incident_sub_event_type_matches_event_type",
                violation_error_message="The sub-event type does not belong to the event type.",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_low__isnull=True)
                | Q(fatalities__isnull=True)
                | Q(fatalities_low__lte=F("fatalities")),
                name="incident_fatalities_low_le_best",
                violation_error_message="Low fatalities cannot exceed the best estimate.",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_high__isnull=True)
                | Q(fatalities__isnull=True)
                | Q(fatalities__lte=F("fatalities_high")),
                name="incident_fatalities_best_le_high",
                violation_error_message="The best fatalities estimate cannot exceed the high one.",
            ),
        ]
        indexes = [
            GistIndex(fields=["point", "date"], name="incident_point_date_gist"),
            models.Index(fields=["date", "id"], name="incident_date_id"),
            models.Index(fields=["event_type", "date"], name="incident_type_date"),
            models.Index(fields=["country", "admin1", "date"], name="incident_country_admin1_date"),
            # Merge candidates for a report known only to its country: `point IS NULL` in the GiST reads the whole
            # index.
            models.Index(fields=["country", "date"], name="incident_placeless_date", condition=Q(point__isnull=True)),
            GinIndex(fields=["search_vector"], name="incident_search_gin"),
            # Map clusters over a date window read only these columns: an index-only scan, not 40,000 heap rows.
            # With the id in the key, list pages (bbox, newest first) pick their ids by an index-only scan too.
            models.Index(
                fields=["date", "id"],
                include=["point", "event_type", "fatalities", "status"],
                name="incident_date_id_cover",
            ),
            # Keyset pages of the API's other orderings: `(key, id) < (%s, %s)` is an index range at any depth.
            # Unknown fatalities sort as -1, the same expression the API's cursor compares.
            models.Index(Coalesce("fatalities", -1), F("id"), name="incident_fatalities_id"),
            models.Index(fields=["updated_at", "id"], name="incident_updated_id"),
        ]

    def __str__(self) -> str:
        where = self.location_name or (self.place.name if self.place_id else "unknown place")
        return f"{self.get_sub_event_type_display()} in {where} on {self.date:%Y-%m-%d}"


class IncidentActor(models.Model):
    class Role(models.IntegerChoices):
        ACTOR1 = 1, "Actor 1"
        ACTOR2 = 2, "Actor 2"
        ASSOCIATED = 3, "Associated"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actor_links")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="incident_links")
    role = models.PositiveSmallIntegerField(choices=Role.choices, default=Role.ACTOR1)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "actor", "role"], name="incident_actor_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class IncidentSource(models.Model):
    """An article that reports an incident, with the sentences that state it and what was read from them."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="source_links")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="incident_links")
    evidence = models.TextField(blank=True)
    extracted = models.JSONField(default=dict, blank=True, help_text="The values extracted from this article")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "article"], name="incident_source_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article} -> incident {self.incident_id}"


class IncidentRemoval(models.Model):
    """A tombstone: an incident that left the public set (rejected or merged away), for mirrors that sync."""

    class Reason(models.TextChoices):
        REJECTED = "rejected", "Rejected"
        MERGED = "merged", "Merged into another incident"
        DELETED = "deleted", "Deleted"

    incident_id = models.BigIntegerField(db_index=True)
    # Filled from the incidents by a database trigger when the tombstone is written (migration 0016).
    public_id = models.CharField(max_length=16, db_default="", editable=False)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    merged_into_id = models.BigIntegerField(null=True, blank=True)
    merged_into_public_id = models.CharField(max_length=16, db_default="", editable=False)
    removed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["removed_at", "pk"]

    def __str__(self) -> str:
        return f"incident {self.incident_id} {self.reason}"


class UnresolvedPlace(models.Model):
    """A place name an article uses ("the village of X") that the gazetteer lacks, for curators to add."""

    name = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, unique=True)
    mention_count = models.PositiveIntegerField(default=0)
    example = models.TextField(blank=True, help_text="A sentence that names it")
    articles = models.ManyToManyField(Article, blank=True, related_name="unresolved_places")
    resolved_place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-mention_count", "name"]

    def __str__(self) -> str:
        return self.name
