"""The timeline summary's deltas are folded in on a beat schedule, and folding changes no timeline."""

import pytest
from django.db import connection
from django_celery_beat.models import PeriodicTask

from incidents import selectors, services
from incidents.models import Incident
from incidents.tasks import compact_stats

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


def pending_deltas() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_daily_stat_delta")
        return cursor.fetchone()[0]


def test_beat_runs_the_compaction_every_five_minutes():
    task = PeriodicTask.objects.get(task="incidents.tasks.compact_stats")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (5, "minutes")


def test_compacting_empties_the_deltas_and_keeps_the_timeline():
    IncidentFactory.create_batch(3, fatalities=2)
    Incident.objects.filter(pk=IncidentFactory(fatalities=5).pk).update(fatalities=7)
    before = selectors.incident_timeline(filters={}, interval="day")
    assert pending_deltas() == 5  # a delta row per insert and for the update
    assert services.incident_stats_compact() == 1  # one cell: one day, type and province
    assert pending_deltas() == 0
    assert selectors.incident_timeline(filters={}, interval="day") == before
    assert sum(row["count"] for row in before) == 4
    assert sum(row["fatalities"] for row in before) == 13


def test_the_task_is_idempotent():
    IncidentFactory(fatalities=1)
    assert compact_stats() == 1
    assert compact_stats() == 0
    assert pending_deltas() == 0


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_compacting_also_vacuums_the_delta_table_empty():
    IncidentFactory.create_batch(3)
    assert compact_stats() == 1  # the three share one cell
    with connection.cursor() as cursor:
        # Deleted rows still fill the table's pages until a vacuum, and every timeline read scans them.
        cursor.execute("SELECT pg_relation_size('incidents_daily_stat_delta')")
        assert cursor.fetchone()[0] == 0
