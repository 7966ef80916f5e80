"""The ACLED CSV export: its columns, each with the SQL that fills it, written by PostgreSQL page by page."""

from __future__ import annotations

from django.db import connection
from django.db.backends.postgresql.psycopg_any import sql as psql
from django.db.models import QuerySet

from ..countries import country_name, country_numeric, covered_countries
from ..datefmt import date_label_sql
from ..models import Actor, Article, Incident, IncidentSource, Place, Source
from ..taxonomy import DISORDER_TYPE, EventType, SubEventType
from .expressions import X, Y, sql_case

# ACLED: 1 = the day is known, 2 = within a week, 3 = only the month (or a wider span).
ACLED_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3, "received": 3}
# ACLED: 1 = the town itself, 2 = near it or a part of it, 3 = only the district or province.
ACLED_GEO_PRECISION = {"exact": 1, "near": 2, "admin": 3, "country": 3}
# ACLED's type for our actor kinds; a curator's Actor.acled_inter wins (identity militias, rioters cannot be told
# from the kind).
ACLED_INTER_BY_KIND = {
    Actor.Kind.STATE_FORCE: Actor.AcledInter.STATE_FORCES,
    Actor.Kind.INSURGENT: Actor.AcledInter.REBEL_GROUPS,
    Actor.Kind.MILITIA: Actor.AcledInter.POLITICAL_MILITIAS,
    Actor.Kind.PROTESTERS: Actor.AcledInter.PROTESTERS,
    Actor.Kind.CIVILIANS: Actor.AcledInter.CIVILIANS,
    Actor.Kind.FOREIGN_FORCE: Actor.AcledInter.EXTERNAL_OTHER,
    Actor.Kind.OTHER: Actor.AcledInter.EXTERNAL_OTHER,
}
# ACLED's regions of the countries we may cover (COVERED_COUNTRIES); another country gets an empty region.
ACLED_REGIONS = dict.fromkeys(
    ("IQ", "SY", "TR", "IR", "LB", "JO", "IL", "PS", "SA", "YE", "KW", "BH", "QA", "AE", "OM"), "Middle East"
)
ACLED_LABELS = {
    "event_type": dict(EventType.choices),
    "sub_event_type": dict(SubEventType.choices),
    "disorder_type": {str(k): v for k, v in DISORDER_TYPE.items()},
    "time_precision": ACLED_TIME_PRECISION,
    "geo_precision": ACLED_GEO_PRECISION,
    # ACLED's country names.
    "country_name": {code: country_name(code) for code in covered_countries()},
    "iso": {code: country_numeric(code) for code in covered_countries()},
    "region": {code: ACLED_REGIONS.get(code, "") for code in covered_countries()},
}

_CSV_SPECIAL = ('"', ",", "\r", "\n")


def _labelled(column: str, mapping: dict, default: str) -> tuple[str, bool]:
    special = any(c in str(v) for v in mapping.values() for c in _CSV_SPECIAL)
    return sql_case(column, mapping, default), special or default == column


def _acled_fields(labels: dict[str, dict]) -> list[tuple[str, str, bool]]:
    """ACLED's 31 columns in ACLED's order: (header, SQL on alias `i` (the incident), `p` (its place), `act` (its
    actors by role), `a1` / `a2` (the first actor of each side) and `sc` (its sources' scales), formatted by
    PostgreSQL, whether the value may hold a comma, a quote or a line break (free text, or a label that does))."""
    inter1, inter2 = _inter("a1"), _inter("a2")
    return [
        ("event_id_cnty", "i.public_id", False),
        ("event_date", "to_char(i.date, 'YYYY-MM-DD')", False),
        ("year", "date_part('year', i.date)::int", False),
        ("time_precision", *_labelled("i.date_precision", labels["time_precision"], "3")),
        ("disorder_type", *_labelled("i.event_type", labels["disorder_type"], "''")),
        ("event_type", *_labelled("i.event_type", labels["event_type"], "i.event_type")),
        ("sub_event_type", *_labelled("i.sub_event_type", labels["sub_event_type"], "i.sub_event_type")),
        # ACLED names one actor per side and lists the others with it as associated actors ("; "-separated).
        ("actor1", "coalesce(act.side1[1], '')", True),
        ("assoc_actor_1", "array_to_string(act.side1[2:] || act.associated, '; ')", True),
        ("inter1", inter1, False),
        ("actor2", "coalesce(act.side2[1], '')", True),
        ("assoc_actor_2", "array_to_string(act.side2[2:], '; ')", True),
        ("inter2", inter2, False),
        # ACLED: the two types' codes, lower first (17: state forces against civilians); one side alone is X0.
        ("interaction", f"CASE WHEN {inter2} = 0 THEN {inter1} * 10 "
                        f"ELSE least({inter1}, {inter2}) * 10 + greatest({inter1}, {inter2}) END", False),
        ("civilian_targeting", "CASE WHEN i.event_type = 'violence_against_civilians' OR "
                               f"{inter2} = {Actor.AcledInter.CIVILIANS} THEN 'Civilian targeting' ELSE '' END", False),
        ("iso", sql_case("i.country", labels["iso"], "0"), False),
        ("region", *_labelled("i.country", labels["region"], "''")),
        ("country", *_labelled("i.country", labels["country_name"], "i.country")),
        ("admin1", "i.admin1", True),
        ("admin2", "coalesce(p.admin2, '')", True),
        # The gazetteer holds no third level (sub-districts sit as places of their own).
        ("admin3", "''", False),
        ("location", "i.location_name", True),
        # Rounded in binary and printed shortest-exact: cheaper per value than to_char(..., 'FM9990.00000').
        ("latitude", "coalesce((round(i.lat * 100000) / 100000)::text, '')", False),
        ("longitude", "coalesce((round(i.lon * 100000) / 100000)::text, '')", False),
        ("geo_precision", *_labelled("i.geo_precision", labels["geo_precision"], "3")),
        ("source", "i.outlet_names", True),
        ("source_scale", "coalesce(sc.scales, '')", False),
        ("notes", "i.summary", True),
        # ACLED writes 0 where the toll is unknown, and says so in `tags`.
        ("fatalities", "coalesce(i.fatalities, 0)", False),
        ("tags", "concat_ws('; ', CASE WHEN i.fatalities IS NULL THEN 'fatalities unknown' END, "
                 "CASE WHEN i.event_type IN ('protests', 'riots') THEN 'crowd size=no report' END)", False),
        ("timestamp", "floor(date_part('epoch', i.updated_at))::bigint", False),
    ]  # fmt: skip


