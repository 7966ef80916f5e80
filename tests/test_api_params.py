"""Query parameters: ACLED labels as well as codes, a 400 naming unknown parameters, `limit` as `page_size`."""

import pytest

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"


@pytest.fixture
def two(db):
    battle = IncidentFactory()
    strike = IncidentFactory(event_type="explosions_remote_violence", sub_event_type="air_drone_strike")
    return battle, strike


def ids(response):
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


@pytest.mark.parametrize(
    "value", ["explosions_remote_violence", "Explosions/Remote violence", "EXPLOSIONS/REMOTE VIOLENCE"]
)
def test_an_event_type_is_taken_by_code_or_by_acleds_label(api_client, two, value):
    assert ids(api_client.get(URL, {"event_type": value})) == {two[1].pk}


def test_labels_and_codes_mix_in_one_list_and_work_for_sub_types_and_status(api_client, two):
    assert ids(api_client.get(URL, {"event_type": "Battles,explosions_remote_violence"})) == {t.pk for t in two}
    assert ids(api_client.get(URL, {"sub_event_type": "Air/drone strike"})) == {two[1].pk}
    assert ids(api_client.get(URL, {"status": "Unreviewed"})) == {t.pk for t in two}


def test_the_label_the_csv_writes_filters_the_next_request(api_client, two):
    text = b"".join(api_client.get(URL, {"format": "csv", "event_type": "battles"}).streaming_content).decode()
    label = text.splitlines()[1].split(",")[5].strip('"')
    assert label == "Battles"
    assert ids(api_client.get(URL, {"event_type": label})) == {two[0].pk}


@pytest.mark.parametrize(
    ("url", "params", "unknown"),
    [
        (URL, {"StartDate": "2020-01-01"}, ["StartDate"]),
        (URL, {"event_date": "2020-01-01|2020-12-31", "evnt_type": "battles"}, ["event_date", "evnt_type"]),
        ("/api/v1/stats/summary/", {"ordering": "-date"}, ["ordering"]),
        ("/api/v1/incidents/deleted/", {"updated_since": "2020-01-01"}, ["updated_since"]),
        ("/api/v1/places/", {"name": "Kirkuk"}, ["name"]),
    ],
)
def test_an_unknown_parameter_is_a_400_that_names_it(api_client, two, url, params, unknown):
    response = api_client.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert sorted(body) == unknown
    assert "This endpoint takes:" in body[unknown[0]][0]


def test_a_parameter_of_the_callers_own_starting_with_an_underscore_is_ignored(api_client, two):
    assert ids(api_client.get(URL, {"_": "1700000000", "_tool": "x"})) == {t.pk for t in two}


def test_limit_is_an_alias_of_page_size(api_client, two):
    body = api_client.get(URL, {"limit": 1}).json()
    assert len(body["results"]) == 1 and body["next"]
    assert "cursor=" in body["next"] and "limit=1" in body["next"]
    assert api_client.get(URL, {"limit": 1001}).json() == {"limit": ["Must be from 1 to 1000; got 1001."]}


@pytest.mark.parametrize("name", ["date_to", "date_from", "updated_since"])
def test_an_empty_date_is_a_400_not_silently_everything(api_client, two, name):
    response = api_client.get(URL, {name: ""})
    assert response.status_code == 400 and name in response.json()


def test_an_empty_since_on_deleted_is_a_400(api_client, two):
    assert api_client.get("/api/v1/incidents/deleted/", {"since": ""}).status_code == 400
