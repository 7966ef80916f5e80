"""Synthetic incidents for benchmarks: realistic in shape, marked `is_synthetic`, loaded with COPY.

The shape follows what ACLED shows for Iraq and Syria: incidents cluster on populated places (weighted by
population and by the provinces that saw most fighting), intensity follows the wars (Iraq 2006-08 and 2014-17,
Syria from 2012), explosions/remote violence dominate the type mix, and fatalities have a long tail (most events
kill nobody, a few kill hundreds). Every incident has one to five sources: its own synthetic article, plus other
incidents' articles (round-up reports). The synthetic articles belong to one inactive synthetic Source, so
`synthetic_delete()` removes exactly what `synthetic_generate()` made.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import deletion
from django.utils import timezone

from .models import Actor, Article, Incident, IncidentActor, IncidentSource, Place, Source
from .services import incident_stats_compact
from .taxonomy import SUB_EVENT_TYPES, EventType, SubEventType

log = logging.getLogger(__name__)

SYNTHETIC_SOURCE_URL = "https://synthetic.invalid/feed.xml"
SYNTHETIC_ARTICLE_URL = "https://synthetic.invalid/articles/{}"
FIRST_DAY = dt.date(2006, 1, 1)
YEARS = 20
# Above this many rows, dropping the heavy indexes and rebuilding them once beats updating them row by row.
REBUILD_INDEXES_FROM = 200_000

# Real towns with coordinates (GeoNames), for databases without a gazetteer.
FALLBACK_PLACES: list[tuple[str, str, str, float, float, int]] = [
    ("Baghdad", "IQ", "Baghdad", 44.4009, 33.3406, 7_216_000),
    ("Mosul", "IQ", "Nineveh", 43.1189, 36.335, 1_740_000),
    ("Basra", "IQ", "Basra", 47.7804, 30.5085, 2_600_000),
    ("Kirkuk", "IQ", "Kirkuk", 44.3922, 35.4681, 975_000),
    ("Erbil", "IQ", "Erbil", 44.0092, 36.1911, 932_000),
    ("Sulaymaniyah", "IQ", "Sulaymaniyah", 45.4375, 35.5613, 723_000),
    ("Najaf", "IQ", "Najaf", 44.3361, 32.0259, 482_000),
    ("Karbala", "IQ", "Karbala", 44.0249, 32.6149, 434_000),
    ("Nasiriyah", "IQ", "Dhi Qar", 46.2575, 31.0586, 400_000),
    ("Amarah", "IQ", "Maysan", 47.1396, 31.8356, 323_000),
    ("Diwaniyah", "IQ", "Al-Qadisiyah", 44.9254, 31.9899, 318_000),
    ("Kut", "IQ", "Wasit", 45.8257, 32.5128, 315_000),
    ("Hillah", "IQ", "Babil", 44.4211, 32.4837, 289_000),
    ("Ramadi", "IQ", "Anbar", 43.3058, 33.4206, 274_000),
    ("Fallujah", "IQ", "Anbar", 43.7799, 33.3509, 190_000),
    ("Samarra", "IQ", "Salah ad-Din", 43.8756, 34.1959, 158_000),
    ("Baqubah", "IQ", "Diyala", 44.6549, 33.7466, 153_000),
    ("Tikrit", "IQ", "Salah ad-Din", 43.6792, 34.6071, 160_000),
    ("Tal Afar", "IQ", "Nineveh", 42.4485, 36.374, 220_000),
    ("Dohuk", "IQ", "Dohuk", 42.9885, 36.8669, 350_000),
    ("Sinjar", "IQ", "Nineveh", 41.8633, 36.3209, 40_000),
    ("Makhmur", "IQ", "Erbil", 43.5808, 35.776, 20_000),
    ("Hit", "IQ", "Anbar", 42.8251, 33.6416, 60_000),
    ("Haditha", "IQ", "Anbar", 42.3722, 34.1396, 42_000),
    ("Baiji", "IQ", "Salah ad-Din", 43.4929, 34.9294, 50_000),
    ("Tuz Khurmatu", "IQ", "Salah ad-Din", 44.6326, 34.8856, 60_000),
    ("Al-Qa'im", "IQ", "Anbar", 41.0431, 34.3681, 74_000),
    ("Damascus", "SY", "Damascus", 36.2913, 33.5102, 1_711_000),
    ("Aleppo", "SY", "Aleppo", 37.1613, 36.2021, 1_800_000),
    ("Homs", "SY", "Homs", 36.7237, 34.7308, 775_000),
    ("Hama", "SY", "Hama", 36.7578, 35.1318, 696_000),
    ("Latakia", "SY", "Latakia", 35.7915, 35.5317, 383_000),
    ("Deir ez-Zor", "SY", "Deir ez-Zor", 40.1408, 35.3359, 242_000),
    ("Raqqa", "SY", "Raqqa", 39.0094, 35.9528, 220_000),
    ("Idlib", "SY", "Idlib", 36.6339, 35.9306, 165_000),
    ("Daraa", "SY", "Daraa", 36.1021, 32.6189, 146_000),
    ("Al-Hasakah", "SY", "Al-Hasakah", 40.7477, 36.5024, 188_000),
    ("Qamishli", "SY", "Al-Hasakah", 41.2269, 37.0522, 184_000),
    ("Manbij", "SY", "Aleppo", 37.9536, 36.5281, 100_000),
    ("Al-Bab", "SY", "Aleppo", 37.5167, 36.3706, 63_000),
    ("Kobani", "SY", "Aleppo", 38.3547, 36.8906, 45_000),
    ("Palmyra", "SY", "Homs", 38.2684, 34.5602, 51_000),
    ("Douma", "SY", "Rif Dimashq", 36.4013, 33.5711, 111_000),
    ("Tartus", "SY", "Tartus", 35.8866, 34.889, 115_000),
    ("Al-Bukamal", "SY", "Deir ez-Zor", 40.9186, 34.4531, 50_000),
    ("Afrin", "SY", "Aleppo", 36.8689, 36.5083, 36_000),
    ("Saraqib", "SY", "Idlib", 36.8, 35.8644, 32_000),
    ("Suwayda", "SY", "As-Suwayda", 36.5695, 32.7089, 73_000),
]
FALLBACK_ACTORS: list[tuple[str, str]] = [
    ("Islamic State", Actor.Kind.INSURGENT),
    ("Iraqi Security Forces", Actor.Kind.STATE_FORCE),
    ("Popular Mobilization Forces", Actor.Kind.MILITIA),
    ("Peshmerga", Actor.Kind.STATE_FORCE),
    ("US forces / coalition", Actor.Kind.FOREIGN_FORCE),
    ("Syrian Arab Army", Actor.Kind.STATE_FORCE),
    ("Civilians", Actor.Kind.CIVILIANS),
    ("Protesters", Actor.Kind.PROTESTERS),
]

# Provinces that saw most of the violence draw more incidents than their population alone would give them.
HOTSPOTS = {
    "anbar": 3.0,
    "al anbar": 3.0,
    "nineveh": 3.0,
    "ninawa": 3.0,
    "baghdad": 1.5,
    "diyala": 2.5,
    "salah ad din": 2.5,
    "kirkuk": 2.0,
    "aleppo": 2.5,
    "idlib": 3.0,
    "deir ez zor": 3.0,
    "raqqa": 2.5,
    "ar raqqah": 2.5,
    "hama": 2.0,
    "daraa": 2.0,
    "rif dimashq": 2.0,
    "damascus countryside": 2.0,
    "homs": 2.0,
}
# Relative intensity by year from 2006 (index 0) to 2025; shaped like ACLED/UCDP yearly counts.
YEAR_WEIGHT = {
    "IQ": [9, 10, 7, 4, 3, 3, 3, 5, 10, 10, 9, 8, 4, 3, 2, 2, 2, 1.5, 1.5, 1],
    "SY": [0.3, 0.3, 0.3, 0.3, 0.3, 4, 9, 10, 10, 10, 10, 9, 7, 6, 4, 4, 3, 3, 3, 3],
}
TYPE_WEIGHT = {
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: 42,
    EventType.BATTLES: 22,
    EventType.VIOLENCE_AGAINST_CIVILIANS: 12,
    EventType.PROTESTS: 12,
    EventType.STRATEGIC_DEVELOPMENTS: 9,
    EventType.RIOTS: 3,
}
S = SubEventType
SUB_WEIGHT = {
    S.ARMED_CLASH: 90,
    S.GOVERNMENT_REGAINS_TERRITORY: 6,
    S.NON_STATE_ACTOR_OVERTAKES_TERRITORY: 4,
    S.SHELLING_ARTILLERY_MISSILE_ATTACK: 45,
    S.AIR_DRONE_STRIKE: 25,
    S.REMOTE_EXPLOSIVE_LANDMINE_IED: 22,
    S.SUICIDE_BOMB: 4,
    S.GRENADE: 3,
    S.CHEMICAL_WEAPON: 0.2,
    S.ATTACK: 75,
    S.ABDUCTION_FORCED_DISAPPEARANCE: 22,
    S.SEXUAL_VIOLENCE: 3,
    S.PEACEFUL_PROTEST: 85,
    S.PROTEST_WITH_INTERVENTION: 12,
    S.EXCESSIVE_FORCE_AGAINST_PROTESTERS: 3,
    S.VIOLENT_DEMONSTRATION: 80,
    S.MOB_VIOLENCE: 20,
    S.ARRESTS: 30,
    S.LOOTING_PROPERTY_DESTRUCTION: 20,
    S.DISRUPTED_WEAPONS_USE: 15,
    S.CHANGE_TO_GROUP_ACTIVITY: 12,
    S.HEADQUARTERS_OR_BASE_ESTABLISHED: 6,
    S.AGREEMENT: 6,
    S.NON_VIOLENT_TRANSFER_OF_TERRITORY: 4,
    S.OTHER: 7,
}
# Share of incidents with no fatality at all, and the Pareto shape of the rest (smaller = longer tail).
DEADLY = {
    EventType.BATTLES: (0.45, 1.1),
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: (0.5, 1.2),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (0.55, 1.3),
    EventType.PROTESTS: (0.01, 2.0),
    EventType.RIOTS: (0.08, 1.8),
    EventType.STRATEGIC_DEVELOPMENTS: (0.02, 2.0),
}
MAX_FATALITIES = 2_000
# Who fights whom, by actor kind: actor 1 kinds, actor 2 kinds.
ROLE_KINDS = {
    EventType.BATTLES: (("state_force", "militia", "foreign_force"), ("insurgent",)),
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: (("insurgent", "foreign_force", "state_force"), ("civilians", "state_force")),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (("insurgent", "militia", "state_force"), ("civilians",)),
    EventType.PROTESTS: (("protesters",), ()),
    EventType.RIOTS: (("protesters", "other"), ("state_force",)),
    EventType.STRATEGIC_DEVELOPMENTS: (("state_force", "militia", "insurgent", "foreign_force"), ()),
}
STAT_COLUMNS = (
    "day, event_type, country, admin1, n_unreviewed, n_verified, n_rejected, f_unreviewed, f_verified, f_rejected"
)
INCIDENT_COLUMNS = (
    "id",
    "event_type",
    "sub_event_type",
    "date",
    "date_precision",
    "place_id",
    "lon",
    "lat",
    "geo_precision",
    "country",
    "admin1",
    "location_name",
    "fatalities_low",
    "fatalities",
    "fatalities_high",
    "injured",
    "missing",
    "summary",
    "status",
)


@dataclass(frozen=True)
class Anchor:
    place_id: int | None
    name: str
    country: str
    admin1: str
    lon: float
    lat: float


class _Picker:
    """Weighted choice in O(log n) from precomputed cumulative weights (random.choices rebuilds them per call)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _anchors() -> list[tuple[Anchor, float]]:
    from .text import normalize_name

    rows = list(
        Place.objects.filter(country__in=["IQ", "SY"])
        .exclude(kind=Place.Kind.ADMIN_AREA)
        .order_by("pk")
        .values_list("pk", "name", "country", "admin1", "point", "population")
    )
    if rows:
        anchors = [
            (Anchor(pk, name, country, admin1, point.x, point.y), population or 0)
            for pk, name, country, admin1, point, population in rows
        ]
    else:
        anchors = [
            (Anchor(None, name, country, admin1, lon, lat), population)
            for name, country, admin1, lon, lat, population in FALLBACK_PLACES
        ]
    return [
        (anchor, math.sqrt(max(population, 500)) * HOTSPOTS.get(normalize_name(anchor.admin1), 1.0))
        for anchor, population in anchors
    ]


