"""Timeline summary table and data version, kept current by PostgreSQL triggers.

Triggers rather than a service called from incident writes: bulk loads (COPY), queryset `.update()`/`.delete()`,
admin actions and raw SQL all change incidents without passing through one Python function, and a summary that
drifts is worse than none. The triggers are statement-level with transition tables, so a 50,000-row COPY costs
one aggregate, not 50,000 calls.

Writers append to `incidents_daily_stat_delta` instead of updating summary rows in place: two ingest workers
writing incidents of the same day and province would otherwise hold row locks on the same summary rows until
commit and could deadlock. Readers add the (small) pending deltas to the summary; `incidents_daily_stat_compact()`
folds them in (run after bulk loads and periodically).

The data version (for ETags and cache keys) is bumped by a deferred constraint trigger, i.e. at commit time: the
single version row is locked only for the instant before commit, and a reader never sees a new version before the
data it stands for is visible.
"""

from django.db import migrations

STATUS_SUMS = """
    count(*) FILTER (WHERE status = 'unreviewed'),
    count(*) FILTER (WHERE status = 'verified'),
    count(*) FILTER (WHERE status = 'rejected'),
    coalesce(sum(fatalities) FILTER (WHERE status = 'unreviewed'), 0),
    coalesce(sum(fatalities) FILTER (WHERE status = 'verified'), 0),
    coalesce(sum(fatalities) FILTER (WHERE status = 'rejected'), 0)
"""

# The same sums with the sign flipped, for rows that leave a cell (deleted, or the old side of an update).
NEGATED_SUMS = STATUS_SUMS.replace("count(*)", "-count(*)").replace("coalesce(", "-coalesce(")

COLUMNS = "day, event_type, country, admin1, n_unreviewed, n_verified, n_rejected, f_unreviewed, f_verified, f_rejected"

