"""Beat folds the timeline summary's deltas every five minutes, so the delta table every timeline reads stays small.

Ingest appends a delta row per (day, type, province) per statement; uncompacted, a busy day's thousands of rows
are re-summed by every timeline request.
"""

from django.db import migrations

TASK_NAME = "incidents: compact the timeline summary"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={"task": "incidents.tasks.compact_stats", "interval": every_five_minutes, "enabled": True},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0009_incident_link_summary"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
