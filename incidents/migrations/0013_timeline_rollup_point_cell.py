"""Two read paths for uncached timelines at a million incidents and more.

1. `incidents_monthly_country_stat`: the monthly roll-up without the province (admin1 is '' in every row), for
   timelines with no province filter. The monthly table (0006) holds ~42,000 rows for 20 years at 1M incidents
   (~25 ms to sum); this one ~3,000. Written only by compaction, from the same deltas, like the monthly table.

2. `incidents_point_cell(point)`: a 0.25-degree grid cell number, and a B-tree on (cell, event_type, date) that
   carries point, fatalities and status. A timeline for a map box read its matches through the GiST and then the
   heap (~20,000 rows on ~18,000 heap pages for a province at 1M: 150 ms); the cells the box touches are one index
   descent each (per event type), read without the heap, and the exact `point && box` test runs on the carried
   point. The cell of a point is floor(lon * 4), floor(lat * 4): the same float arithmetic as
   `incidents.selectors.point_cells`, so both sides agree on every boundary.
"""

from django.db import migrations

COLUMNS = "day, event_type, country, admin1, n_unreviewed, n_verified, n_rejected, f_unreviewed, f_verified, f_rejected"
SUMS = """
    n_unreviewed = s.n_unreviewed + excluded.n_unreviewed,
    n_verified = s.n_verified + excluded.n_verified,
    n_rejected = s.n_rejected + excluded.n_rejected,
    f_unreviewed = s.f_unreviewed + excluded.f_unreviewed,
    f_verified = s.f_verified + excluded.f_verified,
    f_rejected = s.f_rejected + excluded.f_rejected
"""
ZERO = """n_unreviewed = 0 AND n_verified = 0 AND n_rejected = 0
      AND f_unreviewed = 0 AND f_verified = 0 AND f_rejected = 0"""
ROLL_UP = """date_trunc('month', day)::date, event_type, country, '', sum(n_unreviewed), sum(n_verified),
           sum(n_rejected), sum(f_unreviewed), sum(f_verified), sum(f_rejected)"""


def _compact(with_country_rollup: bool) -> str:
    rollup = ""
    if with_country_rollup:
        rollup = f"""
    INSERT INTO incidents_monthly_country_stat AS s ({COLUMNS})
    SELECT {ROLL_UP}
    FROM incidents_stat_moved GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, event_type, country, admin1) DO UPDATE SET {SUMS};
"""
    cleanup = f"DELETE FROM incidents_monthly_country_stat WHERE {ZERO};" if with_country_rollup else ""
    return f"""
CREATE OR REPLACE FUNCTION incidents_daily_stat_compact_timeline() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS incidents_stat_moved (LIKE incidents_daily_stat) ON COMMIT DROP;
    TRUNCATE incidents_stat_moved;
    WITH gone AS (DELETE FROM incidents_daily_stat_delta RETURNING *)
    INSERT INTO incidents_stat_moved ({COLUMNS})
    SELECT day, event_type, country, admin1, sum(n_unreviewed), sum(n_verified), sum(n_rejected),
           sum(f_unreviewed), sum(f_verified), sum(f_rejected)
    FROM gone GROUP BY 1, 2, 3, 4;
    GET DIAGNOSTICS moved = ROW_COUNT;

    INSERT INTO incidents_daily_stat AS s ({COLUMNS})
    SELECT {COLUMNS} FROM incidents_stat_moved ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, event_type, country, admin1) DO UPDATE SET {SUMS};

    INSERT INTO incidents_monthly_stat AS s ({COLUMNS})
    SELECT date_trunc('month', day)::date, event_type, country, admin1, sum(n_unreviewed), sum(n_verified),
           sum(n_rejected), sum(f_unreviewed), sum(f_verified), sum(f_rejected)
    FROM incidents_stat_moved GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, event_type, country, admin1) DO UPDATE SET {SUMS};
{rollup}
    IF moved > 0 THEN
        DELETE FROM incidents_daily_stat WHERE {ZERO};
        DELETE FROM incidents_monthly_stat WHERE {ZERO};
        {cleanup}
    END IF;
    RETURN moved;
END $$;
"""


def _truncate(tables: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION incidents_incident_truncate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {tables};
    INSERT INTO incidents_data_change DEFAULT VALUES;
    RETURN NULL;
END $$;
"""


FORWARD = f"""
CREATE TABLE incidents_monthly_country_stat (LIKE incidents_daily_stat INCLUDING DEFAULTS);
ALTER TABLE incidents_monthly_country_stat ADD PRIMARY KEY (day, event_type, country, admin1);
INSERT INTO incidents_monthly_country_stat ({COLUMNS})
SELECT {ROLL_UP} FROM incidents_monthly_stat GROUP BY 1, 2, 3;
ANALYZE incidents_monthly_country_stat;
{_compact(True)}
{_truncate("incidents_daily_stat, incidents_daily_stat_delta, incidents_monthly_stat, incidents_monthly_country_stat")}

CREATE FUNCTION incidents_point_cell(p geometry) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT (floor(ST_X(p) * 4)::integer + 1000) * 2000 + floor(ST_Y(p) * 4)::integer + 1000 $$;
CREATE INDEX incident_cell_type_date ON incidents_incident (incidents_point_cell(point), event_type, date)
    INCLUDE (point, fatalities, status) WHERE point IS NOT NULL;
ANALYZE incidents_incident;
"""

BACKWARD = f"""
DROP INDEX IF EXISTS incident_cell_type_date;
DROP FUNCTION IF EXISTS incidents_point_cell(geometry);
{_compact(False)}
{_truncate("incidents_daily_stat, incidents_daily_stat_delta, incidents_monthly_stat")}
DROP TABLE IF EXISTS incidents_monthly_country_stat;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0012_incident_cluster_stat")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
