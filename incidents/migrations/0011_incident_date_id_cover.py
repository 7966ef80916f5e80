"""The covering date index gets the id in its key: list pages ordered by (date, id) in a bbox pick their ids by an
index-only scan (the filter reads point and status from the index), and map clusters keep theirs. Built before the
old one is dropped, so clusters never lose their index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0010_compact_stats_schedule"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=["date", "id"],
                include=("point", "event_type", "fatalities", "status"),
                name="incident_date_id_cover",
            ),
        ),
        migrations.RemoveIndex(
            model_name="incident",
            name="incident_date_cover",
        ),
    ]
