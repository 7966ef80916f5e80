"""Beat looks for lapsed article claims every minute (a killed worker's article is queued again)."""

from django.db import migrations

TASK_NAME = "ingest: recover stale articles"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={"task": "ingest.tasks.recover_stale_articles", "interval": every_minute, "enabled": True},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0001_poll_due_sources_schedule"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
