"""Synthetic incidents for benchmarks: realistic in shape (bench/shape.py), marked `is_synthetic`, loaded with COPY.

Every incident has one to five sources: its own synthetic article, plus other incidents' articles (round-up reports).
The synthetic articles belong to one inactive synthetic Source, so `synthetic_delete()` removes exactly what
`synthetic_generate()` made.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import deletion
from django.utils import timezone

from incidents.models import Article, Incident, IncidentActor, IncidentSource, Source
from incidents.selectors import INCIDENT_ROW_FIELDS
from incidents.services import incident_stats_compact

from .shape import IncidentDraws

log = logging.getLogger(__name__)

SYNTHETIC_SOURCE_URL = "https://synthetic.invalid/feed.xml"
SYNTHETIC_ARTICLE_URL = "https://synthetic.invalid/articles/{}"
# Above this many rows, dropping the heavy indexes and rebuilding them once beats updating them row by row.
REBUILD_INDEXES_FROM = 200_000

STAT_COLUMNS = (
    "day, event_type, country, admin1, n_unreviewed, n_verified, n_rejected, f_unreviewed, f_verified, f_rejected"
)
# The incident's own columns, named as the lists read them (one home: incidents.selectors), less what the database
# fills in; staged with the point as lon and lat.
INCIDENT_COLUMNS = tuple(f for f in INCIDENT_ROW_FIELDS if f not in ("confidence", "created_at", "updated_at"))
STAGE_COLUMNS = (*INCIDENT_COLUMNS, "lon", "lat")
_stage_row = itemgetter(*STAGE_COLUMNS)
_STAGE = "synthetic_incident_stage"


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
    draws = IncidentDraws(random.Random(seed))
    rng = draws.rng
    source = synthetic_source()
    rebuild = n >= REBUILD_INDEXES_FROM if rebuild_indexes is None else rebuild_indexes
    now = timezone.now()
    # Places and dates first, in date order: ingest stores incidents roughly as they happen, so ids and table
    # order follow the date, and date-ordered reads (lists, exports) touch neighbouring pages, as in production.
    where_when = sorted((draws.place_and_day() for _ in range(n)), key=lambda pair: pair[0])

    def load_chunk(cursor, size: int) -> None:
        incident_ids = _reserve_ids(cursor, Incident._meta.db_table, size)
        article_ids = _reserve_ids(cursor, Article._meta.db_table, size)
        incidents, articles, sources, actors = [], [], [], []
        for i in range(size):
            day, anchor = where_when[done + i]
            incident_id = incident_ids[i]
            columns, actor1, actor2 = draws.incident(day, anchor)
            incidents.append(_stage_row({"id": incident_id, **columns}))
            summary = columns["summary"]
            published = dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC) + dt.timedelta(hours=rng.randrange(48))
            articles.append(
                (
                    article_ids[i],
                    source.pk,
                    SYNTHETIC_ARTICLE_URL.format(article_ids[i]),
                    f"{draws.labels[columns['sub_event_type']]} reported in {anchor.name}",
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
            for _ in range(draws.sources(rng) - 1):
                linked.add(rng.randrange(size))
            for j in sorted(linked):
                sources.append((incident_id, article_ids[j], summary, "{}", now))
            if actor1:
                actors.append((incident_id, actor1, 1))
            if actor2 and actor2 != actor1:
                actors.append((incident_id, actor2, 2))

        # The staging table takes the incident table's column types; lon and lat become the point below.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS AS "
            f"SELECT {', '.join(INCIDENT_COLUMNS)}, 0::float8 AS lon, 0::float8 AS lat "
            f"FROM {Incident._meta.db_table} WITH NO DATA"
        )
        _copy(cursor, _STAGE, STAGE_COLUMNS, incidents)
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
                {", ".join(INCIDENT_COLUMNS)}, point, curator_locked, is_synthetic, search_vector, created_at,
                updated_at, actors_json, actor1_names, actor2_names, n_sources, outlet_names, public_id)
            SELECT {", ".join(f"s.{column}" for column in INCIDENT_COLUMNS)},
                ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), false, true, to_tsvector('english', s.summary), %s, %s,
                f.actors_json, f.actor1_names, f.actor2_names, f.n_sources, f.outlet_names,
                incidents_public_id(s.country, s.id)
            FROM {_STAGE} AS s
            JOIN incidents_link_summary(ARRAY(SELECT id FROM {_STAGE})) AS f ON f.incident_id = s.id
            ORDER BY s.id
            """,
            [now, now],
        )
        cursor.execute(f"TRUNCATE {_STAGE}")

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
            # The map clusters' grid summary (migration 0012) and the summary's actor roll-up (migration 0020),
            # skipped with the other triggers.
            cursor.execute("SELECT incidents_cluster_stat_add_since(%s)", [before])
            cursor.execute("SELECT incidents_actor_stat_add_since(%s)", [before])
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
        cursor.execute("ANALYZE incidents_actor_stat")


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
