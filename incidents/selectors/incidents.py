"""Incident reads for lists, maps and pages: filtering, rows, detail, history and tombstones."""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, TextField
from django.db.models.functions import Coalesce

from ..datefmt import date_label_sql
from ..models import Actor, Incident, IncidentActor, IncidentRemoval, Place
from ..text import normalize_name
from .expressions import SQLText, X, Y
from .visibility import PUBLIC_STATUSES, as_list, visible_incidents, visible_statuses


def _actor_match(value: str | int) -> Q:
    """Actors named by id or by any alias, with the groups under an umbrella (PMF covers Kataib Hezbollah)."""
    text = str(value).strip()
    if text.isdigit():
        # Ids beyond bigint cannot exist; comparing them would raise in PostgreSQL.
        pk = int(text) if len(text) < 19 else -1
        return Q(pk=pk) | Q(parent_id=pk)
    name = normalize_name(text)
    return Q(search_names__contains=[name]) | Q(parent__search_names__contains=[name])


# `placeless`: with a bbox, also the incidents that have no map point ("include"), or only those ("only").
PLACELESS_INCLUDE = "include"
PLACELESS_ONLY = "only"
DEFAULT_WITHIN_KM = 25.0
MAX_WITHIN_KM = 500.0
KM_PER_DEGREE_LAT = 111.32


def _place_point(value) -> Point | None:
    """`near` as a place id or a (lon, lat) pair."""
    if isinstance(value, list | tuple):
        return Point(float(value[0]), float(value[1]), srid=4326)
    place = Place.objects.filter(pk=int(value)).only("point").first()
    return place.point if place else None


def _within_km(qs: QuerySet[Incident], near, km: float) -> QuerySet[Incident]:
    point = _place_point(near)
    if point is None:
        return qs.none()
    # A box of the radius first (the GiST answers it), then the exact distance on the sphere for the few inside.
    dlat = km / KM_PER_DEGREE_LAT
    dlon = km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(point.y)), 0.01))
    box = Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))
    return qs.filter(point__bboverlaps=box, point__distance_lte=(point, D(km=km)))


def _inside(qs: QuerySet[Incident], place_id) -> QuerySet[Incident]:
    """Incidents inside a province (by the province every incident records, so placeless ones count) or a district
    (by the district of the incident's place: the gazetteer has no district outlines)."""
    area = Place.objects.filter(pk=int(place_id)).first()
    if area is None:
        return qs.none()
    code = (area.feature_code or "").upper()
    if code == "ADM1":
        return qs.filter(country=area.country, admin1=area.admin1)
    if code == "ADM2":
        return qs.filter(
            Q(place_id=area.pk)
            | Q(place__country=area.country, place__admin1=area.admin1, place__admin2=area.admin2 or area.name)
        )
    return qs.filter(place_id=area.pk)


