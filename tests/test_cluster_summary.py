"""Map clusters from the grid summary (migration 0012) are the clusters computed from the incidents themselves."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from bench.synthetic import synthetic_generate
from incidents import selectors
from incidents.models import Incident

from .factories import IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db
EVERYWHERE = (0.0, 0.0, 90.0, 60.0)


def clusters(filters, zoom, user=None):
    cells, truncated = selectors.incident_clusters(filters=filters, user=user, zoom=zoom)
    return sorted(
        (c["count"], c["fatalities"], c["event_type"], round(c["lon"], 9), round(c["lat"], 9)) for c in cells
    ), truncated


def from_rows(filters, zoom, user=None):
    # A country filter the summary cannot answer: the same clusters, computed from every incident.
    assert selectors.clusters._cluster_summary_parts(filters={**filters, "country": ["IQ", "SY"]}, user=user, zoom=zoom,
                                            size=selectors.cluster_cell_size(zoom)) is None  # fmt: skip
    return clusters({**filters, "country": ["IQ", "SY"]}, zoom, user)


def uses_summary(filters, zoom) -> bool:
    size = selectors.cluster_cell_size(zoom)
    return selectors.clusters._cluster_summary_parts(filters=filters, user=None, zoom=zoom, size=size) is not None


@pytest.fixture
def incidents():
    places = [
        PlaceFactory(name="Kirkuk", admin1="Kirkuk", population=975_000, point=Point(44.39, 35.47, srid=4326)),
        PlaceFactory(name="Ramadi", admin1="Anbar", population=274_000, point=Point(43.30, 33.42, srid=4326)),
        PlaceFactory(name="Raqqa", country="SY", admin1="Raqqa", population=220_000, point=Point(39.01, 35.95)),
    ]
    synthetic_generate(n=400, seed=11, chunk_size=150)
    return places


@pytest.mark.parametrize("zoom", [3, 4, 5, 6])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"bbox": EVERYWHERE},
        {"date_from": dt.date(2014, 3, 17), "date_to": dt.date(2019, 11, 3)},
        {"date_from": dt.date(2010, 1, 1), "date_to": dt.date(2020, 12, 31), "event_type": ["battles", "riots"]},
        {"status": ["verified"], "bbox": EVERYWHERE, "date_to": dt.date(2016, 6, 15)},
    ],
)
def test_the_summary_gives_the_clusters_the_incidents_give(incidents, filters, zoom):
    assert uses_summary(filters, zoom)
    assert clusters(filters, zoom) == from_rows(filters, zoom)


def test_edits_moves_and_deletions_reach_the_summary_before_and_after_compaction(incidents):
    ids = list(Incident.objects.order_by("pk").values_list("pk", flat=True))
    Incident.objects.filter(pk__in=ids[:30]).update(status="rejected")
    Incident.objects.filter(pk__in=ids[30:60]).update(event_type="protests", sub_event_type="peaceful_protest")
    Incident.objects.filter(pk__in=ids[60:90]).update(point=Point(47.9, 30.5, srid=4326), date=dt.date(2022, 2, 2))
    Incident.objects.filter(pk__in=ids[90:100]).update(fatalities=500)
    Incident.objects.filter(pk__in=ids[100:110]).delete()
    IncidentFactory(point=Point(45.0, 32.0, srid=4326), fatalities=3)
    for zoom in (3, 5, 6):
        assert clusters({}, zoom) == from_rows({}, zoom)
    with connection.cursor() as cursor:
        cursor.execute("SELECT incidents_daily_stat_compact()")
        cursor.execute("SELECT count(*) FROM incidents_cluster_stat_delta")
        assert cursor.fetchone()[0] == 0
    for zoom in (3, 5, 6):
        assert clusters({}, zoom) == from_rows({}, zoom)


def test_a_box_that_cuts_a_cell_with_incidents_falls_back_to_the_incidents(incidents):
    # Through Kirkuk's cell at zoom 6 (cells of 1.40625 degrees): part of its incidents are outside the box.
    cut = (44.39, 30.0, 50.0, 40.0)
    assert not uses_summary({"bbox": cut}, 6)
    assert clusters({"bbox": cut}, 6) == from_rows({"bbox": cut}, 6)


def test_filters_and_zooms_the_summary_does_not_hold_use_the_incidents(incidents):
    assert not uses_summary({}, 8)
    assert not uses_summary({"actor": "ISIS"}, 5)
    assert not uses_summary({"date_from": dt.date(2015, 3, 2), "date_to": dt.date(2015, 3, 30)}, 5)


def test_rejected_incidents_count_only_for_editors(incidents, admin_user):
    filters = {"status": ["rejected"]}
    assert clusters(filters, 5) == ([], False)
    assert clusters(filters, 5, admin_user) == from_rows(filters, 5, admin_user)
    assert clusters(filters, 5, admin_user)[0]