def _inter(alias: str) -> str:
    """The ACLED actor type of an actor row: the curator's choice, else the one its kind implies; 0 without one."""
    by_kind = sql_case(f"{alias}.kind", ACLED_INTER_BY_KIND, str(int(Actor.AcledInter.EXTERNAL_OTHER)))
    return f"CASE WHEN {alias}.id IS NULL THEN 0 ELSE coalesce({alias}.acled_inter, {by_kind}) END"


# The actors of an incident by side, in link order, from its trigger-kept `actors_json` (ordered by role, then link),
# and the first actor of each side for its type; then the distinct scales of its sources, narrowest first.
EXPORT_JOINS = f"""
    LEFT JOIN LATERAL (
        SELECT coalesce(array_agg(e->>'name' ORDER BY n) FILTER (WHERE e->>'role' = '1'), '{{}}') AS side1,
               coalesce(array_agg(e->>'name' ORDER BY n) FILTER (WHERE e->>'role' = '2'), '{{}}') AS side2,
               coalesce(array_agg(e->>'name' ORDER BY n) FILTER (WHERE e->>'role' NOT IN ('1', '2')), '{{}}')
                   AS associated,
               (array_agg((e->>'id')::bigint ORDER BY n) FILTER (WHERE e->>'role' = '1'))[1] AS actor1_id,
               (array_agg((e->>'id')::bigint ORDER BY n) FILTER (WHERE e->>'role' = '2'))[1] AS actor2_id
        FROM jsonb_array_elements(i.actors_json) WITH ORDINALITY AS t(e, n)
    ) act ON true
    LEFT JOIN {Actor._meta.db_table} a1 ON a1.id = act.actor1_id
    LEFT JOIN {Actor._meta.db_table} a2 ON a2.id = act.actor2_id
    LEFT JOIN LATERAL (
        SELECT string_agg(scale, '-' ORDER BY rank) AS scales FROM (
            SELECT DISTINCT s.scale, array_position(%s::text[], s.scale) AS rank
            FROM {IncidentSource._meta.db_table} l
            JOIN {Article._meta.db_table} ar ON ar.id = l.article_id
            JOIN {Source._meta.db_table} s ON s.id = ar.source_id
            WHERE l.incident_id = i.id AND s.scale <> ''
        ) scales
    ) sc ON true
"""
EXPORT_JOIN_PARAMS = [list(Source.Scale.values)]


ACLED_FIELDS = _acled_fields(ACLED_LABELS)
ACLED_COLUMNS = tuple(header for header, _, _ in ACLED_FIELDS)


def _csv_field(sql: str, free_text: bool) -> str:
    if not free_text:
        return f"({sql})::text"
    # Always quoted (RFC 4180 allows it): cheaper than testing each value for a comma or a quote first.
    return f"""('"' || replace({sql}, '"', '""') || '"')"""