def incident_list(*, filters: dict, user=None) -> QuerySet[Incident]:
    """Incidents matching the filters, newest first; `rejected` ones only for editors who ask for them.

    Filters take cleaned values (incidents.api.filters.IncidentFilterSet makes them from query strings):
    bbox (min_lon, min_lat, max_lon, max_lat), date_from / date_to (date), event_type / sub_event_type / status /
    country (lists), actor (id or any alias), place (id: at that place), near (place id or (lon, lat)) with within_km
    (float, default 25), inside (id of a province or district), admin1 (str), min_fatalities (int), min_confidence
    (0-1), q (web-search syntax), updated_since (aware datetime), placeless ("include": the bbox also lets through
    incidents with no map point; "only": just those). Empty values are ignored.
    """
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    qs = Incident.objects.all()

    qs = qs.filter(status__in=visible_statuses(user=user, requested=filters.get("status")))

    placeless = filters.get("placeless")
    if placeless == PLACELESS_ONLY:
        qs = qs.filter(point__isnull=True)
    elif "bbox" in filters:
        # For points, overlapping the box's bounding box is intersecting the box (edges included), and `&&` needs
        # no GEOS call per row on the index entries a page walks past.
        in_box = Q(point__bboverlaps=Polygon.from_bbox(tuple(filters["bbox"])))
        # Incidents with no map point are in no view; a list that includes them reconciles with the timeline.
        qs = qs.filter(in_box | Q(point__isnull=True) if placeless == PLACELESS_INCLUDE else in_box)
    if "date_from" in filters:
        qs = qs.filter(date__gte=filters["date_from"])
    if "date_to" in filters:
        qs = qs.filter(date__lte=filters["date_to"])
    for field in ("event_type", "sub_event_type", "country"):
        values = as_list(filters.get(field))
        if values:
            qs = qs.filter(**{f"{field}__in": values})
    if "admin1" in filters:
        qs = qs.filter(admin1=filters["admin1"])
    if "place" in filters:
        qs = qs.filter(place_id=int(filters["place"]))
    if "near" in filters:
        qs = _within_km(qs, filters["near"], float(filters.get("within_km") or DEFAULT_WITHIN_KM))
    if "inside" in filters:
        qs = _inside(qs, filters["inside"])
    if "min_fatalities" in filters:
        qs = qs.filter(fatalities__gte=int(filters["min_fatalities"]))
    if "min_confidence" in filters:
        # Incidents a person entered have no extraction confidence: they are not in doubt.
        qs = qs.filter(Q(confidence__gte=float(filters["min_confidence"])) | Q(confidence__isnull=True))
    if "updated_since" in filters:
        qs = qs.filter(updated_at__gte=filters["updated_since"])
    if "actor" in filters:
        # Resolved to ids first: with literal ids the planner knows how rare the actor is (a subquery it would
        # guess, and walk the whole date index probing each incident when the actor is rare or unknown).
        actor_ids = list(Actor.objects.filter(_actor_match(filters["actor"])).values_list("pk", flat=True))
        # EXISTS rather than a join: no duplicate rows, no DISTINCT, and the keyset ordering stays index-friendly.
        qs = qs.filter(Exists(IncidentActor.objects.filter(incident=OuterRef("pk"), actor_id__in=actor_ids)))
    if "q" in filters:
        qs = qs.filter(search_vector=SearchQuery(filters["q"], search_type="websearch", config="english"))
    return qs.order_by("-date", "-pk")


INCIDENT_ROW_FIELDS = (
    "id",
    "event_type",
    "sub_event_type",
    "date",
    "date_precision",
    "place_id",
    "location_name",
    "country",
    "admin1",
    "geo_precision",
    "fatalities_low",
    "fatalities",
    "fatalities_high",
    "injured",
    "missing",
    "status",
    "confidence",
    "summary",
    "created_at",
    "updated_at",
)


def incident_rows(*, queryset: QuerySet[Incident]) -> QuerySet[dict]:
    """Plain rows for lists and maps: coordinates, actors and the source count are columns of the incident row
    (kept by triggers, migration 0009), so a page of 500 is one index read with no per-row subqueries."""
    return queryset.annotate(
        lon=X("point"), lat=Y("point"), actor_list=F("actors_json"), source_count=F("n_sources")
    ).values(*INCIDENT_ROW_FIELDS, "lon", "lat", "actor_list", "source_count")


# The row's actors as JSON text with the API's role names, from the trigger-kept summary column. jsonb prints objects
# with keys ordered by length ("id", "name", "role"), so `"role": 1}` only ever is a role (a quote inside a name is
# escaped): text replaces are cheaper than unnesting and re-aggregating each array, or decoding it in Python.
_ACTORS_WITH_ROLE_NAMES = """regexp_replace(
    replace(replace("incidents_incident"."actors_json"::text, '"role": 1}', '"role": "actor1"}'),
        '"role": 2}', '"role": "actor2"}'),
    '"role": [0-9]+}', '"role": "associated"}', 'g')"""


def _iso(column: str) -> SQLText:
    # ISO 8601 text as JSON writes it, so Django's Python-level timestamptz loader never runs.
    return SQLText(f"""to_json("incidents_incident"."{column}") #>> '{{}}'""", TextField())


# The API's list fields in their order: (name in the response, name in the row `incident_api_rows` gives).
API_ROW_FIELDS = (
    ("id", "id"),
    ("event_id_cnty", "public_id"),
    *((name, name) for name in INCIDENT_ROW_FIELDS if name not in ("id", "created_at", "updated_at")),
    ("date_label", "date_label"),
    ("created_at", "created_iso"),
    ("updated_at", "updated_iso"),
    ("source_count", "n_sources"),
)


