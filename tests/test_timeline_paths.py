"""The fast read paths of the timeline (migration 0013) give exactly what the plain queries give."""

import datetime as dt
import itertools

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from incidents import selectors
from incidents.models import Incident
from tests.factories import IncidentFactory
from tests.fixtures.timeline import plain_timeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_incidents():
    """Incidents on and beside cell edges (every 0.25 degree) and box edges, both sides of 0 degrees."""
    coordinates = [-0.25, -0.0001, 0.0, 0.1, 0.25, 42.25, 42.4999, 42.5, 42.75, 43.0, 33.0, 33.2499, 33.25, 33.5]
    types = itertools.cycle([("battles", "armed_clash"), ("protests", "peaceful_protest"), ("riots", "mob_violence")])
    days = itertools.cycle([dt.date(2015, 1, 31), dt.date(2015, 2, 1), dt.date(2016, 7, 15)])
    made = []
    for lon, lat in itertools.product(coordinates, coordinates):
        event_type, sub = next(types)
        made.append(
            IncidentFactory.build(
                place=None, point=Point(lon, lat, srid=4326), country="IQ", event_type=event_type,
                sub_event_type=sub, date=next(days), fatalities=int(abs(lon * 10 + lat)) % 7,
            )
        )  # fmt: skip
    Incident.objects.bulk_create(made)
    IncidentFactory(place=None, point=None, country="IQ")  # no point: never in a box
    return made


BOXES = [
    (42.25, 33.0, 42.75, 33.5),  # edges on cell boundaries
    (42.3, 33.1, 42.6, 33.3),  # edges inside cells
    (-0.25, -0.25, 0.25, 0.1),  # across 0 degrees both ways
    (42.5, 33.25, 42.5, 33.25),  # a point-sized box on a cell corner
]


@pytest.mark.parametrize("bbox", BOXES)
@pytest.mark.parametrize(
    "extra",
    [{}, {"event_type": ["battles"]}, {"date_from": dt.date(2015, 2, 1), "date_to": dt.date(2016, 12, 31)}],
)
def test_a_box_timeline_read_by_cells_equals_the_plain_query(grid_incidents, bbox, extra):
    filters = {"bbox": bbox, **extra}
    expected = plain_timeline(filters)
    if not extra:
        assert expected, "the box must hold incidents, or the comparison proves nothing"
    assert selectors.incident_timeline(filters=filters, interval="month") == expected


def test_the_cells_of_a_box_follow_the_sql_function(grid_incidents):
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT incidents_point_cell(point) FROM incidents_incident WHERE point IS NOT NULL")
        in_database = {row[0] for row in cursor.fetchall()}
    # Each incident's own cell is among the cells of a point-sized box around it, and only that one.
    for incident in grid_incidents:
        x, y = incident.point.x, incident.point.y
        (cell,) = selectors.point_cells((x, y, x, y))
        with connection.cursor() as cursor:
            cursor.execute("SELECT incidents_point_cell(ST_SetSRID(ST_MakePoint(%s, %s), 4326))", [x, y])
            assert cursor.fetchone()[0] == cell
        assert cell in in_database


def test_a_box_too_large_for_cells_uses_the_plain_query(grid_incidents):
    assert selectors.point_cells((-10, -10, 50, 50)) is None
    filters = {"bbox": (-10, -10, 50, 50)}
    assert selectors.incident_timeline(filters=filters) == plain_timeline(filters)


def test_postgresql_reads_a_box_timeline_from_the_cell_index_alone(grid_incidents):
    qs = selectors.in_point_cells(
        selectors.incident_list(filters={"bbox": BOXES[0], "event_type": ["battles"]}),
        {"bbox": BOXES[0], "event_type": ["battles"]},
    )
    with connection.cursor() as cursor:
        # A table this small is cheaper to scan whole; forbid that, to see that the index can serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # Other indexes could serve it too on a table this small: dropped inside the test's transaction (rolled
        # back), to see that this one can.
        # (The public id's unique constraint is kept: it serves no date or cell query.)
        cursor.execute(
            "SELECT string_agg(quote_ident(indexname), ', ') FROM pg_indexes WHERE tablename = 'incidents_incident' "
            "AND indexname NOT IN ('incident_cell_type_date', 'incidents_incident_pkey', 'incident_public_id_unique')"
        )
        cursor.execute(f"DROP INDEX {cursor.fetchone()[0]}")
        cursor.execute("ANALYZE incidents_incident")
        plan = qs.order_by().values("date", "fatalities").explain()
    assert "incident_cell_type_date" in plan, plan


def test_the_country_roll_up_follows_every_change_through_compaction():
    def rollup() -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SELECT incidents_daily_stat_compact()")
            cursor.execute("SELECT day, event_type, country, n_verified, n_unreviewed, f_unreviewed "
                           "FROM incidents_monthly_country_stat")  # fmt: skip
            return {row[:3]: row[3:] for row in cursor.fetchall()}

    a = IncidentFactory(date=dt.date(2016, 3, 14), fatalities=3)
    b = IncidentFactory(date=dt.date(2016, 3, 30), fatalities=4, admin1="Anbar", status="verified")
    march = dt.date(2016, 3, 1)
    assert rollup() == {(march, "battles", "IQ"): (1, 1, 3)}, "two provinces, one row"
    Incident.objects.filter(pk=b.pk).update(date=dt.date(2016, 4, 2))
    assert rollup() == {(march, "battles", "IQ"): (0, 1, 3), (dt.date(2016, 4, 1), "battles", "IQ"): (1, 0, 0)}
    Incident.objects.filter(pk__in=[a.pk, b.pk]).delete()
    assert rollup() == {}, "rows that sum to zero go"


@pytest.mark.parametrize("filters", [{}, {"country": ["IQ"]}, {"admin1": "Kirkuk"}, {"event_type": ["battles"]}])
def test_month_and_year_timelines_read_the_roll_up_that_fits(filters):
    IncidentFactory(date=dt.date(2016, 3, 14), fatalities=3)
    IncidentFactory(date=dt.date(2016, 5, 1), fatalities=None, admin1="Anbar", event_type="protests",
                    sub_event_type="peaceful_protest")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT incidents_daily_stat_compact()")
    IncidentFactory(date=dt.date(2017, 1, 9), fatalities=9)  # still a pending delta
    for interval in ("month", "year"):
        assert selectors.incident_timeline(filters=filters, interval=interval) == plain_timeline(filters, interval)


@pytest.mark.parametrize("bbox", BOXES)
@pytest.mark.parametrize("zoom", [8, 12])
def test_map_clusters_of_a_box_read_by_cells_equal_the_plain_query(grid_incidents, bbox, zoom, monkeypatch):
    filters = {"bbox": bbox, "date_from": dt.date(2015, 2, 1)}
    by_cells = selectors.incident_clusters(filters=filters, zoom=zoom)
    monkeypatch.setattr(selectors.timeline, "in_point_cells", lambda qs, filters: qs)
    plain = selectors.incident_clusters(filters=filters, zoom=zoom)
    assert plain[0], "the box must hold incidents, or the comparison proves nothing"
    assert by_cells == plain
