"""Incidents with no map point are counted, listed and exported with the view, so every count reconciles."""

import csv
import io

import pytest
from django.contrib.gis.geos import Point

from tests.factories import IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"
VIEW = "42.0,34.0,46.0,37.0"


@pytest.fixture
def made(kirkuk):
    aleppo = PlaceFactory(name="Aleppo", country="SY", admin1="Aleppo", point=Point(37.16, 36.20, srid=4326))
    return {
        "in_view": IncidentFactory(place=kirkuk, fatalities=10),
        "outside": IncidentFactory(place=aleppo, fatalities=4),
        "placeless": IncidentFactory(
            place=None, point=None, country="IQ", admin1="Kirkuk", geo_precision="admin", fatalities=1
        ),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_a_bbox_alone_leaves_out_incidents_with_no_map_point(api_client, made):
    assert ids(api_client.get(URL, {"bbox": VIEW})) == [made["in_view"].pk]


def test_placeless_include_lets_them_through_the_bbox_and_only_returns_just_them(api_client, made):
    both = ids(api_client.get(URL, {"bbox": VIEW, "placeless": "include"}))
    assert both == sorted([made["in_view"].pk, made["placeless"].pk])
    assert ids(api_client.get(URL, {"bbox": VIEW, "placeless": "only"})) == [made["placeless"].pk]
    summary = api_client.get("/api/v1/stats/summary/", {"placeless": "only"}).json()
    assert (summary["count"], summary["fatalities"]) == (1, 1)
    assert api_client.get(URL, {"placeless": "sometimes"}).status_code == 400


def test_the_csv_export_of_a_view_holds_its_placeless_incidents(api_client, made):
    response = api_client.get(URL, {"bbox": VIEW, "placeless": "include", "format": "csv"})
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 2
    placeless = next(r for r in rows if not r["latitude"])
    assert (placeless["admin1"], placeless["country"]) == ("Kirkuk", "Iraq")


def test_the_timeline_with_the_map_area_still_counts_what_the_list_shows(api_client, made):
    timeline = api_client.get("/api/v1/stats/timeline/", {"bbox": VIEW, "placeless": "include"}).json()
    assert sum(b["count"] for b in timeline["buckets"]) == 2