def _actor_pools() -> dict[str, list[int]]:
    if not Actor.objects.exists():
        for name, kind in FALLBACK_ACTORS:
            Actor.objects.get_or_create(name=name, defaults={"kind": kind})
    pools: dict[str, list[int]] = {}
    for pk, kind in Actor.objects.order_by("pk").values_list("pk", "kind"):
        pools.setdefault(kind, []).append(pk)
    return pools


def _pick_actor(rng: random.Random, pools: dict[str, list[int]], kinds: tuple[str, ...]) -> int | None:
    candidates = [pk for kind in kinds for pk in pools.get(kind, ())]
    if not candidates:
        candidates = [pk for ids in pools.values() for pk in ids]
    return rng.choice(candidates) if candidates else None


def _casualties(rng: random.Random, event_type: str) -> tuple[int | None, int | None, int | None, int | None]:
    deadly_share, shape = DEADLY[event_type]
    if rng.random() >= deadly_share:
        return None, 0, None, (rng.randrange(0, 4) if rng.random() < 0.2 else None)
    best = min(int(rng.paretovariate(shape)), MAX_FATALITIES)
    low = high = None
    if rng.random() < 0.3:  # sources disagree: keep the range, as UCDP does
        low = max(0, int(best * rng.uniform(0.5, 1.0)))
        high = int(math.ceil(best * rng.uniform(1.0, 1.8)))
    injured = min(int(best * rng.uniform(0, 3)), 5 * MAX_FATALITIES) if rng.random() < 0.6 else None
    return low, best, high, injured


