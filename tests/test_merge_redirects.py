"""A merged-away incident leads to the incident it joined; a merge never lists an actor twice or two actor 1s."""

import pytest
from django.contrib.auth.models import User

from incidents.models import IncidentActor
from incidents.services import incident_merge
from incidents.services.curation import merged_actor_roles
from tests.factories import ActorFactory, IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator():
    return User.objects.create_user("curator")


def test_a_merged_away_incident_page_and_api_detail_redirect_permanently(client, api_client, curator):
    place = PlaceFactory()
    keep, drop = IncidentFactory(place=place), IncidentFactory(place=place)
    incident_merge(keep=keep, drop=[drop], user=curator)

    page = client.get(f"/incidents/{drop.pk}/")
    assert page.status_code == 301
    assert page["Location"] == f"/incidents/{keep.pk}/"
    assert client.get(page["Location"]).status_code == 200

    api = api_client.get(f"/api/v1/incidents/{drop.pk}/?format=json")
    assert api.status_code == 301
    assert api["Location"] == f"http://testserver/api/v1/incidents/{keep.pk}/?format=json"
    assert api_client.get(f"/api/v1/incidents/{999_999}/").status_code == 404


def test_merges_of_merges_lead_to_the_last_incident(client, curator):
    place = PlaceFactory()
    first, second, last = (IncidentFactory(place=place) for _ in range(3))
    incident_merge(keep=second, drop=[first], user=curator)
    incident_merge(keep=last, drop=[second], user=curator)
    assert client.get(f"/incidents/{first.pk}/")["Location"] == f"/incidents/{last.pk}/"


def test_a_merge_lists_each_actor_once_with_one_actor_1_and_one_actor_2(curator):
    isis, isf, pmf, locals_ = (ActorFactory(name=n) for n in ("Islamic State", "Iraqi forces", "PMF", "Civilians"))
    place = PlaceFactory()
    keep, drop = IncidentFactory(place=place), IncidentFactory(place=place)
    IncidentActor.objects.create(incident=keep, actor=isis, role=1)
    IncidentActor.objects.create(incident=keep, actor=isf, role=2)
    # The other report names the same fight the other way round, and a second attacker.
    IncidentActor.objects.create(incident=drop, actor=isf, role=1)
    IncidentActor.objects.create(incident=drop, actor=isis, role=2)
    IncidentActor.objects.create(incident=drop, actor=pmf, role=3)
    IncidentActor.objects.create(incident=drop, actor=locals_, role=3)
    incident_merge(keep=keep, drop=[drop], user=curator)

    links = [(link.actor.name, link.role) for link in keep.actor_links.select_related("actor").order_by("role", "pk")]
    assert links == [("Islamic State", 1), ("Iraqi forces", 2), ("PMF", 3), ("Civilians", 3)]
    keep.refresh_from_db()
    assert keep.actor1_names == "Islamic State"
    assert [a["name"] for a in keep.actors_json].count("Iraqi forces") == 1


def test_two_actor_1s_from_two_reports_leave_one_as_associated():
    assert merged_actor_roles([(1, 1), (2, 1), (3, 2), (1, 3)]) == [(1, 1), (3, 2), (2, 3)]
