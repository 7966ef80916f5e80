"""Summary totals of a filter (overall, by event type, by country, the most active actors): from the trigger-kept
roll-ups when the filters allow, else from the incidents. Both give the same answer."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from ..models import Incident
from .incidents import incident_list
from .rollups import (
    ACTOR_STAT_FILTERS,
    DAILY_STAT_FILTERS,
    actor_stat_rows,
    answers,
    daily_stat_rows,
    partial_month_days,
    present,
    status_sum,
    whole_months,
)
from .visibility import visible_statuses

TOP_ACTORS = 25
# Both roll-ups are needed: the totals from the daily summary, the actors from theirs (no province dimension).
SUMMARY_ROLLUP_FILTERS = DAILY_STAT_FILTERS & ACTOR_STAT_FILTERS


def summary_rollups_support(filters: dict) -> bool:
    """Whether the roll-ups can answer a summary for these filters (no bbox, q, actor, place, province...)."""
    return answers(filters, SUMMARY_ROLLUP_FILTERS)


def incident_summary(*, filters: dict, user=None, top_actors: int = TOP_ACTORS) -> dict:
    """Totals for the filter: overall, by event type, by country and by actor (the most active first). An incident
    counts once for an actor, whatever roles the actor has in it."""
    if summary_rollups_support(filters):
        return incident_summary_from_rollups(filters=filters, user=user, top_actors=top_actors)
    return incident_summary_from_incidents(filters=filters, user=user, top_actors=top_actors)


def incident_summary_from_incidents(*, filters: dict, user=None, top_actors: int = TOP_ACTORS) -> dict:
    """`incident_summary` aggregated from the incident table, for any filters."""
    qs = incident_list(filters=filters, user=user).order_by()
    totals = qs.aggregate(count=Count("pk"), fatalities=Coalesce(Sum("fatalities"), 0))

    def grouped(field: str) -> list[dict]:
        return list(
            qs.values(field)
            .annotate(count=Count("pk"), fatalities=Coalesce(Sum("fatalities"), 0))
            .order_by("-count", field)
        )

    return {
        "count": totals["count"],
        "fatalities": totals["fatalities"],
        "by_event_type": grouped("event_type"),
        "by_country": grouped("country"),
        "by_actor": _top_actors([_actor_shares(qs)], top_actors),
    }


def incident_summary_from_rollups(*, filters: dict, user=None, top_actors: int = TOP_ACTORS) -> dict:
    """`incident_summary` from the daily summary and the actor roll-up plus their pending deltas; the actors of the
    days outside whole months (at the ends of a date window) come from the incidents. Only for filters
    `summary_rollups_support`; statuses follow `incident_list` (rejected only for editors)."""
    if not summary_rollups_support(filters):
        raise ValueError("These filters need the incident table, not the roll-ups")
    filters = present(filters)
    summary = {"count": 0, "fatalities": 0, "by_event_type": [], "by_country": [], "by_actor": []}
    statuses = visible_statuses(user=user, requested=filters.get("status"))
    if not statuses:
        return summary
    n, f = status_sum("n", statuses), status_sum("f", statuses)
    cells, params = daily_stat_rows(filters, by_month=True)
    sql = f"""
        SELECT GROUPING(event_type, country), event_type, country, sum({n})::bigint, sum({f})::bigint
        FROM ({cells}) AS cells
        GROUP BY GROUPING SETS ((event_type), (country), ())
        HAVING sum({n}) <> 0
        ORDER BY 1, 4 DESC, 2, 3
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # GROUPING() is 1 for the rows by event type, 2 by country, 3 for the total.
    for grouping, event_type, country, count, fatalities in rows:
        if grouping == 1:
            summary["by_event_type"].append({"event_type": event_type, "count": count, "fatalities": fatalities})
        elif grouping == 2:
            summary["by_country"].append({"country": country, "count": count, "fatalities": fatalities})
        else:
            summary["count"], summary["fatalities"] = count, fatalities

    if whole_months(filters) is None:
        # A window inside two months: its few incidents are cheaper to read than to split.
        parts = [_actor_shares(incident_list(filters=filters, user=user).order_by())]
    else:
        parts = [actor_stat_rows(filters, statuses=statuses)]
        edges = partial_month_days(filters)
        if edges is not None:
            parts.append(_actor_shares(incident_list(filters=filters, user=user).order_by().filter(edges)))
    summary["by_actor"] = _top_actors(parts, top_actors)
    return summary


def _actor_shares(queryset: QuerySet[Incident]) -> tuple[str, list] | None:
    """SQL for (actor_id, n, f) rows, one per incident and actor of the queryset; None when it matches nothing."""
    try:
        inner, params = queryset.values("id", "fatalities").query.sql_with_params()
    except EmptyResultSet:
        return None
    sql = f"""
        SELECT actor_id, 1 AS n, coalesce(fatalities, 0) AS f
        FROM (
            SELECT DISTINCT l.incident_id, l.actor_id, i.fatalities
            FROM incidents_incidentactor AS l JOIN ({inner}) AS i ON i.id = l.incident_id
        ) AS pairs
    """
    return sql, list(params)


def _top_actors(parts: list[tuple[str, list] | None], limit: int) -> list[dict]:
    """The actors with the most incidents (then by name) over (actor_id, n, f) rows, summed."""
    parts = [part for part in parts if part is not None]
    if not parts:
        return []
    shares = " UNION ALL ".join(f"({sql})" for sql, _ in parts)
    sql = f"""
        SELECT s.actor_id, a.name, s.n, s.f
        FROM (
            SELECT actor_id, sum(n)::bigint AS n, sum(f)::bigint AS f FROM ({shares}) AS shares
            GROUP BY actor_id HAVING sum(n) <> 0
        ) AS s
        JOIN incidents_actor AS a ON a.id = s.actor_id
        ORDER BY s.n DESC, a.name
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(p for _, params in parts for p in params), limit])
        return [
            {"actor_id": actor_id, "name": name, "count": count, "fatalities": fatalities}
            for actor_id, name, count, fatalities in cursor.fetchall()
        ]