def _copy(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _reserve_ids(cursor, table: str, count: int) -> list[int]:
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _heavy_indexes(cursor) -> list[tuple[str, str]]:
    """Non-unique secondary indexes of the tables we bulk-load, with their definitions, to drop and rebuild."""
    tables = [m._meta.db_table for m in (Incident, IncidentSource, IncidentActor, Article)]
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
        ORDER BY i.relname
        """,
        [tables],
    )
    return cursor.fetchall()


def synthetic_source() -> Source:
    source, _ = Source.objects.get_or_create(
        url=SYNTHETIC_SOURCE_URL,
        defaults={"name": "Synthetic benchmark articles", "kind": Source.Kind.PAGE, "active": False},
    )
    return source


def synthetic_count() -> int:
    return Incident.objects.filter(is_synthetic=True).count()


def synthetic_generate(
    *,
    n: int,
    seed: int = 0,
    chunk_size: int = 50_000,
    rebuild_indexes: bool | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Adds `n` synthetic incidents with their articles, actor and source links; returns how many were added.

    The same seed over the same gazetteer and actors gives the same incidents (ids aside). With
    `rebuild_indexes` (default: from 200,000 rows) the whole load runs in one transaction that drops the
    secondary indexes and rebuilds them at the end, so a failure leaves the database as it was.
    """
    if n <= 0:
        return 0
    rng = random.Random(seed)
    anchors = _anchors()
    place_picker = _Picker([a for a, _ in anchors], [w for _, w in anchors])
    type_picker = _Picker(TYPE_WEIGHT.keys(), TYPE_WEIGHT.values())
    sub_pickers = {e: _Picker(subs, [SUB_WEIGHT[s] for s in subs]) for e, subs in SUB_EVENT_TYPES.items()}
    year_pickers = {c: _Picker(range(YEARS), w) for c, w in YEAR_WEIGHT.items()}
    geo_picker = _Picker(["exact", "near", "admin", "country"], [70, 20, 8, 2])
    date_precision_picker = _Picker(["day", "week", "month", "year"], [90, 5, 4, 1])
    status_picker = _Picker(["unreviewed", "verified", "rejected"], [60, 35, 5])
    sources_picker = _Picker([1, 2, 3, 4, 5], [35, 30, 20, 10, 5])
    pools = _actor_pools()
    source = synthetic_source()
    rebuild = n >= REBUILD_INDEXES_FROM if rebuild_indexes is None else rebuild_indexes
    now = timezone.now()
    labels = dict(SubEventType.choices)

    # Places and dates first, in date order: ingest stores incidents roughly as they happen, so ids and table
    # order follow the date, and date-ordered reads (lists, exports) touch neighbouring pages, as in production.
    def place_and_day() -> tuple[dt.date, Anchor]:
        anchor = place_picker(rng)
        year = FIRST_DAY.year + year_pickers.get(anchor.country, year_pickers["IQ"])(rng)
        return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(366 if year % 4 == 0 else 365)), anchor

    where_when = sorted((place_and_day() for _ in range(n)), key=lambda pair: pair[0])

    def load_chunk(cursor, size: int) -> None:
        incident_ids = _reserve_ids(cursor, Incident._meta.db_table, size)
        article_ids = _reserve_ids(cursor, Article._meta.db_table, size)
        incidents, articles, sources, actors = [], [], [], []
        for i in range(size):
            day, anchor = where_when[done + i]
            event_type = type_picker(rng)
            sub = sub_pickers[event_type](rng)
            geo = geo_picker(rng)
            spread = {"exact": 0.0, "near": 0.03, "admin": 0.15, "country": 0.0}[geo]
            lon = round(anchor.lon + rng.gauss(0, spread), 5) if spread else anchor.lon
            lat = round(anchor.lat + rng.gauss(0, spread), 5) if spread else anchor.lat
            low, best, high, injured = _casualties(rng, event_type)
            missing = rng.randrange(1, 20) if sub == S.ABDUCTION_FORCED_DISAPPEARANCE else None
            kinds1, kinds2 = ROLE_KINDS[event_type]
            actor1 = _pick_actor(rng, pools, kinds1)
            actor2 = _pick_actor(rng, pools, kinds2) if kinds2 and rng.random() < 0.7 else None
            killed = f", killing {best}" if best else ""
            summary = f"{labels[sub]} in {anchor.name}, {anchor.admin1 or anchor.country}{killed}."
            incident_id = incident_ids[i]
            incidents.append(
                (
                    incident_id,
                    event_type,
                    sub,
                    day,
                    date_precision_picker(rng),
                    anchor.place_id,
                    lon,
                    lat,
                    geo,
                    anchor.country,
                    anchor.admin1,
                    anchor.name,
                    low,
                    best,
                    high,
                    injured,
                    missing,
                    summary,
                    status_picker(rng),
                )
            )
            published = dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC) + dt.timedelta(hours=rng.randrange(48))
            articles.append(
                (
                    article_ids[i],
                    source.pk,
                    SYNTHETIC_ARTICLE_URL.format(article_ids[i]),
                    f"{labels[sub]} reported in {anchor.name}",
                    summary,
                    published,
                    published,
                    "processed",
                    "",
                    1,
                    published,
                    now,
                    now,
                )
            )
            # Other sources are round-up articles of incidents close by in the same chunk.
            linked = {i}
            for _ in range(sources_picker(rng) - 1):
                linked.add(rng.randrange(size))
            for j in sorted(linked):
                sources.append((incident_id, article_ids[j], summary, "{}", now))
            if actor1:
                actors.append((incident_id, actor1, 1))
            if actor2 and actor2 != actor1:
                actors.append((incident_id, actor2, 2))

        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS synthetic_incident_stage ("
            "id bigint, event_type text, sub_event_type text, date date, date_precision text, place_id bigint, "
            "lon float8, lat float8, geo_precision text, country text, admin1 text, location_name text, "
            "fatalities_low int, fatalities int, fatalities_high int, injured int, missing int, summary text, "
            "status text) ON COMMIT DELETE ROWS"
        )
        _copy(cursor, "synthetic_incident_stage", INCIDENT_COLUMNS, incidents)
        _copy(
            cursor,
            Article._meta.db_table,
            (
                "id",
                "source_id",
                "url",
                "title",
                "text",
                "published",
                "fetched_at",
                "status",
                "error",
                "attempts",
                "processed_at",
                "created_at",
                "updated_at",
            ),
            articles,
        )
        # Links first (foreign keys are checked at commit), so that the incidents carry their actor and source
        # summaries (migration 0009) from the start instead of being rewritten by a second pass.
        _copy(
            cursor,
            IncidentSource._meta.db_table,
            ("incident_id", "article_id", "evidence", "extracted", "created_at"),
            sources,
        )
        _copy(cursor, IncidentActor._meta.db_table, ("incident_id", "actor_id", "role"), actors)
        # Staged so that PostGIS builds the points and PostgreSQL the search vectors, in one pass.
        cursor.execute(
            f"""
            INSERT INTO {Incident._meta.db_table} (
                id, event_type, sub_event_type, date, date_precision, place_id, point, geo_precision, country, admin1,
                location_name, fatalities_low, fatalities, fatalities_high, injured, missing, summary, status,
                curator_locked, is_synthetic, search_vector, created_at, updated_at,
                actors_json, actor1_names, actor2_names, n_sources, outlet_names, public_id)
            SELECT id, event_type, sub_event_type, date, date_precision, place_id,
                ST_SetSRID(ST_MakePoint(lon, lat), 4326), geo_precision, country, admin1, location_name,
                fatalities_low, fatalities, fatalities_high, injured, missing, summary, status,
                false, true, to_tsvector('english', summary), %s, %s,
                f.actors_json, f.actor1_names, f.actor2_names, f.n_sources, f.outlet_names,
                incidents_public_id(country, id)
            FROM synthetic_incident_stage
            JOIN incidents_link_summary(ARRAY(SELECT id FROM synthetic_incident_stage)) AS f ON f.incident_id = id
            ORDER BY id
            """,
            [now, now],
        )
        cursor.execute("TRUNCATE synthetic_incident_stage")

    done = 0
    if rebuild:
        with transaction.atomic(), connection.cursor() as cursor:
            indexes = _heavy_indexes(cursor)
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SELECT coalesce(max(id), 0) FROM incidents_incident")
            (before,) = cursor.fetchone()
            # Replica mode skips triggers, including the per-row foreign-key checks that cost more than the COPY
            # itself: every id we write was reserved or read just now. The timeline summary and the data version
            # that the skipped triggers keep are brought up to date in one pass below.
            cursor.execute("SET LOCAL session_replication_role = replica")
            while done < n:
                size = min(chunk_size, n - done)
                load_chunk(cursor, size)
                done += size
                if progress:
                    progress(size)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            cursor.execute(
                f"""
                INSERT INTO incidents_daily_stat_delta ({STAT_COLUMNS})
                SELECT date, event_type, country, admin1,
                    count(*) FILTER (WHERE status = 'unreviewed'), count(*) FILTER (WHERE status = 'verified'),
                    count(*) FILTER (WHERE status = 'rejected'),
                    coalesce(sum(fatalities) FILTER (WHERE status = 'unreviewed'), 0),
                    coalesce(sum(fatalities) FILTER (WHERE status = 'verified'), 0),
                    coalesce(sum(fatalities) FILTER (WHERE status = 'rejected'), 0)
                FROM incidents_incident WHERE is_synthetic AND id > %s GROUP BY 1, 2, 3, 4
                """,
                [before],
            )
            # The map clusters' grid summary (migration 0012), skipped with the other triggers.
            cursor.execute("SELECT incidents_cluster_stat_add_since(%s)", [before])
            cursor.execute("INSERT INTO incidents_data_change DEFAULT VALUES")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for name, definition in indexes:
                log.info("rebuilding index %s", name)
                cursor.execute(definition)
    else:
        while done < n:
            size = min(chunk_size, n - done)
            with transaction.atomic(), connection.cursor() as cursor:
                load_chunk(cursor, size)
            done += size
            if progress:
                progress(size)
    synthetic_finish()
    return done


