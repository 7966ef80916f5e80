"""PATCH incidents/{id}/: curators' tools edit through the curation services, with history."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from incidents.models import Incident, IncidentRemoval
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(username="curator", password="curator-pw-1")
    user.user_permissions.add(Permission.objects.get(codename="change_incident"))
    return user


@pytest.fixture
def auth(curator):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=curator).key}"}


def patch(client, incident, body, auth):
    return client.patch(f"/api/v1/incidents/{incident.pk}/", body, format="json", **auth)


def test_an_edit_is_saved_locked_and_recorded_in_history_with_the_user(api_client, auth):
    incident = IncidentFactory(fatalities=3)
    response = patch(
        api_client, incident, {"fatalities": 5, "fatalities_high": 9, "injured": 2, "summary": "Revised."}, auth
    )
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert (incident.fatalities, incident.fatalities_high, incident.injured, incident.summary) == (5, 9, 2, "Revised.")
    assert incident.curator_locked
    latest = response.json()["history"][0]
    assert latest["user"] == "curator"
    assert latest["changed_fields"] == ["curator_locked", "fatalities", "fatalities_high", "injured", "summary"]


def test_a_new_place_moves_the_point_country_and_province(api_client, auth, raqqa):
    incident = IncidentFactory()
    body = patch(api_client, incident, {"place": raqqa.pk}, auth).json()
    assert (body["location_name"], body["country"], body["admin1"]) == ("Raqqa", "SY", "Raqqa")
    assert (body["longitude"], body["latitude"]) == raqqa.point.coords


def test_a_sub_event_type_brings_its_event_type(api_client, auth):
    incident = IncidentFactory(event_type="battles", sub_event_type="armed_clash")
    body = patch(api_client, incident, {"sub_event_type": "suicide_bomb"}, auth).json()
    assert (body["event_type"], body["sub_event_type"]) == ("explosions_remote_violence", "suicide_bomb")


def test_rejecting_hides_the_incident_and_writes_a_tombstone(api_client, auth):
    incident = IncidentFactory(status="unreviewed")
    assert patch(api_client, incident, {"status": "rejected"}, auth).status_code == 200
    assert Incident.objects.get(pk=incident.pk).status == "rejected"
    assert IncidentRemoval.objects.filter(incident_id=incident.pk, reason="rejected").exists()
    assert api_client.get(f"/api/v1/incidents/{incident.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_type": "protests"}, "sub_event_type"),
        ({"event_type": "protests", "sub_event_type": "armed_clash"}, "sub_event_type"),
        ({"fatalities_low": 10}, "fatalities_low"),
        ({"fatalities_high": 1}, "fatalities_high"),
        ({"fatalities": -2}, "fatalities"),
        ({"fatalities": 10**12}, "fatalities"),
        ({"place": 987654321}, "place"),
        ({"date": "2021-13-01"}, "date"),
        ({"status": "deleted"}, "status"),
        ({}, "non_field_errors"),
    ],
)
def test_a_bad_edit_is_a_400_and_changes_nothing(api_client, auth, body, field):
    incident = IncidentFactory(fatalities=3)
    response = patch(api_client, incident, body, auth)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Incident.objects.get(pk=incident.pk).fatalities == 3
    assert not Incident.objects.get(pk=incident.pk).curator_locked
