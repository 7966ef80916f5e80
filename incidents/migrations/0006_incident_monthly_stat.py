"""A monthly roll-up of the daily summary, for month and year timelines over the whole 20 years.

The daily summary has one row per (day, type, country, province) that saw an incident: ~400,000 rows at a million
incidents, too many to sum in 20 ms. The monthly roll-up has ~30x fewer. Only compaction writes it (from the same
deltas it folds into the daily table), so writers never contend for it; readers add the pending deltas themselves.
"""

from importlib import import_module

from django.db import migrations

_V1 = import_module("incidents.migrations.0002_incident_stats").FORWARD
# Going back restores 0002's compaction, which knows nothing of the monthly table.
V1_COMPACT = _V1[_V1.index("CREATE FUNCTION incidents_daily_stat_compact()") :].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)

SUMS = """
    n_unreviewed = s.n_unreviewed + excluded.n_unreviewed,
    n_verified = s.n_verified + excluded.n_verified,
    n_rejected = s.n_rejected + excluded.n_rejected,
    f_unreviewed = s.f_unreviewed + excluded.f_unreviewed,
    f_verified = s.f_verified + excluded.f_verified,
    f_rejected = s.f_rejected + excluded.f_rejected
"""
COLUMNS = "day, event_type, country, admin1, n_unreviewed, n_verified, n_rejected, f_unreviewed, f_verified, f_rejected"
ZERO = """n_unreviewed = 0 AND n_verified = 0 AND n_rejected = 0
      AND f_unreviewed = 0 AND f_verified = 0 AND f_rejected = 0"""

FORWARD = f"""
CREATE TABLE incidents_monthly_stat (LIKE incidents_daily_stat INCLUDING DEFAULTS);
ALTER TABLE incidents_monthly_stat ADD PRIMARY KEY (day, event_type, country, admin1);

INSERT INTO incidents_monthly_stat ({COLUMNS})
SELECT date_trunc('month', day)::date, event_type, country, admin1, sum(n_unreviewed), sum(n_verified),
       sum(n_rejected), sum(f_unreviewed), sum(f_verified), sum(f_rejected)
FROM incidents_daily_stat GROUP BY 1, 2, 3, 4;

CREATE OR REPLACE FUNCTION incidents_daily_stat_compact() RETURNS bigint LANGUAGE plpgsql AS $$
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

    IF moved > 0 THEN
        DELETE FROM incidents_daily_stat WHERE {ZERO};
        DELETE FROM incidents_monthly_stat WHERE {ZERO};
    END IF;
    RETURN moved;
END $$;

CREATE OR REPLACE FUNCTION incidents_incident_truncate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE incidents_daily_stat, incidents_daily_stat_delta, incidents_monthly_stat;
    INSERT INTO incidents_data_change DEFAULT VALUES;
    RETURN NULL;
END $$;
"""

BACKWARD = f"""
{V1_COMPACT}
DROP TABLE IF EXISTS incidents_monthly_stat;
CREATE OR REPLACE FUNCTION incidents_incident_truncate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE incidents_daily_stat, incidents_daily_stat_delta;
    INSERT INTO incidents_data_change DEFAULT VALUES;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_incident_stats_truncate")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
