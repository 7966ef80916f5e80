"""Every read the pages and the API make (HackSoft style): keyword-only, typed, one place to keep them fast."""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.gis.geos import Polygon
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject, Trunc

from .models import Actor, Article, Incident, IncidentActor, IncidentRemoval, IncidentSource, Place, Source
from .taxonomy import EventType
from .text import normalize_name

# --- Incidents (API engineer): filtered lists, detail, aggregates, clusters, tombstones ----------------------------

PUBLIC_STATUSES = (Incident.Status.UNREVIEWED, Incident.Status.VERIFIED)
EDITOR_GROUPS = ("editors", "admins")
# Grid cell of the map clusters, in screen pixels of a 256 px web-mercator tile.
CLUSTER_CELL_PX = 64
CLUSTER_LIMIT = 2000


class _X(Func):
    function = "ST_X"
    output_field = FloatField()


class _Y(Func):
    function = "ST_Y"
    output_field = FloatField()


class _Mode(Aggregate):
    """PostgreSQL's ordered-set MODE(): the most frequent value in the group."""

    function = "MODE"
    template = "%(function)s() WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = CharField()


def user_is_editor(user) -> bool:
    """Staff, members of the editors/admins groups, or anyone allowed to change incidents."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.has_perm("incidents.change_incident"):
        return True
    return user.groups.filter(name__in=EDITOR_GROUPS).exists()


def _actor_match(value: str | int) -> Q:
    """Actors named by id or by any alias, with the groups under an umbrella (PMF covers Kataib Hezbollah)."""
    text = str(value).strip()
    if text.isdigit():
        # Ids beyond bigint cannot exist; comparing them would raise in PostgreSQL.
        pk = int(text) if len(text) < 19 else -1
        return Q(pk=pk) | Q(parent_id=pk)
    name = normalize_name(text)
    return Q(search_names__contains=[name]) | Q(parent__search_names__contains=[name])


def _as_list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def incident_list(*, filters: dict, user=None) -> QuerySet[Incident]:
    """Incidents matching the filters, newest first; `rejected` ones only for editors who ask for them.

    Filters take cleaned values (incidents.api.filters.IncidentFilterSet makes them from query strings):
    bbox (min_lon, min_lat, max_lon, max_lat), date_from / date_to (date), event_type / sub_event_type / status /
    country (lists), actor (id or any alias), place (id), admin1 (str), min_fatalities (int), q (web-search syntax),
    updated_since (aware datetime). Empty values are ignored.
    """
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    qs = Incident.objects.all()

    statuses = _as_list(filters.get("status")) or list(PUBLIC_STATUSES)
    if not user_is_editor(user):
        statuses = [s for s in statuses if s in PUBLIC_STATUSES]
    qs = qs.filter(status__in=statuses)

    if "bbox" in filters:
        # For points, overlapping the box's bounding box is intersecting the box (edges included), and `&&` needs
        # no GEOS call per row: ~2x faster on the 10,000 index entries a province's page of 500 walks past.
        qs = qs.filter(point__bboverlaps=Polygon.from_bbox(tuple(filters["bbox"])))
    if "date_from" in filters:
        qs = qs.filter(date__gte=filters["date_from"])
    if "date_to" in filters:
        qs = qs.filter(date__lte=filters["date_to"])
    for field in ("event_type", "sub_event_type", "country"):
        values = _as_list(filters.get(field))
        if values:
            qs = qs.filter(**{f"{field}__in": values})
    if "admin1" in filters:
        qs = qs.filter(admin1=filters["admin1"])
    if "place" in filters:
        qs = qs.filter(place_id=int(filters["place"]))
    if "min_fatalities" in filters:
        qs = qs.filter(fatalities__gte=int(filters["min_fatalities"]))
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


def _actors_json():
    return ArraySubquery(
        IncidentActor.objects.filter(incident=OuterRef("pk"))
        .order_by("role", "pk")
        .values(json=JSONObject(id="actor_id", name="actor__name", role="role"))
    )


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
    "summary",
    "created_at",
    "updated_at",
)


def incident_rows(*, queryset: QuerySet[Incident]) -> QuerySet[dict]:
    """Plain rows for lists and maps: coordinates, actors and the source count are columns of the incident row
    (kept by triggers, migration 0009), so a page of 500 is one index read with no per-row subqueries."""
    return queryset.annotate(
        lon=_X("point"), lat=_Y("point"), actor_list=F("actors_json"), source_count=F("n_sources")
    ).values(*INCIDENT_ROW_FIELDS, "lon", "lat", "actor_list", "source_count")


class _RawSQL(Func):
    template = "%(sql)s"

    def __init__(self, sql: str, output_field):
        super().__init__(sql=sql, output_field=output_field)


# The row's actors as JSON text with the API's role names, from the trigger-kept summary column. jsonb prints objects
# with keys ordered by length ("id", "name", "role"), so `"role": 1}` only ever is a role (a quote inside a name is
# escaped): text replaces cost ~0.5 ms per 500 rows, where unnesting and re-aggregating each array cost ~7 ms and
# decoding it in Python more.
_ACTORS_WITH_ROLE_NAMES = """regexp_replace(
    replace(replace("incidents_incident"."actors_json"::text, '"role": 1}', '"role": "actor1"}'),
        '"role": 2}', '"role": "actor2"}'),
    '"role": [0-9]+}', '"role": "associated"}', 'g')"""


def _iso(column: str) -> _RawSQL:
    # ISO 8601 text as JSON writes it: Django's Python-level timestamptz loader cost ~20 us per value.
    return _RawSQL(f"""to_json("incidents_incident"."{column}") #>> '{{}}'""", TextField())


