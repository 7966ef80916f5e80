"""Map clusters at low zoom from a grid summary: per zoom 3-6, cell, month and event type, the count, fatalities and
coordinate sums of the incidents in each status.

EXPLAIN showed the clusters for the whole region and all 20 years (the dashboard's default view) reading ~840,000
index entries (1.5-2 s); the same answer is ~10,000-42,000 summary rows. Kept like the timeline summary (0002):
statement-level triggers append deltas (no row locks shared between writers), readers add the pending deltas,
`incidents_cluster_stat_compact()` folds them in (beat, with the timeline's compaction). The cell of a point is
`round(lon / size), round(lat / size)` with size = 45 * 2^(1 - zoom) degrees, the same float arithmetic as
`incidents.selectors.cluster_cell_size`, so summary cells and cells computed from rows agree exactly.
"""

from django.db import migrations

ZOOMS = (3, 4, 5, 6)
STATUSES = ("unreviewed", "verified", "rejected")
KEY = "zoom, cx, cy, month, event_type"
VALUES = ", ".join(f"{m}_{s}" for m in ("n", "f", "sx", "sy") for s in STATUSES)
COLUMNS = f"{KEY}, {VALUES}"


def _sums(sign: str = "") -> str:
    parts = []
    for expr in ("1", "coalesce(fatalities, 0)", "ST_X(point)", "ST_Y(point)"):  # n, f, sx, sy
        for status in STATUSES:
            parts.append(f"{sign}coalesce(sum({expr}) FILTER (WHERE status = '{status}'), 0)")
    return ", ".join(parts)


def _contributions(rows: str, sign: str = "") -> str:
    zooms = ", ".join(f"({z}, 45.0 * 2 ^ (1 - {z}))" for z in ZOOMS)
    return f"""
        SELECT z.zoom, round(ST_X(point) / z.size)::integer, round(ST_Y(point) / z.size)::integer,
            date_trunc('month', date)::date, event_type, {_sums(sign)}
        FROM {rows} CROSS JOIN (VALUES {zooms}) AS z (zoom, size)
        WHERE point IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
    """


SUMMED = ", ".join(f"sum({c})" for c in VALUES.split(", "))
NONZERO = " OR ".join(f"sum({c}) <> 0" for c in VALUES.split(", "))
UPSERT = ", ".join(f"{c} = s.{c} + excluded.{c}" for c in VALUES.split(", "))
EMPTY = " AND ".join(f"{m}_{s} = 0" for m in ("n", "f") for s in STATUSES)

FORWARD = f"""
CREATE TABLE incidents_cluster_stat (
    zoom smallint NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    month date NOT NULL,
    event_type varchar(40) NOT NULL,
    {", ".join(f"{c} bigint NOT NULL DEFAULT 0" for c in VALUES.split(", ") if c[0] in "nf")},
    {", ".join(f"{c} double precision NOT NULL DEFAULT 0" for c in VALUES.split(", ") if c[0] == "s")},
    PRIMARY KEY (zoom, month, cx, cy, event_type)
);
CREATE TABLE incidents_cluster_stat_delta (LIKE incidents_cluster_stat INCLUDING DEFAULTS);
CREATE INDEX incidents_cluster_stat_delta_zoom ON incidents_cluster_stat_delta (zoom, month);

INSERT INTO incidents_cluster_stat ({COLUMNS}) {_contributions("incidents_incident")};

CREATE FUNCTION incidents_incident_cluster_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO incidents_cluster_stat_delta ({COLUMNS}) {_contributions("new_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO incidents_cluster_stat_delta ({COLUMNS}) {_contributions("old_rows", "-")};
    ELSE
        INSERT INTO incidents_cluster_stat_delta ({COLUMNS})
        SELECT {KEY}, {SUMMED}
        FROM (
            {_contributions("new_rows")}
            UNION ALL
            {_contributions("old_rows", "-")}
        ) AS d ({COLUMNS})
        GROUP BY {KEY}
        HAVING {NONZERO};
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER incidents_incident_cluster_insert AFTER INSERT ON incidents_incident
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_cluster_trigger();
CREATE TRIGGER incidents_incident_cluster_update AFTER UPDATE ON incidents_incident
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_cluster_trigger();
CREATE TRIGGER incidents_incident_cluster_delete AFTER DELETE ON incidents_incident
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_cluster_trigger();

CREATE FUNCTION incidents_incident_cluster_truncate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE incidents_cluster_stat, incidents_cluster_stat_delta;
    RETURN NULL;
END $$;
CREATE TRIGGER incidents_incident_cluster_truncate AFTER TRUNCATE ON incidents_incident
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_cluster_truncate_trigger();

CREATE FUNCTION incidents_cluster_stat_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    WITH gone AS (DELETE FROM incidents_cluster_stat_delta RETURNING *),
    summed AS (SELECT {KEY}, {SUMMED} FROM gone GROUP BY {KEY}),
    upserted AS (
        INSERT INTO incidents_cluster_stat AS s ({COLUMNS})
        SELECT * FROM summed ORDER BY zoom, month, cx, cy, event_type
        ON CONFLICT (zoom, month, cx, cy, event_type) DO UPDATE SET {UPSERT}
        RETURNING 1
    )
    SELECT count(*) INTO moved FROM upserted;
    IF moved > 0 THEN
        DELETE FROM incidents_cluster_stat WHERE {EMPTY};
    END IF;
    RETURN moved;
END $$;

-- For bulk loads that skip triggers (the generator's replica mode): the contributions of incidents above an id.
CREATE FUNCTION incidents_cluster_stat_add_since(after_id bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO incidents_cluster_stat_delta ({COLUMNS})
    {_contributions("(SELECT * FROM incidents_incident WHERE id > after_id) AS i")}
$$;

-- Every caller of the timeline's compaction (beat, bulk loads, tests) folds the cluster deltas too.
ALTER FUNCTION incidents_daily_stat_compact() RENAME TO incidents_daily_stat_compact_timeline;
CREATE FUNCTION incidents_daily_stat_compact() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM incidents_cluster_stat_compact();
    RETURN incidents_daily_stat_compact_timeline();
END $$;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS incidents_daily_stat_compact();
ALTER FUNCTION incidents_daily_stat_compact_timeline() RENAME TO incidents_daily_stat_compact;
DROP FUNCTION IF EXISTS incidents_cluster_stat_add_since(bigint);
DROP TRIGGER IF EXISTS incidents_incident_cluster_insert ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incident_cluster_update ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incident_cluster_delete ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incident_cluster_truncate ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_incident_cluster_trigger();
DROP FUNCTION IF EXISTS incidents_incident_cluster_truncate_trigger();
DROP FUNCTION IF EXISTS incidents_cluster_stat_compact();
DROP TABLE IF EXISTS incidents_cluster_stat_delta;
DROP TABLE IF EXISTS incidents_cluster_stat;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0011_incident_date_id_cover")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
