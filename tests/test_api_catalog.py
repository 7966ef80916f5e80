"""places/, actors/ and sources/: search by any spelling or alias, nearest places, keyset pages."""

import pytest
from django.contrib.gis.geos import Point

from tests.factories import ActorFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_places_are_found_by_any_spelling(api_client):
    erbil = PlaceFactory(
        name="Erbil", alternate_names=["Arbil", "Hawlêr", "Irbil"], point=Point(44.01, 36.19, srid=4326)
    )
    PlaceFactory(name="Mosul")
    for spelling in ("Hawler", "ARBIL", "erbil"):
        assert [p["id"] for p in api_client.get("/api/v1/places/", {"q": spelling}).json()["results"]] == [erbil.pk]


def test_places_near_a_point_come_nearest_first_within_the_radius(api_client):
    near = PlaceFactory(name="Ainkawa", point=Point(44.00, 36.23, srid=4326))
    nearer = PlaceFactory(name="Erbil", point=Point(44.01, 36.19, srid=4326))
    PlaceFactory(name="Basra", point=Point(47.78, 30.51, srid=4326))
    results = api_client.get("/api/v1/places/", {"near": "44.01,36.19", "km": 20}).json()["results"]
    assert [p["id"] for p in results] == [nearer.pk, near.pk]
    assert results[0]["distance_km"] == pytest.approx(0, abs=0.01)
    assert results[1]["distance_km"] == pytest.approx(4.5, abs=0.5)


def test_places_page_by_name(api_client):
    for name in ("Zakho", "Amara", "Kut", "Hit"):
        PlaceFactory(name=name)
    first = api_client.get("/api/v1/places/", {"page_size": 3}).json()
    second = api_client.get(first["next"]).json()
    assert [p["name"] for p in first["results"] + second["results"]] == ["Amara", "Hit", "Kut", "Zakho"]
    assert second["next"] is None
    one = first["results"][0]
    assert api_client.get(f"/api/v1/places/{one['id']}/").json()["name"] == "Amara"


def test_actors_are_found_by_alias(api_client):
    isis = ActorFactory(name="Islamic State", aliases=["ISIS", "ISIL", "Daesh"])
    ActorFactory(name="Peshmerga")
    assert [a["id"] for a in api_client.get("/api/v1/actors/", {"q": "daesh"}).json()["results"]] == [isis.pk]
    assert api_client.get(f"/api/v1/actors/{isis.pk}/").json()["aliases"] == ["ISIS", "ISIL", "Daesh"]


def test_sources_are_listed_by_name(api_client):
    SourceFactory(name="Rudaw")
    SourceFactory(name="Al-Monitor")
    assert [s["name"] for s in api_client.get("/api/v1/sources/").json()["results"]] == ["Al-Monitor", "Rudaw"]
