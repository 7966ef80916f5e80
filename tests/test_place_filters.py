"""Place filters with meaning: at a place, within N km of it, inside a province or district; suggestions that say
what each place is; admin search by any spelling of an incident's place."""

import datetime as dt

import pytest
from django.contrib.auth.models import User

from tests.factories import IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def kirkuk_area(kirkuk, bashir, hawija):
    """Kirkuk province and city; Bashir, 15 km south of the city; Hawija, 55 km west, in its own district."""
    province = PlaceFactory(
        name="Kirkuk", admin1="Kirkuk", kind="admin_area", feature_class="A", feature_code="ADM1", point=kirkuk.point
    )
    district = PlaceFactory(
        name="Hawija", admin1="Kirkuk", admin2="Hawija", kind="admin_area", feature_code="ADM2", point=hawija.point
    )
    return {"province": province, "city": kirkuk, "bashir": bashir, "hawija": hawija, "district": district}


def test_near_a_city_finds_the_village_fifteen_km_away_but_at_the_city_does_not(api_client, kirkuk_area):
    at_bashir = IncidentFactory(place=kirkuk_area["bashir"], date=dt.date(2016, 4, 12))
    IncidentFactory(place=kirkuk_area["hawija"], date=dt.date(2016, 4, 12))
    city = kirkuk_area["city"].pk
    assert ids(api_client.get(URL, {"place": city})) == []
    assert ids(api_client.get(URL, {"near": city})) == [at_bashir.pk]
    assert ids(api_client.get(URL, {"near": city, "within_km": 10})) == []
    assert len(ids(api_client.get(URL, {"near": city, "within_km": 80}))) == 2
    lon, lat = kirkuk_area["city"].point.coords
    assert ids(api_client.get(URL, {"near": f"{lon},{lat}", "within_km": 25})) == [at_bashir.pk]


def test_inside_a_province_counts_placeless_incidents_recorded_in_it(api_client, kirkuk_area, mosul):
    inside = [
        IncidentFactory(place=kirkuk_area["bashir"]),
        IncidentFactory(place=kirkuk_area["hawija"]),
        IncidentFactory(place=None, point=None, country="IQ", admin1="Kirkuk", geo_precision="admin"),
    ]
    IncidentFactory(place=mosul)
    found = ids(api_client.get(URL, {"inside": kirkuk_area["province"].pk}))
    assert found == sorted(i.pk for i in inside)


def test_inside_a_district_takes_only_the_places_of_that_district(api_client, kirkuk_area):
    at_hawija = IncidentFactory(place=kirkuk_area["hawija"])
    IncidentFactory(place=kirkuk_area["bashir"])
    assert ids(api_client.get(URL, {"inside": kirkuk_area["district"].pk})) == [at_hawija.pk]


def test_inside_a_town_or_an_unknown_place_is_refused_with_a_reason(api_client, kirkuk_area):
    response = api_client.get(URL, {"inside": kirkuk_area["bashir"].pk})
    assert response.status_code == 400
    assert "not a province or district" in response.json()["inside"][0]
    assert api_client.get(URL, {"near": 999_999}).status_code == 400
    assert "needs near" in api_client.get(URL, {"within_km": 5}).json()["within_km"][0]


def test_place_suggestions_are_unique_and_say_what_each_place_is(api_client, kirkuk_area):
    # The gazetteer may hold the province twice (ISO 3166-2 and GeoNames).
    city = kirkuk_area["city"]
    PlaceFactory(name="Kirkuk", admin1="Kirkuk", kind="admin_area", feature_code="ADM1", point=city.point)
    results = api_client.get("/api/v1/places/", {"q": "Kirkuk"}).json()["results"]
    labels = [r["label"] for r in results]
    assert len(labels) == len(set(labels)) == 2
    assert set(labels) == {"Kirkuk — city, Kirkuk province, Iraq", "Kirkuk — province, Iraq"}
    province = next(r for r in results if r["kind_label"] == "province")
    assert province["is_area"] is True
    hawija = api_client.get("/api/v1/places/", {"q": "Hawija"}).json()["results"]
    assert {r["kind_label"] for r in hawija} == {"town", "district"}
    bashir = api_client.get("/api/v1/places/", {"q": "Bashir"}).json()["results"]
    assert bashir[0]["label"] == "Bashir — village, Kirkuk district, Kirkuk province, Iraq"


def test_admin_search_finds_incidents_by_any_spelling_of_their_place(client):
    city = PlaceFactory(name="Erbil", admin1="Erbil", alternate_names=["Arbil", "Hawler"])
    province = PlaceFactory(name="Erbil", admin1="Erbil", kind="admin_area", feature_code="ADM1")
    at_city, at_province = IncidentFactory(place=city), IncidentFactory(place=province)
    client.force_login(User.objects.create_superuser("curator", "c@example.org", "pw"))
    for spelling in ("Hawler", "Arbil", "erbil", "al-Hawler"):
        page = client.get("/admin/incidents/incident/", {"q": spelling})
        assert page.status_code == 200
        found = {row.pk for row in page.context["cl"].result_list}
        assert found == {at_city.pk, at_province.pk}, spelling