def synthetic_finish() -> None:
    """Folds pending timeline deltas into the summary and refreshes planner statistics after a bulk change."""
    # Compaction vacuums the summary tables too (outside a transaction): the folded deltas are dead rows that
    # every timeline request would scan.
    incident_stats_compact()
    with connection.cursor() as cursor:
        # VACUUM too (outside a transaction only): it sets the visibility map that index-only scans rely on.
        analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        for model in (Incident, IncidentSource, IncidentActor, Article):
            cursor.execute(f"{analyze} {model._meta.db_table}")
        cursor.execute("ANALYZE incidents_daily_stat")


def synthetic_delete(*, progress: Callable[[str], None] | None = None) -> int:
    """Deletes every synthetic incident (with whatever cascades from it), their articles and the synthetic source.

    Raw SQL, because Django's collector would load a million objects to delete them one batch at a time;
    the on_delete rules of every model that points at Incident or Article are applied here in SQL.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # Inside an outer transaction (tests) the ON COMMIT DROP tables of an earlier call are still there.
        cursor.execute("DROP TABLE IF EXISTS synthetic_gone, synthetic_articles_gone")
        cursor.execute(
            f"CREATE TEMP TABLE synthetic_gone ON COMMIT DROP AS "
            f"SELECT id FROM {Incident._meta.db_table} WHERE is_synthetic"
        )
        cursor.execute(
            f"CREATE TEMP TABLE synthetic_articles_gone ON COMMIT DROP AS SELECT a.id FROM {Article._meta.db_table} a "
            f"JOIN {Source._meta.db_table} s ON s.id = a.source_id WHERE s.url = %s",
            [SYNTHETIC_SOURCE_URL],
        )
        cursor.execute("ANALYZE synthetic_gone; ANALYZE synthetic_articles_gone")
        for model, gone in ((Incident, "synthetic_gone"), (Article, "synthetic_articles_gone")):
            for rel in model._meta.related_objects:
                if not (rel.one_to_many or rel.one_to_one) or not rel.field.concrete:
                    continue
                table, column = rel.related_model._meta.db_table, rel.field.column
                if progress:
                    progress(f"{table}.{column}")
                if rel.on_delete is deletion.CASCADE:
                    cursor.execute(f'DELETE FROM {table} WHERE "{column}" IN (SELECT id FROM {gone})')
                elif rel.on_delete is deletion.SET_NULL:
                    cursor.execute(f'UPDATE {table} SET "{column}" = NULL WHERE "{column}" IN (SELECT id FROM {gone})')
        cursor.execute(f"DELETE FROM {Incident._meta.db_table} WHERE id IN (SELECT id FROM synthetic_gone)")
        deleted = cursor.rowcount
        cursor.execute(f"DELETE FROM {Article._meta.db_table} WHERE id IN (SELECT id FROM synthetic_articles_gone)")
        Source.objects.filter(url=SYNTHETIC_SOURCE_URL).delete()
    synthetic_finish()
    return deleted
