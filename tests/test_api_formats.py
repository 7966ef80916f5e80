"""GeoJSON and the streamed ACLED CSV export."""

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from incidents.models import IncidentActor
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    IncidentFactory,
    IncidentSourceFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
# ACLED's export columns, in ACLED's order (acleddata.com codebook).
ACLED_31 = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
URL = "/api/v1/incidents/"


@pytest.fixture
def incident():
    place = PlaceFactory(
        name="Makhmur", admin1="Erbil", admin2="Makhmur District", point=Point(43.58, 35.78, srid=4326)
    )
    incident = IncidentFactory(
        place=place,
        date=dt.date(2019, 7, 5),
        date_precision="week",
        geo_precision="near",
        event_type="explosions_remote_violence",
        sub_event_type="air_drone_strike",
        fatalities=4,
        summary="A drone struck a vehicle near Makhmur, killing four.",
    )
    turkey = ActorFactory(name="Turkish Armed Forces", kind="foreign_force", acled_inter=1)
    IncidentActor.objects.create(incident=incident, actor=turkey, role=1)
    IncidentActor.objects.create(
        incident=incident, actor=ActorFactory(name="Civilians (Iraq)", kind="civilians"), role=2
    )
    feed = SourceFactory(name="Rudaw", scale="National")
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=feed))
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=None, url="https://kurdistan24.example/a"))
    return incident


def streamed_json(response) -> dict:
    assert response.status_code == 200
    assert response.streaming, "a GeoJSON export without a page size streams every match"
    return json.loads(b"".join(response.streaming_content))


def test_it_serves_a_geojson_feature_collection_by_format_parameter(api_client, incident):
    response = api_client.get(URL, {"format": "geojson"})
    assert response["Content-Type"].startswith("application/geo+json")
    body = streamed_json(response)
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [pytest.approx(43.58), pytest.approx(35.78)]}
    assert feature["id"] == incident.pk
    assert feature["properties"]["sub_event_type"] == "air_drone_strike"
    assert "longitude" not in feature["properties"]


def test_it_serves_geojson_by_accept_header(api_client, incident):
    response = api_client.get(URL, HTTP_ACCEPT="application/geo+json")
    assert response["Content-Type"].startswith("application/geo+json")
    assert streamed_json(response)["features"][0]["id"] == incident.pk


def test_an_incident_without_a_point_is_a_feature_with_null_geometry(api_client):
    IncidentFactory(place=None, point=None)
    [feature] = streamed_json(api_client.get(URL, {"format": "geojson"}))["features"]
    assert feature["geometry"] is None


def read_csv(response):
    assert response.status_code == 200
    assert response.streaming, "the export must stream, not build the whole file in memory"
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_export_uses_acled_columns_and_codes(api_client, incident):
    response = api_client.get(URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    [row] = read_csv(response)
    assert list(row) == list(ACLED_31)
    assert row["event_id_cnty"] == f"IRQ{incident.pk}"
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2019-07-05", "2019", "2")
    assert row["disorder_type"] == "Political violence"
    assert (row["event_type"], row["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert (row["actor1"], row["actor2"]) == ("Turkish Armed Forces", "Civilians (Iraq)")
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("1", "7", "17")
    assert row["civilian_targeting"] == "Civilian targeting"
    assert (row["iso"], row["region"], row["admin3"]) == ("368", "Middle East", "")
    assert row["source_scale"] == "National"
    assert row["tags"] == ""
    assert (row["country"], row["admin1"], row["admin2"], row["location"]) == (
        "Iraq",
        "Erbil",
        "Makhmur District",
        "Makhmur",
    )
    assert float(row["latitude"]) == pytest.approx(35.78) and float(row["longitude"]) == pytest.approx(43.58)
    assert row["geo_precision"] == "2"
    assert row["source"] == "Rudaw; https://kurdistan24.example/a"
    assert row["notes"] == "A drone struck a vehicle near Makhmur, killing four."
    assert row["fatalities"] == "4"
    assert int(row["timestamp"]) == int(incident.updated_at.timestamp())


def test_the_csv_export_is_chosen_by_accept_header_and_honours_filters(api_client, incident):
    IncidentFactory(country="SY", place=PlaceFactory(country="SY"))
    rows = read_csv(api_client.get(URL, {"country": "IQ"}, HTTP_ACCEPT="text/csv"))
    assert [r["event_id_cnty"] for r in rows] == [f"IRQ{incident.pk}"]


def test_the_csv_export_streams_every_match_over_a_server_side_cursor(api_client):
    place = PlaceFactory()
    IncidentFactory.create_batch(1203, place=place)
    response = api_client.get(URL, {"format": "csv", "page_size": 5})
    assert response.streaming, "the export must stream, not build the whole file in memory"
    chunks = iter(response.streaming_content)
    first = next(chunks)
    with connection.cursor() as cursor:
        # Mid-stream, the rows are still held by PostgreSQL in a named cursor and fetched in chunks.
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        assert cursor.fetchone()[0] == 1
    text = (first + b"".join(chunks)).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    # No page limit applies to the export.
    assert len(rows) == 1203
    assert len({r["event_id_cnty"] for r in rows}) == 1203


def test_a_bad_parameter_on_a_csv_export_is_a_json_400(api_client):
    response = api_client.get(URL, {"format": "csv", "date_from": "2021-13-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "date_from" in response.json()


def test_several_actors_on_a_side_are_one_actor_and_its_associates(api_client):
    incident = IncidentFactory(event_type="protests", sub_event_type="peaceful_protest", fatalities=None)
    for name, kind, role in [
        ("Protesters (Iraq)", "protesters", 1),
        ("Sadrist Movement", "militia", 1),
        ("Teachers' Union", "other", 3),
        ("Police Forces of Iraq", "state_force", 2),
        ("Riot Police", "state_force", 2),
    ]:
        IncidentActor.objects.create(incident=incident, actor=ActorFactory(name=name, kind=kind), role=role)
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=SourceFactory(scale="International")))
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=SourceFactory(scale="Subnational")))
    [row] = read_csv(api_client.get(URL, {"format": "csv"}))
    assert (row["actor1"], row["assoc_actor_1"]) == ("Protesters (Iraq)", "Sadrist Movement; Teachers' Union")
    assert (row["actor2"], row["assoc_actor_2"]) == ("Police Forces of Iraq", "Riot Police")
    assert (row["inter1"], row["inter2"], row["interaction"], row["civilian_targeting"]) == ("6", "1", "16", "")
    assert row["source_scale"] == "Subnational-International"
    # ACLED writes 0 where the toll is unknown; the tags say so.
    assert row["fatalities"] == "0"
    assert row["tags"] == "fatalities unknown; crowd size=no report"


def test_an_actor_alone_has_an_interaction_of_its_type_times_ten(api_client):
    incident = IncidentFactory()
    IncidentActor.objects.create(incident=incident, actor=ActorFactory(name="Islamic State", kind="insurgent"), role=1)
    IncidentFactory(place=incident.place)
    rows = read_csv(api_client.get(URL, {"format": "csv", "ordering": "date"}))
    by_actor = {r["actor1"]: (r["inter1"], r["inter2"], r["interaction"]) for r in rows}
    assert by_actor == {"Islamic State": ("2", "0", "20"), "": ("0", "0", "0")}