FORWARD = f"""
CREATE TABLE incidents_daily_stat (
    day date NOT NULL,
    event_type varchar(40) NOT NULL,
    country varchar(2) NOT NULL,
    admin1 varchar(120) NOT NULL,
    n_unreviewed bigint NOT NULL DEFAULT 0,
    n_verified bigint NOT NULL DEFAULT 0,
    n_rejected bigint NOT NULL DEFAULT 0,
    f_unreviewed bigint NOT NULL DEFAULT 0,
    f_verified bigint NOT NULL DEFAULT 0,
    f_rejected bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, event_type, country, admin1)
);
CREATE INDEX incidents_daily_stat_country_admin1 ON incidents_daily_stat (country, admin1, day);

CREATE TABLE incidents_daily_stat_delta (LIKE incidents_daily_stat INCLUDING DEFAULTS);

CREATE TABLE incidents_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
INSERT INTO incidents_data_version VALUES (1, 1, now());
CREATE TABLE incidents_data_change (id bigserial PRIMARY KEY);

INSERT INTO incidents_daily_stat ({COLUMNS})
SELECT date, event_type, country, admin1, {STATUS_SUMS}
FROM incidents_incident GROUP BY 1, 2, 3, 4;

CREATE FUNCTION incidents_incident_stat_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO incidents_daily_stat_delta ({COLUMNS})
        SELECT date, event_type, country, admin1, {STATUS_SUMS} FROM new_rows GROUP BY 1, 2, 3, 4;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO incidents_daily_stat_delta ({COLUMNS})
        SELECT date, event_type, country, admin1, {NEGATED_SUMS}
        FROM old_rows GROUP BY 1, 2, 3, 4;
    ELSE
        INSERT INTO incidents_daily_stat_delta ({COLUMNS})
        SELECT day, event_type, country, admin1, sum(n_unreviewed), sum(n_verified), sum(n_rejected),
               sum(f_unreviewed), sum(f_verified), sum(f_rejected)
        FROM (
            SELECT date AS day, event_type, country, admin1, {STATUS_SUMS}
            FROM new_rows GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT date, event_type, country, admin1, {NEGATED_SUMS}
            FROM old_rows GROUP BY 1, 2, 3, 4
        ) AS d (day, event_type, country, admin1, n_unreviewed, n_verified, n_rejected,
                f_unreviewed, f_verified, f_rejected)
        GROUP BY 1, 2, 3, 4
        HAVING sum(n_unreviewed) <> 0 OR sum(n_verified) <> 0 OR sum(n_rejected) <> 0
            OR sum(f_unreviewed) <> 0 OR sum(f_verified) <> 0 OR sum(f_rejected) <> 0;
    END IF;
    INSERT INTO incidents_data_change DEFAULT VALUES;
    RETURN NULL;
END $$;

CREATE TRIGGER incidents_incident_stat_insert AFTER INSERT ON incidents_incident
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_stat_trigger();
CREATE TRIGGER incidents_incident_stat_update AFTER UPDATE ON incidents_incident
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_stat_trigger();
CREATE TRIGGER incidents_incident_stat_delete AFTER DELETE ON incidents_incident
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_stat_trigger();

CREATE FUNCTION incidents_data_change_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO incidents_data_change DEFAULT VALUES;
    RETURN NULL;
END $$;
CREATE TRIGGER incidents_incidentactor_change AFTER INSERT OR UPDATE OR DELETE ON incidents_incidentactor
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_data_change_trigger();
CREATE TRIGGER incidents_incidentsource_change AFTER INSERT OR UPDATE OR DELETE ON incidents_incidentsource
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_data_change_trigger();

CREATE FUNCTION incidents_data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM incidents_data_change WHERE id = NEW.id;
    -- One bump per transaction, however many statements it ran.
    IF current_setting('incidents.version_bumped', true) IS DISTINCT FROM '1' THEN
        UPDATE incidents_data_version SET version = version + 1, changed_at = now() WHERE id = 1;
        PERFORM set_config('incidents.version_bumped', '1', true);
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER incidents_data_change_bump AFTER INSERT ON incidents_data_change
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION incidents_data_version_bump();

CREATE FUNCTION incidents_daily_stat_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    WITH gone AS (DELETE FROM incidents_daily_stat_delta RETURNING *),
    summed AS (
        SELECT day, event_type, country, admin1, sum(n_unreviewed) AS n_unreviewed, sum(n_verified) AS n_verified,
               sum(n_rejected) AS n_rejected, sum(f_unreviewed) AS f_unreviewed, sum(f_verified) AS f_verified,
               sum(f_rejected) AS f_rejected, count(*) AS rows
        FROM gone GROUP BY 1, 2, 3, 4
    ),
    upserted AS (
        INSERT INTO incidents_daily_stat AS s ({COLUMNS})
        SELECT day, event_type, country, admin1, n_unreviewed, n_verified, n_rejected,
               f_unreviewed, f_verified, f_rejected
        FROM summed ORDER BY 1, 2, 3, 4
        ON CONFLICT (day, event_type, country, admin1) DO UPDATE SET
            n_unreviewed = s.n_unreviewed + excluded.n_unreviewed,
            n_verified = s.n_verified + excluded.n_verified,
            n_rejected = s.n_rejected + excluded.n_rejected,
            f_unreviewed = s.f_unreviewed + excluded.f_unreviewed,
            f_verified = s.f_verified + excluded.f_verified,
            f_rejected = s.f_rejected + excluded.f_rejected
        RETURNING 1
    )
    SELECT coalesce(sum(rows), 0) INTO moved FROM summed;
    DELETE FROM incidents_daily_stat
    WHERE n_unreviewed = 0 AND n_verified = 0 AND n_rejected = 0
      AND f_unreviewed = 0 AND f_verified = 0 AND f_rejected = 0;
    RETURN moved;
END $$;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS incidents_incident_stat_insert ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incident_stat_update ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incident_stat_delete ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_incidentactor_change ON incidents_incidentactor;
DROP TRIGGER IF EXISTS incidents_incidentsource_change ON incidents_incidentsource;
DROP FUNCTION IF EXISTS incidents_daily_stat_compact();
DROP TABLE IF EXISTS incidents_data_change;
DROP FUNCTION IF EXISTS incidents_data_version_bump();
DROP FUNCTION IF EXISTS incidents_data_change_trigger();
DROP FUNCTION IF EXISTS incidents_incident_stat_trigger();
DROP TABLE IF EXISTS incidents_data_version;
DROP TABLE IF EXISTS incidents_daily_stat_delta;
DROP TABLE IF EXISTS incidents_daily_stat;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
