"""OGC API – Features at /ogc/ read by GDAL's OAPIF driver and OWSLib, and checked against the standard's rules."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.selectors import incident_list

from .conftest import battles_at_kirkuk_and_riots_at_raqqa, need
from .test_gdal import feature_count, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def incidents(kirkuk, raqqa):
    return battles_at_kirkuk_and_riots_at_raqqa(
        kirkuk, raqqa, battles=700, riots=530, riots_on=dt.date(2018, 6, 2), rejected=3
    )


def test_ogr2ogr_copies_every_page_of_a_filtered_collection(live_app_url, incidents, tmp_path):
    target = tmp_path / "syria.gpkg"
    # GDAL appends the query of the dataset URL to every request: the incident filters are queryables.
    source = f"OAPIF:{live_app_url}/ogc/?country=SY"
    run(need("ogr2ogr"), "-f", "GPKG", "-oo", "PAGE_SIZE=200", str(target), source, "incidents")
    expected = incident_list(filters={"country": ["SY"]}).count()
    assert expected == 530, "rejected incidents are not public"
    assert feature_count(run(need("ogrinfo"), "-ro", "-so", "-al", str(target))) == expected


def test_ogrinfo_lists_both_collections_and_reads_the_whole_incident_layer(live_app_url, incidents):
    listing = run(need("ogrinfo"), "-ro", f"OAPIF:{live_app_url}/ogc/")
    assert "incidents" in listing and "places" in listing
    summary = run(need("ogrinfo"), "-ro", "-so", "-oo", "PAGE_SIZE=1000", f"OAPIF:{live_app_url}/ogc/", "incidents")
    assert feature_count(summary) == 1230
    assert "TEMPORAL_INTERVAL_MIN=2017-05-01" in summary


def test_owslib_reads_the_landing_page_collections_and_items(live_app_url, incidents):
    from owslib.ogcapi.features import Features

    api = Features(f"{live_app_url}/ogc/")
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    assert {c["id"] for c in api.collections()["collections"]} == {"incidents", "places"}
    page = api.collection_items("incidents", limit=50, bbox=[38, 35, 40, 37], datetime_="2018-06-01/..")
    assert page["numberReturned"] == 50
    assert {f["properties"]["country"] for f in page["features"]} == {"SY"}
    [next_link] = [link for link in page["links"] if link["rel"] == "next"]
    assert next_link["type"] == "application/geo+json"
    one = api.collection_item("incidents", str(page["features"][0]["id"]))
    assert one["id"] == page["features"][0]["id"]
    places = api.collection_items("places", limit=5)
    assert {f["properties"]["name"] for f in places["features"]} == {"Kirkuk", "Raqqa"}


def test_items_follow_next_links_to_exactly_the_filters_matches(api_client, incidents):
    url, seen = "/ogc/collections/incidents/items?limit=400&event_type=riots", set()
    while url:
        page = api_client.get(url).json()
        seen |= {f["id"] for f in page["features"]}
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert len(seen) == 530


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("2017-05-01", 700),
        ("2018-01-01T00:00:00Z/..", 530),
        ("../2017-12-31T23:59:59Z", 700),
        ("2017-01-01/2019-01-01", 1230),
    ],
)  # fmt: skip
def test_datetime_takes_instants_and_open_or_closed_intervals(api_client, incidents, interval, expected):
    page = api_client.get("/ogc/collections/incidents/items", {"datetime": interval, "limit": 1000}).json()
    assert page["numberReturned"] == min(expected, 1000)


def test_a_limit_above_the_maximum_pages_at_the_maximum_and_bad_values_are_400(api_client, incidents):
    assert api_client.get("/ogc/collections/incidents/items", {"limit": 5000}).json()["numberReturned"] == 1000
    assert api_client.get("/ogc/collections/incidents/items", {"limit": "x"}).status_code == 400
    assert api_client.get("/ogc/collections/incidents/items", {"bbox": "1,2,3"}).status_code == 400
    assert api_client.get("/ogc/collections/incidents/items", {"datetime": "../.."}).status_code == 400
    assert api_client.get("/ogc/collections/nothing/items").status_code == 404


def test_a_rejected_incident_is_not_an_item(api_client, incidents):
    rejected = next(i for i in incidents if i.status == "rejected")
    assert api_client.get(f"/ogc/collections/incidents/items/{rejected.pk}").status_code == 404


def test_every_resource_is_also_html(api_client, incidents):
    for path in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/incidents",
                 "/ogc/collections/incidents/items", f"/ogc/collections/incidents/items/{incidents[0].pk}",
                 "/ogc/collections/places/items", "/ogc/collections/incidents/queryables"):  # fmt: skip
        response = api_client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml")
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path
    page = api_client.get("/ogc/collections/incidents/items", {"f": "html"}).content.decode()
    assert "Raqqa" in page
    assert "f=html&amp;f=html" not in page