def incident_api_rows(*, queryset: QuerySet[Incident], keys: tuple[str, ...] = ()) -> QuerySet[dict]:
    """Rows for the API's lists: the fields of API_ROW_FIELDS, `lon`/`lat`, `actors_json_text` (the actors as JSON
    text with role names, to embed as is) and the ordering `keys`; every value is one PostgreSQL or C-level load."""
    return queryset.annotate(
        lon=X("point"),
        lat=Y("point"),
        actors_json_text=SQLText(_ACTORS_WITH_ROLE_NAMES, TextField()),
        created_iso=_iso("created_at"),
        updated_iso=_iso("updated_at"),
        date_label=SQLText(date_label_sql(), TextField()),
    ).values(*dict.fromkeys([row for _, row in API_ROW_FIELDS] + ["lon", "lat", "actors_json_text", *keys]))


def incident_get(*, pk: int, user=None) -> Incident | None:
    """One incident with its place, actors and sources loaded; None when missing or hidden from this user."""
    qs = Incident.objects.select_related("place").prefetch_related(
        "actor_links__actor",
        "source_links__article__source",
    )
    return visible_incidents(qs, user=user).filter(pk=pk).first()


def incident_merged_into(*, pk: int, max_hops: int = 20) -> int | None:
    """The incident a merged-away one now lives in, following merges of merges; None if it was never merged."""
    target, hops = None, 0
    current = pk
    while hops < max_hops:
        step = (
            IncidentRemoval.objects.filter(incident_id=current, reason=IncidentRemoval.Reason.MERGED)
            .order_by("-removed_at", "-pk")
            .values_list("merged_into_id", flat=True)
            .first()
        )
        if step is None or Incident.objects.filter(pk=current).exists():
            break
        target, current, hops = step, step, hops + 1
    return target


def incident_history(*, incident: Incident, limit: int = 50) -> list[dict]:
    """Who changed what and when, newest first: one entry per saved version with the fields it changed."""
    records = list(
        incident.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for record, previous in zip(records, records[1:] + [None], strict=False):
        changed = []
        if previous is not None:
            changed = sorted(c.field for c in record.diff_against(previous).changes)
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user.get_username() if record.history_user else None,
                "type": {"+": "created", "~": "changed", "-": "deleted"}.get(record.history_type, record.history_type),
                "reason": record.history_change_reason or "",
                "changed_fields": changed,
            }
        )
    return entries[:limit]


def incident_removals(*, since: dt.datetime | None = None) -> QuerySet[IncidentRemoval]:
    """Tombstones of incidents that left the public set, oldest first; those public again are left out."""
    qs = IncidentRemoval.objects.all()
    if since is not None:
        qs = qs.filter(removed_at__gte=since)
    back = Incident.objects.filter(pk=OuterRef("incident_id"), status__in=PUBLIC_STATUSES)
    return qs.filter(~Exists(back)).order_by("removed_at", "pk")


def incident_max_id() -> int:
    """The newest incident id: the dashboard counts incidents above it as new when it polls."""
    return Incident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def incident_day_page(
    *, filters: dict, user=None, until: dt.date | None = None, limit: int = 150
) -> tuple[list[dict], dt.date | None]:
    """Whole days of incidents, newest first, from `until` back; and the `until` of the next page (or None).

    The last day is kept whole by moving it to the next page, unless it is the only day (then it is cut at `limit`).
    """
    qs = incident_list(filters=filters, user=user)
    if until is not None:
        qs = qs.filter(date__lte=until)
    rows = list(incident_rows(queryset=qs)[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last_day = rows[limit]["date"]
    kept = [row for row in rows[:limit] if row["date"] != last_day]
    if kept:
        return kept, last_day
    return rows[:limit], last_day - dt.timedelta(days=1)


def data_version() -> int:
    """A number that changes whenever incidents, their actors or their sources change (bumped at commit by
    triggers), for ETags and cache keys."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM incidents_data_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def incident_overview_table(*, filters: dict, user=None) -> list[dict]:
    """Incidents and reported deaths per year and event type, newest year first: a country's or province's table."""
    from django.db.models.functions import ExtractYear

    return list(
        incident_list(filters=filters, user=user)
        .order_by()
        .annotate(year=ExtractYear("date"))
        .values("year", "event_type")
        .annotate(count=Count("pk"), fatalities=Coalesce(Sum("fatalities"), 0))
        .order_by("-year", "event_type")
    )
