"""Timeline and summary aggregates, and the map's server-side grid clusters."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from incidents.models import IncidentActor
from tests.factories import ActorFactory, IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    return {
        "mosul": PlaceFactory(name="Mosul", country="IQ", admin1="Nineveh", point=Point(43.13, 36.34, srid=4326)),
        "mosul_east": PlaceFactory(
            name="Bartella", country="IQ", admin1="Nineveh", point=Point(43.38, 36.35, srid=4326)
        ),
        "raqqa": PlaceFactory(name="Raqqa", country="SY", admin1="Ar-Raqqah", point=Point(39.01, 35.95, srid=4326)),
    }


def test_the_timeline_counts_incidents_and_fatalities_per_month_and_type(api_client, places):
    IncidentFactory(place=places["mosul"], date=dt.date(2017, 1, 3), fatalities=2)
    IncidentFactory(place=places["mosul"], date=dt.date(2017, 1, 30), fatalities=None)
    IncidentFactory(place=places["raqqa"], date=dt.date(2017, 1, 9), event_type="riots", sub_event_type="mob_violence")
    IncidentFactory(place=places["raqqa"], date=dt.date(2017, 3, 1), fatalities=5)
    IncidentFactory(place=places["raqqa"], date=dt.date(2017, 3, 1), status="rejected", fatalities=100)
    body = api_client.get("/api/v1/stats/timeline/", {"interval": "month"}).json()
    assert body["interval"] == "month"
    assert [(b["start"], b["count"], b["fatalities"]) for b in body["buckets"]] == [
        ("2017-01-01", 3, 5),
        ("2017-03-01", 1, 5),
    ]
    assert body["buckets"][0]["by_event_type"] == [
        {"event_type": "battles", "count": 2, "fatalities": 2},
        {"event_type": "riots", "count": 1, "fatalities": 3},
    ]


def test_the_timeline_takes_the_incident_filters_and_weekly_buckets_start_on_monday(api_client, places):
    IncidentFactory(place=places["mosul"], date=dt.date(2017, 1, 5))
    IncidentFactory(place=places["raqqa"], date=dt.date(2017, 1, 5))
    body = api_client.get("/api/v1/stats/timeline/", {"interval": "week", "country": "IQ"}).json()
    assert [(b["start"], b["count"]) for b in body["buckets"]] == [("2017-01-02", 1)]


def test_the_summary_totals_by_type_country_and_actor(api_client, places):
    isis = ActorFactory(name="Islamic State")
    army = ActorFactory(name="Iraqi Security Forces")
    a = IncidentFactory(place=places["mosul"], fatalities=10)
    b = IncidentFactory(place=places["mosul"], fatalities=1, event_type="riots", sub_event_type="mob_violence")
    IncidentFactory(place=places["raqqa"], fatalities=None)
    IncidentActor.objects.create(incident=a, actor=isis, role=1)
    IncidentActor.objects.create(incident=a, actor=army, role=2)
    IncidentActor.objects.create(incident=b, actor=isis, role=1)
    body = api_client.get("/api/v1/stats/summary/").json()
    assert (body["count"], body["fatalities"]) == (3, 11)
    assert body["by_event_type"] == [
        {"event_type": "battles", "count": 2, "fatalities": 10},
        {"event_type": "riots", "count": 1, "fatalities": 1},
    ]
    assert body["by_country"] == [
        {"country": "IQ", "count": 2, "fatalities": 11},
        {"country": "SY", "count": 1, "fatalities": 0},
    ]
    assert [(x["name"], x["count"], x["fatalities"]) for x in body["by_actor"]] == [
        ("Islamic State", 2, 11),
        ("Iraqi Security Forces", 1, 10),
    ]
    filtered = api_client.get("/api/v1/stats/summary/", {"actor": "Iraqi Security Forces"}).json()
    assert (filtered["count"], filtered["fatalities"]) == (1, 10)


def test_clusters_merge_nearby_incidents_at_low_zoom_and_split_them_when_zoomed_in(api_client, places):
    IncidentFactory(place=places["mosul"], fatalities=3)
    IncidentFactory(place=places["mosul"], fatalities=4, event_type="riots", sub_event_type="mob_violence")
    IncidentFactory(place=places["mosul"], fatalities=None, event_type="riots", sub_event_type="mob_violence")
    IncidentFactory(place=places["mosul_east"], fatalities=1, event_type="riots", sub_event_type="mob_violence")
    IncidentFactory(place=places["raqqa"], fatalities=2)
    response = api_client.get("/api/v1/incidents/clusters/", {"zoom": 5})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    cells = sorted(
        (f["properties"]["count"], f["properties"]["fatalities"], f["properties"]["event_type"])
        for f in body["features"]
    )
    # Cells are about 1.4 degrees wide at zoom 5: Mosul and Bartella (0.25 degrees apart) share one.
    assert cells == [(1, 2, "battles"), (4, 8, "riots")]
    big = next(f for f in body["features"] if f["properties"]["count"] == 4)
    lon, lat = big["geometry"]["coordinates"]
    assert lon == pytest.approx((43.13 * 3 + 43.38) / 4) and lat == pytest.approx((36.34 * 3 + 36.35) / 4)
    assert body["truncated"] is False

    zoomed = api_client.get("/api/v1/incidents/clusters/", {"zoom": 10, "bbox": "42,35,45,37"}).json()
    assert sorted(f["properties"]["count"] for f in zoomed["features"]) == [1, 3]


def test_clusters_are_bounded_in_number(api_client, monkeypatch):
    from incidents import selectors

    monkeypatch.setattr(selectors, "CLUSTER_LIMIT", 2)
    for n in range(4):
        IncidentFactory(place=PlaceFactory(point=Point(40 + n * 2, 35, srid=4326)), fatalities=n)
    body = api_client.get("/api/v1/incidents/clusters/", {"zoom": 8}).json()
    assert len(body["features"]) == 2 and body["truncated"] is True


def test_clusters_take_the_incident_filters(api_client, places):
    IncidentFactory(place=places["mosul"], date=dt.date(2016, 1, 1))
    IncidentFactory(place=places["raqqa"], date=dt.date(2018, 1, 1))
    body = api_client.get("/api/v1/incidents/clusters/", {"zoom": 3, "date_from": "2017-01-01"}).json()
    assert [f["properties"]["count"] for f in body["features"]] == [1]
