"""Actor and source summaries on the incident, kept current by triggers on the links, actors, articles and sources.

Lists and the ACLED export read actors, the source count and the outlet names of every row: as per-row subqueries
that cost ~25 ms per 500-row page and capped the export at ~5,000 rows/s (10,000 random article look-ups per 5,000
rows). Triggers rather than services, for the reasons of 0002: admin inlines, merges, bulk loads and raw SQL all
write links without passing through one Python function. Statement-level with transition tables, so a COPY of
50,000 links recomputes each touched incident once; the UPDATE skips incidents whose summary did not change.
"""

from django.db import migrations, models


# The summary from the links, as one query: `{links}` narrows the links read (to some incidents, or none for all).
SUMMARY_QUERY = """
    WITH act AS (
        SELECT ia.incident_id,
            jsonb_agg(jsonb_build_object('id', ia.actor_id, 'name', a.name, 'role', ia.role)
                      ORDER BY ia.role, ia.id) AS list,
            string_agg(a.name, '; ' ORDER BY ia.id) FILTER (WHERE ia.role = 1) AS a1,
            string_agg(a.name, '; ' ORDER BY ia.id) FILTER (WHERE ia.role = 2) AS a2
        FROM incidents_incidentactor ia JOIN incidents_actor a ON a.id = ia.actor_id
        WHERE {act_links}
        GROUP BY 1
    ),
    src AS (
        -- An outlet once, where it first reported the incident; an article without a source by its address.
        SELECT incident_id, sum(links)::integer AS n,
            string_agg(name, '; ' ORDER BY first_at, first_id) FILTER (WHERE name <> '') AS names
        FROM (
            SELECT l.incident_id, coalesce(s.name, art.url, '') AS name, count(*) AS links,
                min(l.created_at) AS first_at, min(l.id) AS first_id
            FROM incidents_incidentsource l
            JOIN incidents_article art ON art.id = l.article_id
            LEFT JOIN incidents_source s ON s.id = art.source_id
            WHERE {src_links}
            GROUP BY 1, 2
        ) AS named
        GROUP BY 1
    )
    SELECT t.id AS incident_id, coalesce(act.list, '[]'::jsonb) AS actors_json, coalesce(act.a1, '') AS actor1_names,
        coalesce(act.a2, '') AS actor2_names, coalesce(src.n, 0) AS n_sources, coalesce(src.names, '') AS outlet_names
    FROM {targets} t LEFT JOIN act ON act.incident_id = t.id LEFT JOIN src ON src.incident_id = t.id
"""
SET_COLUMNS = """
    SET actors_json = f.actors_json, actor1_names = f.actor1_names, actor2_names = f.actor2_names,
        n_sources = f.n_sources, outlet_names = f.outlet_names
"""

SUMMARY_FUNCTION = f"""
CREATE FUNCTION incidents_link_summary(ids bigint[])
RETURNS TABLE (incident_id bigint, actors_json jsonb, actor1_names text, actor2_names text, n_sources integer,
               outlet_names text)
LANGUAGE sql STABLE AS $$
{
    SUMMARY_QUERY.format(
        act_links="ia.incident_id = ANY(ids)",
        src_links="l.incident_id = ANY(ids)",
        targets="(SELECT DISTINCT unnest(ids) AS id)",
    )
}
$$;

-- Only this function writes the summary columns: an UPDATE from a stale model instance (`incident.save()` after
-- a link was added) keeps what the links say, through the guard below.
CREATE FUNCTION incidents_incident_links_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('incidents.links_refresh', '1', true);
    UPDATE incidents_incident i {SET_COLUMNS}
    FROM incidents_link_summary(ids) AS f
    WHERE i.id = f.incident_id
      AND (i.actors_json, i.actor1_names, i.actor2_names, i.n_sources, i.outlet_names)
          IS DISTINCT FROM (f.actors_json, f.actor1_names, f.actor2_names, f.n_sources, f.outlet_names);
    PERFORM set_config('incidents.links_refresh', '', true);
END $$;

CREATE FUNCTION incidents_incident_summary_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('incidents.links_refresh', true) IS DISTINCT FROM '1' THEN
        NEW.actors_json := OLD.actors_json;
        NEW.actor1_names := OLD.actor1_names;
        NEW.actor2_names := OLD.actor2_names;
        NEW.n_sources := OLD.n_sources;
        NEW.outlet_names := OLD.outlet_names;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER incidents_incident_summary_guard BEFORE UPDATE ON incidents_incident
    FOR EACH ROW EXECUTE FUNCTION incidents_incident_summary_guard();
"""

