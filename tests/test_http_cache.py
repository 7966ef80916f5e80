import pytest
from django.core.cache import cache

from tests.factories import IncidentFactory, PlaceFactory

CLUSTERS = "/api/v1/incidents/clusters/?zoom=6"


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_cluster_request_is_served_from_the_cache_until_an_incident_changes(client, fresh_cache):
    place = PlaceFactory()
    IncidentFactory(place=place, fatalities=2)
    first = client.get(CLUSTERS)
    assert first.status_code == 200
    etag = first["ETag"]
    assert first.json()["features"][0]["properties"]["count"] == 1

    again = client.get(CLUSTERS)
    assert again["ETag"] == etag and again.content == first.content
    assert client.get(CLUSTERS, HTTP_IF_NONE_MATCH=etag).status_code == 304

    IncidentFactory(place=place, fatalities=5)
    changed = client.get(CLUSTERS)
    assert changed["ETag"] != etag
    assert changed.json()["features"][0]["properties"]["count"] == 2
    assert client.get(CLUSTERS, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_timeline_etag_differs_per_query_and_per_user(client, admin_client, fresh_cache):
    IncidentFactory()
    month = client.get("/api/v1/stats/timeline/?interval=month")
    year = client.get("/api/v1/stats/timeline/?interval=year")
    editor = admin_client.get("/api/v1/stats/timeline/?interval=month")
    assert len({month["ETag"], year["ETag"], editor["ETag"]}) == 3
    assert month.json()["interval"] == "month" and year.json()["interval"] == "year"


def test_it_neither_caches_nor_tags_inside_a_transaction_that_has_written(client, db, fresh_cache):
    IncidentFactory()
    response = client.get(CLUSTERS)
    assert response.status_code == 200
    assert "ETag" not in response
    IncidentFactory()
    assert client.get(CLUSTERS).json()["features"][0]["properties"]["count"] == 2


@pytest.mark.django_db(transaction=True)
def test_bad_parameters_are_not_cached(client, fresh_cache):
    assert client.get("/api/v1/incidents/clusters/?zoom=99").status_code == 400
    assert client.get("/api/v1/stats/timeline/?interval=fortnight").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_truncating_incidents_empties_the_timeline_summary():
    from django.db import connection

    IncidentFactory()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE incidents_incident CASCADE")
        cursor.execute(
            "SELECT (SELECT count(*) FROM incidents_daily_stat) + (SELECT count(*) FROM incidents_daily_stat_delta)"
        )
        assert cursor.fetchone()[0] == 0
