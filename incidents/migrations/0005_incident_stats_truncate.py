"""TRUNCATE fires no row or statement DELETE trigger: empty the timeline summary with the incidents.

Test runs flush tables with TRUNCATE between transactional tests, and an operator may too.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION incidents_incident_truncate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE incidents_daily_stat, incidents_daily_stat_delta;
    INSERT INTO incidents_data_change DEFAULT VALUES;
    RETURN NULL;
END $$;
CREATE TRIGGER incidents_incident_stat_truncate AFTER TRUNCATE ON incidents_incident
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_incident_truncate_trigger();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS incidents_incident_stat_truncate ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_incident_truncate_trigger();
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_groups")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
