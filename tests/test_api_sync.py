"""A mirror stays in step with updated_since + ordering=updated_at, and deleted/ for what left the public set."""

import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import Incident
from incidents.services import incident_merge, incident_set_status, incident_update
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def fetch_all(client, url, params):
    rows = []
    while url:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        url, params = body["next"], None
    return rows


def test_a_mirror_syncs_changes_and_removals_since_its_last_sync(api_client, user):
    kept, edited, rejected, merged_away = IncidentFactory.create_batch(4)
    Incident.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    mirror = {r["id"]: r for r in fetch_all(api_client, "/api/v1/incidents/", {"page_size": 2})}
    assert set(mirror) == {kept.pk, edited.pk, rejected.pk, merged_away.pk}
    last_sync = timezone.now()

    incident_update(incident=edited, user=user, fatalities=12)
    incident_set_status(incidents=[rejected], status="rejected", user=user)
    incident_merge(keep=kept, drop=[merged_away], user=user)
    added = IncidentFactory()

    since = last_sync.isoformat()
    changed = fetch_all(
        api_client, "/api/v1/incidents/", {"updated_since": since, "ordering": "updated_at", "page_size": 1}
    )
    removed = fetch_all(api_client, "/api/v1/incidents/deleted/", {"since": since, "page_size": 1})
    for row in changed:
        mirror[row["id"]] = row
    for row in removed:
        mirror.pop(row["id"], None)

    assert {r["id"] for r in changed} == {edited.pk, kept.pk, added.pk}
    assert {(r["id"], r["reason"], r["merged_into"]) for r in removed} == {
        (rejected.pk, "rejected", None),
        (merged_away.pk, "merged", kept.pk),
    }
    assert mirror[edited.pk]["fatalities"] == 12
    assert set(mirror) == set(Incident.objects.exclude(status="rejected").values_list("pk", flat=True))


def test_deleted_leaves_out_an_incident_that_is_public_again(api_client, user):
    incident = IncidentFactory()
    incident_set_status(incidents=[incident], status="rejected", user=user)
    assert [r["id"] for r in api_client.get("/api/v1/incidents/deleted/").json()["results"]] == [incident.pk]
    incident_set_status(incidents=[incident], status="verified", user=user)
    assert api_client.get("/api/v1/incidents/deleted/").json()["results"] == []


def test_deleted_only_lists_removals_at_or_after_since(api_client, user):
    old, new = IncidentFactory.create_batch(2)
    incident_set_status(incidents=[old], status="rejected", user=user)
    from incidents.models import IncidentRemoval

    IncidentRemoval.objects.filter(incident_id=old.pk).update(removed_at=timezone.now() - dt.timedelta(days=3))
    incident_set_status(incidents=[new], status="rejected", user=user)
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert [r["id"] for r in api_client.get("/api/v1/incidents/deleted/", {"since": since}).json()["results"]] == [
        new.pk
    ]


def test_a_token_mirror_keyed_on_public_ids_converges_after_a_move_across_the_border_and_a_merge(api_client, user):
    from django.contrib.gis.geos import Point
    from rest_framework.authtoken.models import Token

    from tests.factories import PlaceFactory

    mosul = PlaceFactory(name="Mosul", country="IQ", admin1="Nineveh")
    bukamal = PlaceFactory(name="Al-Bukamal", country="SY", admin1="Deir ez-Zor", point=Point(40.92, 34.45, srid=4326))
    moved, kept, merged_away, untouched = IncidentFactory.create_batch(4, place=mosul)
    Incident.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    mirror_user = type(user).objects.create_user(username="mirror")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=mirror_user).key}")

    mirror = {r["event_id_cnty"]: r for r in fetch_all(api_client, "/api/v1/incidents/", {"page_size": 3})}
    assert set(mirror) == {f"IRQ{i.pk}" for i in (moved, kept, merged_away, untouched)}
    last_sync = timezone.now().isoformat()

    # A curator finds the first one happened across the border, and that two are one.
    incident_update(incident=moved, user=user, place=bukamal)
    incident_merge(keep=kept, drop=[merged_away], user=user)
    moved.refresh_from_db()
    assert moved.country == "SY" and moved.public_id == f"IRQ{moved.pk}", "a move never changes the public id"

    changed = fetch_all(
        api_client, "/api/v1/incidents/", {"updated_since": last_sync, "ordering": "updated_at", "page_size": 1}
    )
    removed = fetch_all(api_client, "/api/v1/incidents/deleted/", {"since": last_sync})
    for row in changed:
        mirror[row["event_id_cnty"]] = row
    for row in removed:
        mirror.pop(row["event_id_cnty"], None)

    assert removed == [
        {
            "id": merged_away.pk,
            "event_id_cnty": f"IRQ{merged_away.pk}",
            "reason": "merged",
            "merged_into": kept.pk,
            "merged_into_event_id_cnty": f"IRQ{kept.pk}",
            "removed_at": removed[0]["removed_at"],
        }
    ]
    server = {r["event_id_cnty"] for r in fetch_all(api_client, "/api/v1/incidents/", {"page_size": 1000})}
    assert set(mirror) == server == {f"IRQ{moved.pk}", f"IRQ{kept.pk}", f"IRQ{untouched.pk}"}
    assert mirror[f"IRQ{moved.pk}"]["country"] == "SY"


def test_every_format_carries_the_public_id(api_client):
    import csv
    import io
    import json

    incident = IncidentFactory(country="SY")
    public_id = f"SYR{incident.pk}"
    assert api_client.get("/api/v1/incidents/").json()["results"][0]["event_id_cnty"] == public_id
    assert api_client.get(f"/api/v1/incidents/{incident.pk}/").json()["event_id_cnty"] == public_id
    page = api_client.get("/api/v1/incidents/", {"format": "geojson", "page_size": 5}).json()
    assert page["features"][0]["properties"]["event_id_cnty"] == public_id
    streamed = json.loads(b"".join(api_client.get("/api/v1/incidents/", {"format": "geojson"}).streaming_content))
    assert streamed["features"][0]["properties"]["event_id_cnty"] == public_id
    text = b"".join(api_client.get("/api/v1/incidents/", {"format": "csv"}).streaming_content).decode()
    assert next(csv.DictReader(io.StringIO(text)))["event_id_cnty"] == public_id
    item = api_client.get(f"/ogc/collections/incidents/items/{incident.pk}").json()
    assert item["properties"]["event_id_cnty"] == public_id
