"""Reading the trigger-kept roll-ups (migrations 0002, 0006, 0012, 0013, 0020): the whole months of a date window,
the filters a roll-up answers, and its rows with the pending deltas added. Writers only append deltas and compaction
folds them in at any time, so every read is the roll-up table UNION ALL its delta table."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .visibility import as_list

# Filters the daily summary (day x event type x country x province, counts and fatalities per status) answers.
DAILY_STAT_FILTERS = frozenset({"status", "date_from", "date_to", "event_type", "country", "admin1"})
# Filters the actor roll-up (month x event type x country x actor) answers, for whole months.
ACTOR_STAT_FILTERS = frozenset({"status", "date_from", "date_to", "event_type", "country"})


def present(filters: dict | None) -> dict:
    """The filters that hold a value: an empty string or list filters nothing."""
    return {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}


def answers(filters: dict | None, names: frozenset[str]) -> bool:
    """Whether a roll-up with these filter dimensions can answer the filters exactly."""
    return set(present(filters)) <= names


def as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def month_after(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def whole_months(filters: dict) -> tuple[dt.date | None, dt.date | None] | None:
    """(first, last) whole months inside the date filters, as their first days (None: unbounded), or None when no
    whole month is."""
    start, end = filters.get("date_from"), filters.get("date_to")
    first = last = None
    if start is not None:
        start = as_date(start)
        first = start if start.day == 1 else month_after(start)
    if end is not None:
        end = as_date(end)
        # The month before the first one that ends after `end`.
        last = ((end + dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if first is not None and last is not None and first > last:
        return None
    return first, last


def partial_month_days(filters: dict) -> Q | None:
    """The days of the date window outside its whole months (at either end), as a filter on the incident date; None
    when the window is whole months. Only for windows that hold a whole month."""
    months = whole_months(filters)
    if months is None:
        raise ValueError("The window holds no whole month")
    first, last = months
    partial = []
    if first is not None and as_date(filters["date_from"]) < first:
        partial.append(Q(date__lt=first))
    if last is not None and as_date(filters["date_to"]) >= month_after(last):
        partial.append(Q(date__gte=month_after(last)))
    if not partial:
        return None
    return partial[0] if len(partial) == 1 else partial[0] | partial[1]


def status_sum(measure: str, statuses: list[str]) -> str:
    """`n_unreviewed + n_verified`: a roll-up measure over the statuses the reader may see (never empty)."""
    if not statuses:
        raise ValueError("No status to sum")
    return " + ".join(f"{measure}_{status}" for status in statuses)


def _where(filters: dict, *, date_column: str, dates: list[tuple[dt.date | None, dt.date | None]]) -> tuple[str, list]:
    """The filters as a WHERE condition on a roll-up, with its date column inside any of the (from, to) spans."""
    where, params = [], []
    spans = []
    for start, end in dates:
        bounds = []
        if start is not None:
            bounds.append(f"{date_column} >= %s")
            params.append(start)
        if end is not None:
            bounds.append(f"{date_column} <= %s")
            params.append(end)
        spans.append(" AND ".join(bounds) or "true")
    if spans:
        where.append("(" + " OR ".join(f"({span})" for span in spans) + ")")
    for field in ("event_type", "country"):
        values = as_list(filters.get(field))
        if values:
            where.append(f"{field} = ANY(%s)")
            params.append(values)
    if "admin1" in filters:
        where.append("admin1 = %s")
        params.append(filters["admin1"])
    return " AND ".join(where) or "true", params


def daily_stat_rows(filters: dict, *, by_month: bool = False) -> tuple[str, list]:
    """SQL and parameters for rows of the daily summary's shape (day, event_type, country, admin1, n_*, f_*) that
    together hold the incidents matching the filters (of DAILY_STAT_FILTERS; statuses are the reader's to sum).

    `by_month`: the whole months come from a monthly roll-up (one row per month, dated the 1st; by country alone
    without a province filter), which has far fewer rows, and only the days of partial months from the daily table.
    For month and year buckets and for totals; day and week buckets need `by_month=False`.
    """
    filters = present(filters)
    if not answers(filters, DAILY_STAT_FILTERS):
        raise ValueError("These filters need the incident table, not the summary")
    start = as_date(filters["date_from"]) if "date_from" in filters else None
    end = as_date(filters["date_to"]) if "date_to" in filters else None
    window = [(start, end)]
    delta, delta_params = _where(filters, date_column="day", dates=window)
    months = whole_months(filters) if by_month else None
    if months is None:
        condition, params = _where(filters, date_column="day", dates=window)
        parts = [(f"SELECT * FROM incidents_daily_stat WHERE {condition}", params)]
    else:
        first, last = months
        monthly = "incidents_monthly_stat" if "admin1" in filters else "incidents_monthly_country_stat"
        condition, params = _where(filters, date_column="day", dates=[months])
        parts = [(f"SELECT * FROM {monthly} WHERE {condition}", params)]
        edges = []
        if first is not None and start is not None and start < first:
            edges.append((start, first - dt.timedelta(days=1)))
        if last is not None and end is not None and end >= month_after(last):
            edges.append((month_after(last), end))
        if edges:
            condition, params = _where(filters, date_column="day", dates=edges)
            parts.append((f"SELECT * FROM incidents_daily_stat WHERE {condition}", params))
    parts.append((f"SELECT * FROM incidents_daily_stat_delta WHERE {delta}", delta_params))
    return " UNION ALL ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]


def actor_stat_rows(filters: dict, *, statuses: list[str]) -> tuple[str, list]:
    """SQL and parameters for (actor_id, n, f) rows that sum to each actor's incidents and fatalities in the whole
    months of the window (see `whole_months`, which must not be None), for the filters of ACTOR_STAT_FILTERS."""
    filters = present(filters)
    if not answers(filters, ACTOR_STAT_FILTERS):
        raise ValueError("These filters need the incident table, not the actor roll-up")
    months = whole_months(filters)
    if months is None:
        raise ValueError("The window holds no whole month")
    condition, params = _where(filters, date_column="month", dates=[months])
    n, f = status_sum("n", statuses), status_sum("f", statuses)
    sql = (
        f"SELECT actor_id, {n} AS n, {f} AS f FROM incidents_actor_stat WHERE {condition} UNION ALL "
        f"SELECT actor_id, {n}, {f} FROM incidents_actor_stat_delta WHERE {condition}"
    )
    return sql, [*params, *params]
