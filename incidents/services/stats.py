"""Upkeep of the trigger-kept roll-ups: the timeline and summary totals, the summary's actors, the map clusters."""

from __future__ import annotations

from django.db import connection


def incident_stats_compact() -> int:
    """Fold the roll-ups' pending deltas into their tables; returns the timeline and actor cells folded.

    Safe to run at any time and concurrently: each delta row is deleted by exactly one run. Readers add pending
    deltas themselves, so this only keeps the delta table (read by every timeline request) small.
    """

    with connection.cursor() as cursor:
        cursor.execute("SELECT incidents_daily_stat_compact()")
        moved = int(cursor.fetchone()[0] or 0)
        if moved and not connection.in_atomic_block:
            # The folded deltas are dead rows that every timeline request would still scan until a vacuum, and
            # autovacuum may be off or late.
            cursor.execute(
                "VACUUM (ANALYZE) incidents_daily_stat_delta, incidents_daily_stat, incidents_monthly_stat, "
                "incidents_monthly_country_stat, incidents_cluster_stat_delta, incidents_cluster_stat, "
                "incidents_actor_stat_delta, incidents_actor_stat"
            )
        return moved