# The API's list fields in their order: (name in the response, name in the row `incident_api_rows` gives).
API_ROW_FIELDS = (
    *((name, name) for name in INCIDENT_ROW_FIELDS if name not in ("created_at", "updated_at")),
    ("created_at", "created_iso"),
    ("updated_at", "updated_iso"),
    ("source_count", "n_sources"),
)


def incident_api_rows(*, queryset: QuerySet[Incident], keys: tuple[str, ...] = ()) -> QuerySet[dict]:
    """Rows for the API's lists: the fields of API_ROW_FIELDS, `lon`/`lat`, `actors_json_text` (the actors as JSON
    text with role names, to embed as is) and the ordering `keys`; every value is one PostgreSQL or C-level load."""
    return queryset.annotate(
        lon=_X("point"),
        lat=_Y("point"),
        actors_json_text=_RawSQL(_ACTORS_WITH_ROLE_NAMES, TextField()),
        created_iso=_iso("created_at"),
        updated_iso=_iso("updated_at"),
    ).values(*dict.fromkeys([row for _, row in API_ROW_FIELDS] + ["lon", "lat", "actors_json_text", *keys]))


def incident_export_rows(*, queryset: QuerySet[Incident]) -> QuerySet[dict]:
    """Rows for the ACLED-style export: adds the district and the names of the outlets that reported it."""
    outlets = ArraySubquery(
        IncidentSource.objects.filter(incident=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values(name=Coalesce("article__source__name", "article__url", Value(""), output_field=CharField()))
    )
    return (
        incident_rows(queryset=queryset)
        .annotate(admin2=F("place__admin2"), outlets=outlets)
        .values(*INCIDENT_ROW_FIELDS, "lon", "lat", "actor_list", "source_count", "admin2", "outlets")
    )


def incident_get(*, pk: int, user=None) -> Incident | None:
    """One incident with its place, actors and sources loaded; None when missing or hidden from this user."""
    qs = Incident.objects.select_related("place").prefetch_related(
        "actor_links__actor",
        "source_links__article__source",
    )
    if not user_is_editor(user):
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    return qs.filter(pk=pk).first()


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


def incident_timeline(*, filters: dict, user=None, interval: str = "month") -> list[dict]:
    """Counts and fatalities per date bucket (day, week, month) and event type, oldest bucket first."""
    if interval not in ("day", "week", "month", "year"):
        raise ValueError(f"Unknown interval {interval!r}")
    if timeline_summary_supports(filters):
        # Same answer from the trigger-kept daily summary: ~100x fewer rows to read at a million incidents.
        return incident_timeline_from_summary(filters=filters, user=user, interval=interval)
    return list(
        _in_point_cells(incident_list(filters=filters, user=user), filters)
        .order_by()
        .annotate(bucket=Trunc("date", interval))
        .values("bucket", "event_type")
        # count(*), not count(id): id is not in the cell index, and naming it would send every row to the heap.
        .annotate(count=Count("*"), fatalities=Coalesce(Sum("fatalities"), 0))
        .order_by("bucket", "event_type")
    )


def incident_summary(*, filters: dict, user=None, top_actors: int = 25) -> dict:
    """Totals for the filter: overall, by event type, by country and by actor (the most active first)."""
    qs = incident_list(filters=filters, user=user).order_by()
    totals = qs.aggregate(count=Count("pk"), fatalities=Coalesce(Sum("fatalities"), 0))

    def grouped(field: str) -> list[dict]:
        return list(
            qs.values(field)
            .annotate(count=Count("pk"), fatalities=Coalesce(Sum("fatalities"), 0))
            .order_by("-count", field)
        )

    by_actor = list(
        IncidentActor.objects.filter(incident__in=qs.values("pk"))
        .values("actor_id", name=F("actor__name"))
        .annotate(count=Count("incident_id", distinct=True), fatalities=Coalesce(Sum("incident__fatalities"), 0))
        .order_by("-count", "name")[:top_actors]
    )
    return {
        "count": totals["count"],
        "fatalities": totals["fatalities"],
        "by_event_type": grouped("event_type"),
        "by_country": grouped("country"),
        "by_actor": by_actor,
    }


# The grid of `incidents_point_cell(point)` (migration 0013): cells of 1 / POINT_CELLS_PER_DEGREE degrees.
POINT_CELLS_PER_DEGREE = 4
# Beyond this many cells (a box wider than ~10 x 10 degrees) the index descents cost more than they save.
POINT_CELLS_MAX = 1600


def point_cells(bbox) -> list[int] | None:
    """The `incidents_point_cell` numbers of every cell a (min_lon, min_lat, max_lon, max_lat) box touches, or None
    when there are more than POINT_CELLS_MAX. Same arithmetic as the SQL function, so boundaries agree."""
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    k = POINT_CELLS_PER_DEGREE
    xs = range(math.floor(min_lon * k), math.floor(max_lon * k) + 1)
    ys = range(math.floor(min_lat * k), math.floor(max_lat * k) + 1)
    if len(xs) * len(ys) > POINT_CELLS_MAX:
        return None
    return [(x + 1000) * 2000 + y + 1000 for x in xs for y in ys]


def _in_point_cells(qs: QuerySet[Incident], filters: dict) -> QuerySet[Incident]:
    """Adds the cells of the filter's bbox (if any), so that PostgreSQL reads the box's incidents from the (cell,
    event_type, date) index alone instead of the heap. Every event type is named when none is filtered, so that a
    date filter still narrows each descent. The exact `point && box` test stays."""
    if not filters.get("bbox"):
        return qs
    cells = point_cells(filters["bbox"])
    if cells is None:
        return qs
    types = _as_list(filters.get("event_type")) or list(EventType.values)
    return qs.extra(
        where=["incidents_point_cell(point) = ANY(%s)", "point IS NOT NULL", "event_type = ANY(%s)"],
        params=[cells, types],
    )


def cluster_cell_size(zoom: int) -> float:
    """Grid step in degrees for a map zoom level: about CLUSTER_CELL_PX screen pixels wide."""
    return 360.0 / (2**zoom) * CLUSTER_CELL_PX / 256


# Zooms the grid summary (migration 0012) holds, and the filters it can answer.
CLUSTER_SUMMARY_ZOOMS = range(3, 7)
CLUSTER_SUMMARY_FILTERS = frozenset({"bbox", "date_from", "date_to", "event_type", "status"})


def _month_bounds(filters: dict) -> tuple[dt.date | None, dt.date | None] | None:
    """(first, last) whole months inside the date filters (None: unbounded), or None when no whole month is."""
    start, end = filters.get("date_from"), filters.get("date_to")
    start = None if start is None else _as_date(start)
    end = None if end is None else _as_date(end)
    first = last = None
    if start is not None:
        first = start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    if end is not None:
        last = end.replace(day=1) if (end + dt.timedelta(days=1)).day == 1 else None
        if last is None:
            last = (end.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if first is not None and last is not None and first > last:
        return None
    return first, last


def _cell_range(low: float, high: float, size: float) -> tuple[tuple[int, int], tuple[int, int]]:
    """Cells a [low, high] span touches (generously) and those it covers whole (strictly)."""
    touched = (math.floor(low / size - 0.5), math.ceil(high / size + 0.5))
    covered = (math.ceil(low / size + 0.5 + 1e-9), math.floor(high / size - 0.5 - 1e-9))
    return touched, covered


def _cluster_summary_parts(*, filters: dict, user, zoom: int, size: float) -> tuple[str, list] | None:
    """SQL for (cx, cy, event_type, n, f, sx, sy) from the grid summary plus the raw rows of partial months, or None
    when the summary cannot answer exactly (other filters, other zooms, no whole month, or incidents in a cell the
    bbox only partly covers)."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    if zoom not in CLUSTER_SUMMARY_ZOOMS or not set(filters) <= CLUSTER_SUMMARY_FILTERS:
        return None
    months = _month_bounds(filters)
    if months is None:
        return None
    statuses = _as_list(filters.get("status")) or list(PUBLIC_STATUSES)
    if not user_is_editor(user):
        statuses = [s for s in statuses if s in PUBLIC_STATUSES]
    statuses = [s for s in Incident.Status.values if s in statuses]
    if not statuses:
        return None
    measures = {m: " + ".join(f"{m}_{s}" for s in statuses) for m in ("n", "f", "sx", "sy")}
    where, params = ["zoom = %s"], [zoom]
    if months[0] is not None:
        where.append("month >= %s")
        params.append(months[0])
    if months[1] is not None:
        where.append("month <= %s")
        params.append(months[1])
    types = _as_list(filters.get("event_type"))
    if types:
        where.append("event_type = ANY(%s)")
        params.append(types)
    inside = "true"
    if "bbox" in filters:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in filters["bbox"])
        (tx, cx), (ty, cy) = _cell_range(min_lon, max_lon, size), _cell_range(min_lat, max_lat, size)
        inside = f"cx BETWEEN {int(cx[0])} AND {int(cx[1])} AND cy BETWEEN {int(cy[0])} AND {int(cy[1])}"
        touched = f"cx BETWEEN {int(tx[0])} AND {int(tx[1])} AND cy BETWEEN {int(ty[0])} AND {int(ty[1])}"
        condition = " AND ".join(where)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT EXISTS (
                    SELECT 1 FROM (
                        SELECT * FROM incidents_cluster_stat WHERE {condition}
                        UNION ALL
                        SELECT * FROM incidents_cluster_stat_delta WHERE {condition}
                    ) AS c
                    WHERE {touched} AND NOT ({inside})
                    GROUP BY cx, cy HAVING sum({measures["n"]}) <> 0
                )
                """,
                [*params, *params],
            )
            if cursor.fetchone()[0]:
                return None
    condition = " AND ".join([*where, inside])
    sql = f"""
        SELECT cx, cy, event_type, sum({measures["n"]}) AS n, sum({measures["f"]}) AS f,
            sum({measures["sx"]}) AS sx, sum({measures["sy"]}) AS sy
        FROM (
            SELECT * FROM incidents_cluster_stat WHERE {condition}
            UNION ALL
            SELECT * FROM incidents_cluster_stat_delta WHERE {condition}
        ) AS c
        GROUP BY 1, 2, 3
    """
    params = [*params, *params]
    # Days of partial months (at either end of the window) come from the incidents themselves.
    partial = []
    if months[0] is not None and _as_date(filters["date_from"]) < months[0]:
        partial.append(Q(date__lt=months[0]))
    after_last = None if months[1] is None else (months[1].replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    if after_last is not None and _as_date(filters["date_to"]) >= after_last:
        partial.append(Q(date__gte=after_last))
    if not partial:
        return sql, params
    condition = partial[0] if len(partial) == 1 else partial[0] | partial[1]
    raw_sql, raw_params = _cluster_raw_parts(incident_list(filters=filters, user=user).filter(condition), size)
    return f"{sql} UNION ALL {raw_sql}", [*params, *raw_params]


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _cluster_raw_parts(queryset: QuerySet[Incident], size: float) -> tuple[str, list]:
    base = (
        queryset.order_by()
        .filter(point__isnull=False)
        .annotate(lon=_X("point"), lat=_Y("point"))
        .values("lon", "lat", "fatalities", "event_type")
    )
    try:
        base_sql, params = base.query.sql_with_params()
    except EmptyResultSet:
        # A filter that matches nothing (e.g. only statuses this user may not see): no cells, no query.
        return (
            "SELECT NULL::integer AS cx, NULL::integer AS cy, NULL::varchar AS event_type, 0 AS n, 0 AS f, "
            "0.0 AS sx, 0.0 AS sy WHERE false",
            [],
        )
    # OFFSET 0 keeps the subquery apart, so each point is decoded once, not once per use.
    sql = f"""
        SELECT round(lon / %s)::integer AS cx, round(lat / %s)::integer AS cy, event_type, count(*) AS n,
            coalesce(sum(fatalities), 0) AS f, sum(lon) AS sx, sum(lat) AS sy
        FROM ({base_sql} OFFSET 0) AS b
        GROUP BY 1, 2, 3
    """
    return sql, [size, size, *params]


def incident_clusters(*, filters: dict, user=None, zoom: int, limit: int = CLUSTER_LIMIT) -> tuple[list[dict], bool]:
    """Incidents snapped to a grid in PostGIS: per cell the centroid, count, fatalities and the most common type.

    Returns (cells, truncated): at most `limit` cells, the largest first. At zooms 3-6 with only bbox, date and
    type/status filters, whole months come from the grid summary (migration 0012): the same cells, from a few
    thousand summary rows instead of every incident of the window.
    """
    size = cluster_cell_size(zoom)
    parts = _cluster_summary_parts(filters=filters, user=user, zoom=zoom, size=size)
    if parts is None:
        # At 10M incidents a viewport at zoom 10 read 22,000 points in 16 ms by cells, 88 ms from the date index.
        parts = _cluster_raw_parts(_in_point_cells(incident_list(filters=filters, user=user), filters), size)
    typed_sql, params = parts
    # Cells as integer pairs (rounded like ST_SnapToGrid) in one hash aggregate per type, the centre as the mean of
    # the points (= the centroid of their collection): sorting 40,000 geometries for MODE() and Collect() cost ~0.6 s.
    sql = f"""
        WITH typed AS (
            SELECT cx, cy, event_type, sum(n) AS n, sum(f) AS f, sum(sx) AS sx, sum(sy) AS sy
            FROM ({typed_sql}) AS parts
            GROUP BY 1, 2, 3
            HAVING sum(n) > 0
        )
        SELECT sum(n)::bigint AS count, sum(f)::bigint AS fatalities,
            (array_agg(event_type ORDER BY n DESC, event_type))[1] AS event_type,
            sum(sx) / sum(n) AS lon, sum(sy) / sum(n) AS lat
        FROM typed
        GROUP BY cx, cy
        ORDER BY count DESC, lon, lat
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit + 1])
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows[:limit], len(rows) > limit


def incident_removals(*, since: dt.datetime | None = None) -> QuerySet[IncidentRemoval]:
    """Tombstones of incidents that left the public set, oldest first; those public again are left out."""
    qs = IncidentRemoval.objects.all()
    if since is not None:
        qs = qs.filter(removed_at__gte=since)
    back = Incident.objects.filter(pk=OuterRef("incident_id"), status__in=PUBLIC_STATUSES)
    return qs.filter(~Exists(back)).order_by("removed_at", "pk")


def actor_list(*, q: str = "") -> QuerySet[Actor]:
    """Actors by any alias ("Daesh", "Hashd al-Shaabi"), or by a fragment of their name."""
    qs = Actor.objects.all()
    if q.strip():
        name = normalize_name(q)
        qs = qs.filter(Q(search_names__contains=[name]) | Q(name__icontains=q.strip()))
    return qs.order_by("name", "pk")


def article_list(*, status: str = "") -> QuerySet[Article]:
    qs = Article.objects.select_related("source")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def article_get(*, pk: int) -> Article | None:
    return Article.objects.select_related("source").filter(pk=pk).first()


def article_incidents(*, article: Article, user=None) -> QuerySet[Incident]:
    """The incidents an article produced or supports."""
    qs = Incident.objects.filter(source_links__article=article)
    if not user_is_editor(user):
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    return qs.order_by("-date", "-pk")


def source_list() -> QuerySet[Source]:
    return Source.objects.order_by("name", "pk")


# --- Pages (dashboard engineer): small reads for the server-rendered pages -----------------------------------------


def place_get(*, pk: int) -> Place | None:
    return Place.objects.filter(pk=pk).first()


def actor_get(*, pk: int) -> Actor | None:
    return Actor.objects.select_related("parent").prefetch_related("children").filter(pk=pk).first()


def place_provinces() -> list[tuple[str, list[str]]]:
    """The provinces (admin1) the gazetteer knows, per country code, for the dashboard's province filter."""
    pairs = Place.objects.exclude(admin1="").values_list("country", "admin1").distinct().order_by("country", "admin1")
    provinces: dict[str, list[str]] = {}
    for country, admin1 in pairs:
        provinces.setdefault(country, []).append(admin1)
    return list(provinces.items())


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


# --- Scale (bench engineer): timeline from the summary table, data version for HTTP caching -------------------------

# Filters the daily summary (day x event type x country x admin1, counts per status) can answer.
SUMMARY_FILTERS = frozenset({"status", "date_from", "date_to", "event_type", "country", "admin1"})


def timeline_summary_supports(filters: dict) -> bool:
    """Whether incidents_daily_stat can answer a timeline for these filters (no bbox, q, actor, place...)."""
    return all(key in SUMMARY_FILTERS for key, value in (filters or {}).items() if value not in (None, "", [], ()))


def _whole_months(interval: str, filters: dict) -> bool:
    """Whether the monthly roll-up answers exactly: month or year buckets, and dates (if any) on month bounds."""
    if interval not in ("month", "year"):
        return False
    start, end = filters.get("date_from"), filters.get("date_to")
    start = dt.date.fromisoformat(start) if isinstance(start, str) else start
    end = dt.date.fromisoformat(end) if isinstance(end, str) else end
    return (start is None or start.day == 1) and (end is None or (end + dt.timedelta(days=1)).day == 1)


def incident_timeline_from_summary(*, filters: dict, user=None, interval: str = "month") -> list[dict]:
    """The same rows as `incident_timeline`, read from the trigger-kept daily summary plus its pending deltas.

    Only for filters `timeline_summary_supports`; statuses follow `incident_list` (rejected only for editors).
    """
    if interval not in ("day", "week", "month", "year"):
        raise ValueError(f"Unknown interval {interval!r}")
    if not timeline_summary_supports(filters):
        raise ValueError("These filters need the incident table, not the summary")
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    statuses = _as_list(filters.get("status")) or list(PUBLIC_STATUSES)
    if not user_is_editor(user):
        statuses = [s for s in statuses if s in PUBLIC_STATUSES]
    statuses = [s for s in Incident.Status.values if s in statuses]
    if not statuses:
        return []
    count = " + ".join(f"n_{s}" for s in statuses)
    fatalities = " + ".join(f"f_{s}" for s in statuses)
    where, params = [], []
    if "date_from" in filters:
        where.append("day >= %s")
        params.append(filters["date_from"])
    if "date_to" in filters:
        where.append("day <= %s")
        params.append(filters["date_to"])
    for field in ("event_type", "country"):
        values = _as_list(filters.get(field))
        if values:
            where.append(f"{field} = ANY(%s)")
            params.append(values)
    if "admin1" in filters:
        where.append("admin1 = %s")
        params.append(filters["admin1"])
    condition = " AND ".join(where) or "true"
    table = "incidents_daily_stat"
    if _whole_months(interval, filters):
        # Without a province filter, the roll-up by country alone (migration 0013) has ~15x fewer rows.
        table = "incidents_monthly_stat" if "admin1" in filters else "incidents_monthly_country_stat"
    sql = f"""
        SELECT date_trunc(%s, day)::date AS bucket, event_type, sum({count})::bigint, sum({fatalities})::bigint
        FROM (
            SELECT * FROM {table} WHERE {condition}
            UNION ALL
            SELECT * FROM incidents_daily_stat_delta WHERE {condition}
        ) AS cells
        GROUP BY 1, 2
        HAVING sum({count}) <> 0
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [interval, *params, *params])
        return [
            {"bucket": bucket, "event_type": event_type, "count": n, "fatalities": f}
            for bucket, event_type, n, f in cursor.fetchall()
        ]


def data_version() -> int:
    """A number that changes whenever incidents, their actors or their sources change (bumped at commit by
    triggers), for ETags and cache keys."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM incidents_data_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


# --- Gazetteer (gazetteer engineer): place look-up by any spelling ---------------------------------------------------

_ARTICLES = ("al ", "el ", "ar ", "as ", "ash ", "at ", "ad ", "adh ", "az ", "an ", "the ")
PLACE_SIMILARITY = 0.45
# normalize_name in SQL (unaccent + the same folding), to rank entries whose own name matches above alternates.
_SQL_NORMALIZED_NAME = (
    "trim(regexp_replace(lower(unaccent(translate(incidents_place.name, '''`‘’ʿʾ', ''))), '[^a-z0-9]+', ' ', 'g'))"
)


def _place_name_variants(name: str) -> list[str]:
    """The normalised name with and without an Arabic article: "Qaim" also finds "Al Qa'im", "al-Hawija" "Hawija"."""
    variants = [name]
    for article in _ARTICLES:
        if name.startswith(article) and len(name) > len(article) + 2:
            variants.append(name[len(article) :])
            break
    else:
        variants.append(f"al {name}")
    return variants


def place_search(*, q: str, limit: int = 20) -> QuerySet[Place]:
    """Places named `q` in any spelling, case and accents ignored; the most populous first, a sliced queryset.

    Exact matches of a normalised name or alternate win (among places of equal or unknown population, those whose own
    name matches first); only when nothing matches exactly do trigram-similar names (pg_trgm) come back, closest first.
    """
    from django.db.models import BooleanField, Case, When
    from django.db.models.expressions import RawSQL

    name = normalize_name(q or "")
    if not name:
        return Place.objects.none()
    variants = _place_name_variants(name)
    exact = Place.objects.filter(search_names__overlap=variants)
    if exact.exists():
        own_name = RawSQL(f"{_SQL_NORMALIZED_NAME} = ANY(%s)", (variants,), output_field=BooleanField())
        return exact.annotate(
            match_rank=Case(When(own_name, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by(F("population").desc(nulls_last=True), "match_rank", "name", "pk")[:limit]
    similarity = RawSQL(
        "(SELECT max(similarity(s, %s)) FROM unnest(incidents_place.search_names) AS s)", (name,), FloatField()
    )
    return (
        Place.objects.annotate(similarity=similarity)
        .filter(similarity__gte=PLACE_SIMILARITY)
        .order_by("-similarity", F("population").desc(nulls_last=True), "pk")[:limit]
    )


def _sql_case(column: str, mapping: dict, default: str) -> str:
    """CASE over a small fixed mapping (labels, codes), so the export needs no per-row Python lookups."""
    from django.db.backends.postgresql.psycopg_any import sql as psql

    def literal(value) -> str:
        return psql.Literal(value).as_string(None) if isinstance(value, str) else str(int(value))

    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE {default} END"


_CSV_SPECIAL = ('"', ",", "\r", "\n")


def _acled_select(labels: dict[str, dict]) -> list[tuple[str, bool]]:
    """The ACLED columns as SQL on alias `i` (the incident) and `p` (its place), formatted by PostgreSQL, each with
    whether it may hold a comma, a quote or a line break (free text, or a label that does)."""

    def labelled(column: str, mapping: dict, default: str) -> tuple[str, bool]:
        special = any(c in str(v) for v in mapping.values() for c in _CSV_SPECIAL)
        return _sql_case(column, mapping, default), special or default == column

    return [
        (_sql_case("i.country", labels["country_code"], "'XXX'") + " || i.id", False),
        ("to_char(i.date, 'YYYY-MM-DD')", False),
        ("date_part('year', i.date)::int", False),
        labelled("i.date_precision", labels["time_precision"], "3"),
        labelled("i.event_type", labels["disorder_type"], "''"),
        labelled("i.event_type", labels["event_type"], "i.event_type"),
        labelled("i.sub_event_type", labels["sub_event_type"], "i.sub_event_type"),
        ("i.actor1_names", True),
        ("i.actor2_names", True),
        labelled("i.country", labels["country_name"], "i.country"),
        ("i.admin1", True),
        ("coalesce(p.admin2, '')", True),
        ("i.location_name", True),
        # Rounded in binary and printed shortest-exact: to_char(..., 'FM9990.00000') cost ~2 us a value.
        ("coalesce((round(i.lat * 100000) / 100000)::text, '')", False),
        ("coalesce((round(i.lon * 100000) / 100000)::text, '')", False),
        labelled("i.geo_precision", labels["geo_precision"], "3"),
        ("i.outlet_names", True),
        ("i.summary", True),
        ("coalesce(i.fatalities, 0)", False),
        ("floor(date_part('epoch', i.updated_at))::bigint", False),
    ]


def _csv_field(sql: str, free_text: bool) -> str:
    if not free_text:
        return f"({sql})::text"
    # Always quoted (RFC 4180 allows it): testing each value for a comma or quote first cost ~1.5 us a value.
    return f"""('"' || replace({sql}, '"', '""') || '"')"""


def _export_pages(
    *, queryset: QuerySet[Incident], order_by: list[str], select: list[str], chunk_size: int, page_size: int
):
    """Batches of `select` (SQL on alias `i` and its place `p`) for the queryset, in keyset pages over a server-side
    cursor: each page is an index range read in order (no sort, no materialised rows), and memory stays flat here."""
    base = (
        queryset.order_by()
        .annotate(lon=_X("point"), lat=_Y("point"))
        .values(
            "id",
            "date",
            "date_precision",
            "event_type",
            "sub_event_type",
            "country",
            "admin1",
            "location_name",
            "geo_precision",
            "summary",
            "fatalities",
            "updated_at",
            "place_id",
            "lon",
            "lat",
            "actor1_names",
            "actor2_names",
            "outlet_names",
        )
    )
    base_sql, params = base.query.sql_with_params()
    # The ordering key is the first `order_by` term (on alias `i`), the id the second.
    key_sql, direction = order_by[0].rsplit(" ", 1)
    op = "<" if direction.upper() == "DESC" else ">"
    sql = f"""
        SELECT {", ".join(select)}, {key_sql}, i.id
        FROM ({base_sql}) AS i
        LEFT JOIN {Place._meta.db_table} p ON p.id = i.place_id
        WHERE {{after}}
        ORDER BY {", ".join(order_by)}
        LIMIT {int(page_size)}
    """
    after, after_params = "true", []
    while True:
        rows = 0
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql.replace("{after}", after), [*params, *after_params])
            while batch := cursor.fetchmany(chunk_size):
                rows += len(batch)
                last = batch[-1]
                yield batch
        if rows < page_size:
            return
        after, after_params = f"({key_sql}, i.id) {op} (%s, %s)", [last[-2], last[-1]]


def incident_export_batches(
    *,
    queryset: QuerySet[Incident],
    order_by: list[str],
    labels: dict[str, dict],
    chunk_size: int = 5000,
    page_size: int = 50_000,
):
    """ACLED CSV rows (tuples of ready-to-write values) for the queryset, in batches, over a server-side cursor.

    Actors and outlets come from the incident's own summary columns (migration 0009) and every value is formatted
    by PostgreSQL: per-row subqueries and per-row Python conversions capped a million-row export at a few
    thousand rows per second. `order_by` holds SQL on the alias `i` (e.g. `["i.date DESC", "i.id DESC"]`);
    `labels` maps: event_type, sub_event_type, disorder_type, time_precision, geo_precision, country_code
    (ISO alpha-2 -> alpha-3), country_name.
    """
    for batch in _export_pages(
        queryset=queryset,
        order_by=order_by,
        select=[sql for sql, _ in _acled_select(labels)],
        chunk_size=chunk_size,
        page_size=page_size,
    ):
        yield [row[:-2] for row in batch]


def incident_export_csv(
    *,
    queryset: QuerySet[Incident],
    order_by: list[str],
    labels: dict[str, dict],
    chunk_size: int = 10_000,
    page_size: int = 100_000,
):
    """The same rows as `incident_export_batches`, as CSV text (one string per batch, no header line).

    PostgreSQL writes each line, so Python only joins strings; PostgreSQL's per-row expressions (~1 us each) are
    then most of the export's time.
    """
    fields = [_csv_field(sql, free_text) for sql, free_text in _acled_select(labels)]
    # One concat_ws call per line (every field is non-null): ~18% less per-row work than a chain of `||`.
    line = f"concat_ws(',', {', '.join(fields)}) || E'\\r\\n'"
    for batch in _export_pages(
        queryset=queryset, order_by=order_by, select=[line], chunk_size=chunk_size, page_size=page_size
    ):
        yield "".join([row[0] for row in batch])
