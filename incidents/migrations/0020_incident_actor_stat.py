"""The summary's actor roll-up: per month, event type, country and actor, the incidents and fatalities in each status.

`stats/summary/` ranked the top actors by joining every matching incident to its actor links (~4 s for the whole
table at 1M incidents). The totals by type and country come from the timeline's roll-ups (0002, 0006, 0013); this
table holds the actors' share. An incident counts once per actor, whatever roles the actor has in it.

Kept like the other roll-ups: statement-level triggers append deltas (writers share no rows), readers add the pending
deltas, compaction folds them in (`incidents_daily_stat_compact()` calls it, on beat and after bulk loads). The
triggers read the incident's own actor list (`actors_json`, kept from the links by 0009), so a change of the links
reaches this table as an UPDATE of the incident: one trigger covers incident and link changes, in whichever order a
transaction makes them (links written before their incident, or an incident deleted before its links).
"""

from django.db import migrations

STATUSES = ("unreviewed", "verified", "rejected")
KEY = "month, event_type, country, actor_id"
VALUES = [f"{m}_{s}" for m in ("n", "f") for s in STATUSES]
COLUMNS = f"{KEY}, {', '.join(VALUES)}"
SUMMED = ", ".join(f"sum({c})" for c in VALUES)
NONZERO = " OR ".join(f"sum({c}) <> 0" for c in VALUES)
UPSERT = ", ".join(f"{c} = s.{c} + excluded.{c}" for c in VALUES)
EMPTY = " AND ".join(f"{c} = 0" for c in VALUES)
# The columns whose change moves an incident's share between cells; other edits (summary text, sources) write none.
MOVES = ("date", "event_type", "country", "status", "fatalities", "actors_json")
MOVED = f"({', '.join(f'n.{c}' for c in MOVES)}) IS DISTINCT FROM ({', '.join(f'o.{c}' for c in MOVES)})"
NEW_MOVED = f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {MOVED})"
OLD_MOVED = f"(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {MOVED})"


def _sums(sign: str = "") -> str:
    counts = [f"{sign}count(*) FILTER (WHERE r.status = '{s}')" for s in STATUSES]
    fatalities = [f"{sign}coalesce(sum(r.fatalities) FILTER (WHERE r.status = '{s}'), 0)" for s in STATUSES]
    return ", ".join(counts + fatalities)


def _contributions(rows: str, sign: str = "") -> str:
    return f"""
        SELECT date_trunc('month', r.date)::date, r.event_type, r.country, a.actor_id, {_sums(sign)}
        FROM {rows} AS r
        CROSS JOIN LATERAL (
            SELECT DISTINCT (e ->> 'id')::bigint AS actor_id FROM jsonb_array_elements(r.actors_json) AS e
        ) AS a
        GROUP BY 1, 2, 3, 4
    """


FORWARD = f"""
CREATE TABLE incidents_actor_stat (
    month date NOT NULL,
    event_type varchar(40) NOT NULL,
    country varchar(2) NOT NULL,
    actor_id bigint NOT NULL,
    {", ".join(f"{c} bigint NOT NULL DEFAULT 0" for c in VALUES)},
    PRIMARY KEY (month, event_type, country, actor_id)
);
CREATE TABLE incidents_actor_stat_delta (LIKE incidents_actor_stat INCLUDING DEFAULTS);

INSERT INTO incidents_actor_stat ({COLUMNS}) {_contributions("incidents_incident")};
ANALYZE incidents_actor_stat;

CREATE FUNCTION incidents_incident_actor_stat_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO incidents_actor_stat_delta ({COLUMNS}) {_contributions("new_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO incidents_actor_stat_delta ({COLUMNS}) {_contributions("old_rows", "-")};
    ELSE
        INSERT INTO incidents_actor_stat_delta ({COLUMNS})
        SELECT {KEY}, {SUMMED}
        FROM (
            {_contributions(NEW_MOVED)}
            UNION ALL
            {_contributions(OLD_MOVED, "-")}
        ) AS d ({COLUMNS})
        GROUP BY {KEY}
        HAVING {NONZERO};
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER incidents_incident_actor_stat_insert AFTER INSERT ON incidents_incident
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_actor_stat_trigger();
CREATE TRIGGER incidents_incident_actor_stat_update AFTER UPDATE ON incidents_incident
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_actor_stat_trigger();
CREATE TRIGGER incidents_incident_actor_stat_delete AFTER DELETE ON incidents_incident
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_actor_stat_trigger();

CREATE FUNCTION incidents_incident_actor_stat_truncate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE incidents_actor_stat, incidents_actor_stat_delta;
    RETURN NULL;
END $$;
CREATE TRIGGER incidents_incident_actor_stat_truncate AFTER TRUNCATE ON incidents_incident
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_actor_stat_truncate_trigger();

CREATE FUNCTION incidents_actor_stat_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    WITH gone AS (DELETE FROM incidents_actor_stat_delta RETURNING *),
    summed AS (SELECT {KEY}, {SUMMED} FROM gone GROUP BY {KEY}),
    upserted AS (
        INSERT INTO incidents_actor_stat AS s ({COLUMNS})
        SELECT * FROM summed ORDER BY {KEY}
        ON CONFLICT ({KEY}) DO UPDATE SET {UPSERT}
        RETURNING 1
    )
    SELECT count(*) INTO moved FROM upserted;
    IF moved > 0 THEN
        DELETE FROM incidents_actor_stat WHERE {EMPTY};
    END IF;
    RETURN moved;
END $$;

-- For bulk loads that skip triggers (the generator's replica mode): the contributions of incidents above an id.
CREATE FUNCTION incidents_actor_stat_add_since(after_id bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO incidents_actor_stat_delta ({COLUMNS})
    {_contributions("(SELECT * FROM incidents_incident WHERE id > after_id)")}
$$;

-- Every caller of the compaction (beat, bulk loads, tests) folds the actor deltas too; the cells folded count, so
-- that a change of links alone (no timeline delta) still has its dead delta rows vacuumed.
CREATE OR REPLACE FUNCTION incidents_daily_stat_compact() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM incidents_cluster_stat_compact();
    RETURN incidents_actor_stat_compact() + incidents_daily_stat_compact_timeline();
END $$;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION incidents_daily_stat_compact() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM incidents_cluster_stat_compact();
    RETURN incidents_daily_stat_compact_timeline();
END $$;
DROP FUNCTION IF EXISTS incidents_actor_stat_add_since(bigint);
DROP TRIGGER IF EXISTS incidents_incident_actor_stat_insert ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incident_actor_stat_update ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incident_actor_stat_delete ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incident_actor_stat_truncate ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_incident_actor_stat_trigger();
DROP FUNCTION IF EXISTS incidents_incident_actor_stat_truncate_trigger();
DROP FUNCTION IF EXISTS incidents_actor_stat_compact();
DROP TABLE IF EXISTS incidents_actor_stat_delta;
DROP TABLE IF EXISTS incidents_actor_stat;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0019_merge_20261207_0501")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
