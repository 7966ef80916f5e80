"""Timeline counts: from the trigger-kept daily and monthly summaries when the filters allow, else the incidents."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, Trunc

from .cells import in_point_cells
from .incidents import incident_list
from .rollups import DAILY_STAT_FILTERS, answers, daily_stat_rows, present, status_sum
from .visibility import visible_statuses

INTERVALS = ("day", "week", "month", "year")


def incident_timeline(*, filters: dict, user=None, interval: str = "month") -> list[dict]:
    """Counts and fatalities per date bucket (day, week, month) and event type, oldest bucket first."""
    if interval not in INTERVALS:
        raise ValueError(f"Unknown interval {interval!r}")
    if timeline_summary_supports(filters):
        # Same answer from the trigger-kept daily summary, which holds far fewer rows than the incidents.
        return incident_timeline_from_summary(filters=filters, user=user, interval=interval)
    return list(
        in_point_cells(incident_list(filters=filters, user=user), filters)
        .order_by()
        .annotate(bucket=Trunc("date", interval))
        .values("bucket", "event_type")
        # count(*), not count(id): id is not in the cell index, and naming it would send every row to the heap.
        .annotate(count=Count("*"), fatalities=Coalesce(Sum("fatalities"), 0))
        .order_by("bucket", "event_type")
    )


def timeline_summary_supports(filters: dict) -> bool:
    """Whether incidents_daily_stat can answer a timeline for these filters (no bbox, q, actor, place...)."""
    return answers(filters, DAILY_STAT_FILTERS)


def incident_timeline_from_summary(*, filters: dict, user=None, interval: str = "month") -> list[dict]:
    """The same rows as `incident_timeline`, read from the trigger-kept daily summary plus its pending deltas.

    Only for filters `timeline_summary_supports`; statuses follow `incident_list` (rejected only for editors).
    """
    if interval not in INTERVALS:
        raise ValueError(f"Unknown interval {interval!r}")
    if not timeline_summary_supports(filters):
        raise ValueError("These filters need the incident table, not the summary")
    filters = present(filters)
    statuses = visible_statuses(user=user, requested=filters.get("status"))
    if not statuses:
        return []
    count, fatalities = status_sum("n", statuses), status_sum("f", statuses)
    # Month and year buckets take whole months from a monthly roll-up, which has far fewer rows.
    cells, params = daily_stat_rows(filters, by_month=interval in ("month", "year"))
    sql = f"""
        SELECT date_trunc(%s, day)::date AS bucket, event_type, sum({count})::bigint, sum({fatalities})::bigint
        FROM ({cells}) AS cells
        GROUP BY 1, 2
        HAVING sum({count}) <> 0
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [interval, *params])
        return [
            {"bucket": bucket, "event_type": event_type, "count": n, "fatalities": f}
            for bucket, event_type, n, f in cursor.fetchall()
        ]
