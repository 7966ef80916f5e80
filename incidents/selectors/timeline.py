"""Timeline counts: from the trigger-kept daily and monthly summaries when the filters allow, else the incidents."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, Trunc

from .cells import in_point_cells
from .incidents import incident_list
from .visibility import as_list, visible_statuses

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


# Filters the daily summary (day x event type x country x admin1, counts per status) can answer.
SUMMARY_FILTERS = frozenset({"status", "date_from", "date_to", "event_type", "country", "admin1"})


def timeline_summary_supports(filters: dict) -> bool:
    """Whether incidents_daily_stat can answer a timeline for these filters (no bbox, q, actor, place...)."""
    return all(key in SUMMARY_FILTERS for key, value in (filters or {}).items() if value not in (None, "", [], ()))


def _whole_months(interval: str, filters: dict) -> bool:
    """Whether the monthly roll-up answers exactly: month or year buckets, and dates (if any) on month bounds."""
    if interval not in ("month", "year"):
        return False
    start, end = filters.get("date_from"), filters.get("date_to")
    start = dt.date.fromisoformat(start) if isinstance(start, str) else start
    end = dt.date.fromisoformat(end) if isinstance(end, str) else end
    return (start is None or start.day == 1) and (end is None or (end + dt.timedelta(days=1)).day == 1)


def incident_timeline_from_summary(*, filters: dict, user=None, interval: str = "month") -> list[dict]:
    """The same rows as `incident_timeline`, read from the trigger-kept daily summary plus its pending deltas.

    Only for filters `timeline_summary_supports`; statuses follow `incident_list` (rejected only for editors).
    """
    if interval not in INTERVALS:
        raise ValueError(f"Unknown interval {interval!r}")
    if not timeline_summary_supports(filters):
        raise ValueError("These filters need the incident table, not the summary")
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    statuses = visible_statuses(user=user, requested=filters.get("status"))
    if not statuses:
        return []
    count = " + ".join(f"n_{s}" for s in statuses)
    fatalities = " + ".join(f"f_{s}" for s in statuses)
    where, params = [], []
    if "date_from" in filters:
        where.append("day >= %s")
        params.append(filters["date_from"])
    if "date_to" in filters:
        where.append("day <= %s")
        params.append(filters["date_to"])
    for field in ("event_type", "country"):
        values = as_list(filters.get(field))
        if values:
            where.append(f"{field} = ANY(%s)")
            params.append(values)
    if "admin1" in filters:
        where.append("admin1 = %s")
        params.append(filters["admin1"])
    condition = " AND ".join(where) or "true"
    table = "incidents_daily_stat"
    if _whole_months(interval, filters):
        # Without a province filter, the roll-up by country alone (migration 0013) has fewer rows.
        table = "incidents_monthly_stat" if "admin1" in filters else "incidents_monthly_country_stat"
    sql = f"""
        SELECT date_trunc(%s, day)::date AS bucket, event_type, sum({count})::bigint, sum({fatalities})::bigint
        FROM (
            SELECT * FROM {table} WHERE {condition}
            UNION ALL
            SELECT * FROM incidents_daily_stat_delta WHERE {condition}
        ) AS cells
        GROUP BY 1, 2
        HAVING sum({count}) <> 0
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [interval, *params, *params])
        return [
            {"bucket": bucket, "event_type": event_type, "count": n, "fatalities": f}
            for bucket, event_type, n, f in cursor.fetchall()
        ]
