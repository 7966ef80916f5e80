"""The 0.25-degree cell grid of `incidents_point_cell(point)` (migration 0013): a box's incidents read by cells."""

from __future__ import annotations

import math

from django.db.models import QuerySet

from ..models import Incident
from ..taxonomy import EventType
from .visibility import as_list

# The grid of `incidents_point_cell(point)` (migration 0013): cells of 1 / POINT_CELLS_PER_DEGREE degrees.
POINT_CELLS_PER_DEGREE = 4
# Beyond this many cells (a box wider than ~10 x 10 degrees) the index descents cost more than they save.
POINT_CELLS_MAX = 1600


def point_cells(bbox) -> list[int] | None:
    """The `incidents_point_cell` numbers of every cell a (min_lon, min_lat, max_lon, max_lat) box touches, or None
    when there are more than POINT_CELLS_MAX. Same arithmetic as the SQL function, so boundaries agree."""
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    k = POINT_CELLS_PER_DEGREE
    xs = range(math.floor(min_lon * k), math.floor(max_lon * k) + 1)
    ys = range(math.floor(min_lat * k), math.floor(max_lat * k) + 1)
    if len(xs) * len(ys) > POINT_CELLS_MAX:
        return None
    return [(x + 1000) * 2000 + y + 1000 for x in xs for y in ys]


def in_point_cells(qs: QuerySet[Incident], filters: dict) -> QuerySet[Incident]:
    """Adds the cells of the filter's bbox (if any), so that PostgreSQL reads the box's incidents from the (cell,
    event_type, date) index alone instead of the heap. Every event type is named when none is filtered, so that a
    date filter still narrows each descent. The exact `point && box` test stays."""
    if not filters.get("bbox") or filters.get("placeless"):
        return qs
    cells = point_cells(filters["bbox"])
    if cells is None:
        return qs
    types = as_list(filters.get("event_type")) or list(EventType.values)
    return qs.extra(
        where=["incidents_point_cell(point) = ANY(%s)", "point IS NOT NULL", "event_type = ANY(%s)"],
        params=[cells, types],
    )