TRIGGERS = """
CREATE FUNCTION incidents_link_change_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM incidents_incident_links_refresh(ARRAY(SELECT DISTINCT incident_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM incidents_incident_links_refresh(ARRAY(SELECT DISTINCT incident_id FROM old_rows));
    ELSE
        PERFORM incidents_incident_links_refresh(
            ARRAY(SELECT incident_id FROM new_rows UNION SELECT incident_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION incidents_actor_rename_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM incidents_incident_links_refresh(ARRAY(
        SELECT DISTINCT ia.incident_id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN incidents_incidentactor ia ON ia.actor_id = n.id
        WHERE n.name IS DISTINCT FROM o.name));
    RETURN NULL;
END $$;

CREATE FUNCTION incidents_article_outlet_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM incidents_incident_links_refresh(ARRAY(
        SELECT DISTINCT l.incident_id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN incidents_incidentsource l ON l.article_id = n.id
        WHERE (n.source_id, n.url) IS DISTINCT FROM (o.source_id, o.url)));
    RETURN NULL;
END $$;

CREATE FUNCTION incidents_source_rename_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM incidents_incident_links_refresh(ARRAY(
        SELECT DISTINCT l.incident_id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN incidents_article art ON art.source_id = n.id
        JOIN incidents_incidentsource l ON l.article_id = art.id
        WHERE n.name IS DISTINCT FROM o.name));
    RETURN NULL;
END $$;
"""

# PostgreSQL allows transition tables only on single-event triggers: one trigger per event.
for table in ("incidents_incidentactor", "incidents_incidentsource"):
    TRIGGERS += f"""
CREATE TRIGGER {table}_summary_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_link_change_trigger();
CREATE TRIGGER {table}_summary_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_link_change_trigger();
CREATE TRIGGER {table}_summary_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_link_change_trigger();
"""
for table, function in (
    ("incidents_actor", "incidents_actor_rename_trigger"),
    ("incidents_article", "incidents_article_outlet_trigger"),
    ("incidents_source", "incidents_source_rename_trigger"),
):
    TRIGGERS += f"""
CREATE TRIGGER {table}_summary_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""

# Existing incidents in one set-based pass (hash joins over every link), only those that have links.
BACKFILL = f"""
SELECT set_config('incidents.links_refresh', '1', true);
UPDATE incidents_incident i {SET_COLUMNS}
FROM (
    {
    SUMMARY_QUERY.format(
        act_links="true",
        src_links="true",
        targets="(SELECT incident_id AS id FROM incidents_incidentactor UNION SELECT incident_id FROM incidents_incidentsource)",
    )
}
) AS f
WHERE i.id = f.incident_id;
SELECT set_config('incidents.links_refresh', '', true);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS incidents_incidentactor_summary_insert ON incidents_incidentactor;
DROP TRIGGER IF EXISTS incidents_incidentactor_summary_update ON incidents_incidentactor;
DROP TRIGGER IF EXISTS incidents_incidentactor_summary_delete ON incidents_incidentactor;
DROP TRIGGER IF EXISTS incidents_incidentsource_summary_insert ON incidents_incidentsource;
DROP TRIGGER IF EXISTS incidents_incidentsource_summary_update ON incidents_incidentsource;
DROP TRIGGER IF EXISTS incidents_incidentsource_summary_delete ON incidents_incidentsource;
DROP TRIGGER IF EXISTS incidents_actor_summary_update ON incidents_actor;
DROP TRIGGER IF EXISTS incidents_article_summary_update ON incidents_article;
DROP TRIGGER IF EXISTS incidents_source_summary_update ON incidents_source;
DROP TRIGGER IF EXISTS incidents_incident_summary_guard ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_incident_summary_guard();
DROP FUNCTION IF EXISTS incidents_link_change_trigger();
DROP FUNCTION IF EXISTS incidents_actor_rename_trigger();
DROP FUNCTION IF EXISTS incidents_article_outlet_trigger();
DROP FUNCTION IF EXISTS incidents_source_rename_trigger();
DROP FUNCTION IF EXISTS incidents_incident_links_refresh(bigint[]);
DROP FUNCTION IF EXISTS incidents_link_summary(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0008_incident_keyset_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="actor1_names",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.AddField(
            model_name="incident",
            name="actor2_names",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.AddField(
            model_name="incident",
            name="actors_json",
            field=models.JSONField(db_default=[], default=list, editable=False),
        ),
        migrations.AddField(
            model_name="incident",
            name="n_sources",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="incident",
            name="outlet_names",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.RunSQL(SUMMARY_FUNCTION + TRIGGERS + BACKFILL, BACKWARD),
    ]
