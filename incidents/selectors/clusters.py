"""Map clusters: incidents snapped to a screen-sized grid, from the grid summary (migration 0012) when it answers
exactly, otherwise from the incidents themselves."""

from __future__ import annotations

import math

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from ..models import Incident
from .cells import in_point_cells
from .expressions import X, Y
from .incidents import incident_list
from .rollups import answers, partial_month_days, present, status_sum, whole_months
from .visibility import as_list, visible_statuses

# Grid cell of the map clusters, in screen pixels of a 256 px web-mercator tile.
CLUSTER_CELL_PX = 64
CLUSTER_LIMIT = 2000


def cluster_cell_size(zoom: int) -> float:
    """Grid step in degrees for a map zoom level: about CLUSTER_CELL_PX screen pixels wide."""
    return 360.0 / (2**zoom) * CLUSTER_CELL_PX / 256


# Zooms the grid summary (migration 0012) holds, and the filters it can answer.
CLUSTER_SUMMARY_ZOOMS = range(3, 7)
CLUSTER_SUMMARY_FILTERS = frozenset({"bbox", "date_from", "date_to", "event_type", "status"})


def _cell_range(low: float, high: float, size: float) -> tuple[tuple[int, int], tuple[int, int]]:
    """Cells a [low, high] span touches (generously) and those it covers whole (strictly)."""
    touched = (math.floor(low / size - 0.5), math.ceil(high / size + 0.5))
    covered = (math.ceil(low / size + 0.5 + 1e-9), math.floor(high / size - 0.5 - 1e-9))
    return touched, covered


def _cluster_summary_parts(*, filters: dict, user, zoom: int, size: float) -> tuple[str, list] | None:
    """SQL for (cx, cy, event_type, n, f, sx, sy) from the grid summary plus the raw rows of partial months, or None
    when the summary cannot answer exactly (other filters, other zooms, no whole month, or incidents in a cell the
    bbox only partly covers)."""
    filters = present(filters)
    if zoom not in CLUSTER_SUMMARY_ZOOMS or not answers(filters, CLUSTER_SUMMARY_FILTERS):
        return None
    months = whole_months(filters)
    if months is None:
        return None
    statuses = visible_statuses(user=user, requested=filters.get("status"))
    if not statuses:
        return None
    measures = {m: status_sum(m, statuses) for m in ("n", "f", "sx", "sy")}
    where, params = ["zoom = %s"], [zoom]
    if months[0] is not None:
        where.append("month >= %s")
        params.append(months[0])
    if months[1] is not None:
        where.append("month <= %s")
        params.append(months[1])
    types = as_list(filters.get("event_type"))
    if types:
        where.append("event_type = ANY(%s)")
        params.append(types)
    inside = "true"
    if "bbox" in filters:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in filters["bbox"])
        (tx, cx), (ty, cy) = _cell_range(min_lon, max_lon, size), _cell_range(min_lat, max_lat, size)
        inside = f"cx BETWEEN {int(cx[0])} AND {int(cx[1])} AND cy BETWEEN {int(cy[0])} AND {int(cy[1])}"
        touched = f"cx BETWEEN {int(tx[0])} AND {int(tx[1])} AND cy BETWEEN {int(ty[0])} AND {int(ty[1])}"
        condition = " AND ".join(where)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT EXISTS (
                    SELECT 1 FROM (
                        SELECT * FROM incidents_cluster_stat WHERE {condition}
                        UNION ALL
                        SELECT * FROM incidents_cluster_stat_delta WHERE {condition}
                    ) AS c
                    WHERE {touched} AND NOT ({inside})
                    GROUP BY cx, cy HAVING sum({measures["n"]}) <> 0
                )
                """,
                [*params, *params],
            )
            if cursor.fetchone()[0]:
                return None
    condition = " AND ".join([*where, inside])
    sql = f"""
        SELECT cx, cy, event_type, sum({measures["n"]}) AS n, sum({measures["f"]}) AS f,
            sum({measures["sx"]}) AS sx, sum({measures["sy"]}) AS sy
        FROM (
            SELECT * FROM incidents_cluster_stat WHERE {condition}
            UNION ALL
            SELECT * FROM incidents_cluster_stat_delta WHERE {condition}
        ) AS c
        GROUP BY 1, 2, 3
    """
    params = [*params, *params]
    # Days of partial months (at either end of the window) come from the incidents themselves.
    condition = partial_month_days(filters)
    if condition is None:
        return sql, params
    raw_sql, raw_params = _cluster_raw_parts(incident_list(filters=filters, user=user).filter(condition), size)
    return f"{sql} UNION ALL {raw_sql}", [*params, *raw_params]


def _cluster_raw_parts(queryset: QuerySet[Incident], size: float) -> tuple[str, list]:
    base = (
        queryset.order_by()
        .filter(point__isnull=False)
        .annotate(lon=X("point"), lat=Y("point"))
        .values("lon", "lat", "fatalities", "event_type")
    )
    try:
        base_sql, params = base.query.sql_with_params()
    except EmptyResultSet:
        # A filter that matches nothing (e.g. only statuses this user may not see): no cells, no query.
        return (
            "SELECT NULL::integer AS cx, NULL::integer AS cy, NULL::varchar AS event_type, 0 AS n, 0 AS f, "
            "0.0 AS sx, 0.0 AS sy WHERE false",
            [],
        )
    # OFFSET 0 keeps the subquery apart, so each point is decoded once, not once per use.
    sql = f"""
        SELECT round(lon / %s)::integer AS cx, round(lat / %s)::integer AS cy, event_type, count(*) AS n,
            coalesce(sum(fatalities), 0) AS f, sum(lon) AS sx, sum(lat) AS sy
        FROM ({base_sql} OFFSET 0) AS b
        GROUP BY 1, 2, 3
    """
    return sql, [size, size, *params]


def incident_clusters(*, filters: dict, user=None, zoom: int, limit: int = CLUSTER_LIMIT) -> tuple[list[dict], bool]:
    """Incidents snapped to a grid in PostGIS: per cell the centroid, count, fatalities and the most common type.

    Returns (cells, truncated): at most `limit` cells, the largest first. At zooms 3-6 with only bbox, date and
    type/status filters, whole months come from the grid summary (migration 0012): the same cells, from a few
    thousand summary rows instead of every incident of the window.
    """
    size = cluster_cell_size(zoom)
    parts = _cluster_summary_parts(filters=filters, user=user, zoom=zoom, size=size)
    if parts is None:
        # A viewport's points are read by the cells it covers rather than from the date index.
        parts = _cluster_raw_parts(in_point_cells(incident_list(filters=filters, user=user), filters), size)
    typed_sql, params = parts
    # Cells as integer pairs (rounded like ST_SnapToGrid) in one hash aggregate per type, the centre as the mean of
    # the points (= the centroid of their collection): no sort of geometries for MODE() and Collect().
    sql = f"""
        WITH typed AS (
            SELECT cx, cy, event_type, sum(n) AS n, sum(f) AS f, sum(sx) AS sx, sum(sy) AS sy
            FROM ({typed_sql}) AS parts
            GROUP BY 1, 2, 3
            HAVING sum(n) > 0
        )
        SELECT sum(n)::bigint AS count, sum(f)::bigint AS fatalities,
            (array_agg(event_type ORDER BY n DESC, event_type))[1] AS event_type,
            sum(sx) / sum(n) AS lon, sum(sy) / sum(n) AS lat
        FROM typed
        GROUP BY cx, cy
        ORDER BY count DESC, lon, lat
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit + 1])
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows[:limit], len(rows) > limit