def _export_pages(
    *,
    queryset: QuerySet[Incident],
    order_by: list[str],
    select: list[str],
    chunk_size: int,
    page_size: int,
    joins: str = "",
    join_params: list | None = None,
):
    """Batches of `select` (SQL on alias `i` and its place `p`) for the queryset, in keyset pages over a server-side
    cursor: each page is an index range read in order (no sort, no materialised rows), and memory stays flat here."""
    base = (
        queryset.order_by()
        .annotate(lon=X("point"), lat=Y("point"))
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
            "fatalities_low",
            "fatalities_high",
            "injured",
            "missing",
            "status",
            "created_at",
            "actors_json",
            "n_sources",
            "public_id",
            "confidence",
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
        {joins}
        WHERE {{after}}
        ORDER BY {", ".join(order_by)}
        LIMIT {int(page_size)}
    """
    after, after_params = "true", []
    while True:
        rows = 0
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql.replace("{after}", after), [*params, *(join_params or []), *after_params])
            while batch := cursor.fetchmany(chunk_size):
                rows += len(batch)
                last = batch[-1]
                yield batch
        if rows < page_size:
            return
        after, after_params = f"({key_sql}, i.id) {op} (%s, %s)", [last[-2], last[-1]]


def incident_export_csv(
    *,
    queryset: QuerySet[Incident],
    order_by: list[str],
    chunk_size: int = 10_000,
    page_size: int = 100_000,
):
    """ACLED_FIELDS of the queryset as CSV text (one string per batch, no header line), over a server-side cursor.

    Actors and outlets come from the incident's own summary columns (migration 0009) and PostgreSQL writes each line,
    so Python only joins strings. `order_by` holds SQL on the alias `i` (e.g. `["i.date DESC", "i.id DESC"]`).
    """
    fields = [_csv_field(sql, free_text) for _, sql, free_text in ACLED_FIELDS]
    # One concat_ws call per line (every field is non-null): less per-row work than a chain of `||`.
    line = f"concat_ws(',', {', '.join(fields)}) || E'\\r\\n'"
    for batch in _export_pages(
        queryset=queryset,
        order_by=order_by,
        select=[line],
        chunk_size=chunk_size,
        page_size=page_size,
        joins=EXPORT_JOINS,
        join_params=EXPORT_JOIN_PARAMS,
    ):
        yield "".join([row[0] for row in batch])


# The actors as the API lists them (role names, not numbers): jsonb prints keys ordered by length, so `"role": 1}`
# only ever is a role (see selectors.incidents._ACTORS_WITH_ROLE_NAMES, the same replace on the list's rows).
_ACTORS_JSON = """regexp_replace(
    replace(replace(i.actors_json::text, '"role": 1}', '"role": "actor1"}'), '"role": 2}', '"role": "actor2"}'),
    '"role": [0-9]+}', '"role": "associated"}', 'g')::json"""
# The feature's properties in the order of the API's list (selectors.API_ROW_FIELDS), then `url` and `actors`.
_GEOJSON_PROPERTIES = (
    ("id", "i.id"),
    ("event_id_cnty", "i.public_id"),
    ("event_type", "i.event_type"),
    ("sub_event_type", "i.sub_event_type"),
    ("date", "i.date"),
    ("date_precision", "i.date_precision"),
    ("place_id", "i.place_id"),
    ("location_name", "i.location_name"),
    ("country", "i.country"),
    ("admin1", "i.admin1"),
    ("geo_precision", "i.geo_precision"),
    ("fatalities_low", "i.fatalities_low"),
    ("fatalities", "i.fatalities"),
    ("fatalities_high", "i.fatalities_high"),
    ("injured", "i.injured"),
    ("missing", "i.missing"),
    ("status", "i.status"),
    ("confidence", "i.confidence"),
    ("summary", "i.summary"),
    ("date_label", date_label_sql("i")),
    ("created_at", "i.created_at"),
    ("updated_at", "i.updated_at"),
    ("source_count", "i.n_sources"),
)


def incident_export_geojson(
    *,
    queryset: QuerySet[Incident],
    order_by: list[str],
    base_url: str,
    chunk_size: int = 5_000,
    page_size: int = 100_000,
):
    """Every incident of the queryset as one GeoJSON FeatureCollection, in text chunks (PostgreSQL writes each
    feature), over the CSV export's keyset pages and server-side cursor: memory stays flat however many match.
    `base_url` is the incident list's absolute URL; each feature's `url` is its detail under it."""
    url = f"{psql.Literal(base_url).as_string(None)} || i.id || '/'"
    pairs = [*_GEOJSON_PROPERTIES, ("url", url), ("actors", _ACTORS_JSON)]
    properties = "json_build_object(" + ", ".join(f"'{name}', {sql}" for name, sql in pairs) + ")"
    geometry = (
        "CASE WHEN i.lon IS NULL THEN NULL ELSE "
        "json_build_object('type', 'Point', 'coordinates', json_build_array(i.lon, i.lat)) END"
    )
    feature = f"json_build_object('type', 'Feature', 'id', i.id, 'geometry', {geometry}, 'properties', {properties})"
    yield '{"type": "FeatureCollection", "features": [\n'
    separator = ""
    for batch in _export_pages(
        queryset=queryset, order_by=order_by, select=[f"({feature})::text"], chunk_size=chunk_size, page_size=page_size
    ):
        yield separator + ",\n".join([row[0] for row in batch])
        separator = ",\n"
    yield "\n]}\n"
