"""Periodic upkeep of the domain's derived tables (beat schedules it: migration 0010)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="incidents.tasks.compact_stats", acks_late=True)
def compact_stats() -> int:
    return services.incident_stats_compact()
