"""Alerts: a saved view's new incidents are found once each and delivered by signed webhook, e-mail digest and feed."""

import datetime as dt
import json
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from alerts.models import AlertDelivery, SavedView
from alerts.services import alerts_scan, email_digest_send, saved_view_create, signature, webhook_deliver
from tests.factories import IncidentFactory, PlaceFactory
from tests.fixtures.webhook import BASE_PORT, WebhookReceiver

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def view(**kwargs):
    return saved_view_create(name="Kirkuk battles", query="admin1=Kirkuk&event_type=battles", **kwargs)


def test_a_scan_finds_each_new_matching_incident_once_per_channel(kirkuk):
    IncidentFactory(place=kirkuk)  # recorded before the view was saved: not new
    saved = view(webhook_url="http://127.0.0.1:9/hook", email="desk@example.org")
    match = IncidentFactory(place=kirkuk, event_type="battles", sub_event_type="armed_clash")
    IncidentFactory(place=kirkuk, event_type="protests", sub_event_type="peaceful_protest")
    IncidentFactory(place=PlaceFactory(admin1="Nineveh"), event_type="battles", sub_event_type="armed_clash")

    first = alerts_scan()
    assert sorted(AlertDelivery.objects.filter(pk__in=first).values_list("incident_id", "channel")) == [
        (match.pk, "email"),
        (match.pk, "webhook"),
    ]
    assert alerts_scan() == [], "a second scan finds nothing new"
    assert AlertDelivery.objects.filter(saved_view=saved).count() == 2


def test_a_webhook_is_signed_and_delivered_once(kirkuk):
    with WebhookReceiver(BASE_PORT + 1) as receiver:
        view(webhook_url=receiver.url, webhook_secret="s3cret")
        incident = IncidentFactory(place=kirkuk, date=dt.date(2016, 4, 12), date_precision="week")
        [delivery_id] = alerts_scan()
        assert webhook_deliver(delivery_id=delivery_id, last_try=False) == "delivered"
        assert webhook_deliver(delivery_id=delivery_id, last_try=False) == "skipped", "never twice"
    [hit] = receiver.received
    assert hit["headers"]["x-atlas-signature"] == signature("s3cret", hit["body"])
    assert hit["json"]["incident"]["id"] == incident.pk
    assert hit["json"]["incident"]["date_label"] == "week of 11 April 2016"
    delivery = AlertDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)


def test_a_failing_webhook_is_retried_and_a_rejected_one_is_logged_as_failed(kirkuk):
    with WebhookReceiver(BASE_PORT + 2, statuses=[503, 200]) as receiver:
        view(webhook_url=receiver.url)
        IncidentFactory(place=kirkuk)
        [delivery_id] = alerts_scan()
        assert webhook_deliver(delivery_id=delivery_id, last_try=False) == "retry"
        logged = AlertDelivery.objects.get(pk=delivery_id)
        assert (logged.status, logged.response_code) == ("retrying", 503)
        assert webhook_deliver(delivery_id=delivery_id, last_try=False) == "delivered"
        assert len(receiver.delivered()) == 1

    with WebhookReceiver(BASE_PORT + 3, statuses=[404]) as receiver:
        SavedView.objects.update(webhook_url=receiver.url)
        IncidentFactory(place=kirkuk)
        [delivery_id] = alerts_scan()
        assert webhook_deliver(delivery_id=delivery_id, last_try=False) == "failed", "a 404 will not get better"


def test_an_email_digest_lists_the_new_incidents_once(kirkuk, mailoutbox):
    saved = view(email="desk@example.org")
    IncidentFactory(
        place=kirkuk, location_name="Kirkuk", fatalities=4, date=dt.date(2016, 4, 1), date_precision="month"
    )
    alerts_scan()
    assert email_digest_send(view_id=saved.pk) == 1
    assert email_digest_send(view_id=saved.pk) == 0
    [mail] = mailoutbox
    assert mail.to == ["desk@example.org"]
    assert "1 new incident: Kirkuk battles" in mail.subject
    assert "April 2016: Armed clash in Kirkuk, Kirkuk, Iraq, 4 killed" in mail.body


def test_each_saved_view_has_an_atom_feed_of_its_matching_incidents(client, kirkuk):
    saved = view()
    match = IncidentFactory(place=kirkuk, location_name="Kirkuk", date=dt.date(2016, 4, 12), fatalities=3)
    IncidentFactory(place=kirkuk, event_type="riots", sub_event_type="mob_violence")
    response = client.get(f"/alerts/{saved.feed_token}/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(response.content).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Armed clash in Kirkuk, Kirkuk, Iraq, 12 April 2016 — 3 killed"
    ]
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"/incidents/{match.pk}/")
    assert client.get("/alerts/not-a-token/feed.atom").status_code == 404


def test_an_editor_saves_the_dashboard_view_as_an_alert(client):
    client.force_login(User.objects.create_user("editor"))
    page = client.get("/alerts/new/?admin1=Kirkuk&lat=35&lng=44&z=8")
    assert page.context["form"]["query"].value() == "admin1=Kirkuk"
    response = client.post(
        "/alerts/new/", {"name": "Kirkuk", "query": "admin1=Kirkuk", "email": "desk@example.org"}, follow=True
    )
    saved = SavedView.objects.get()
    assert (saved.name, saved.query, saved.owner.username) == ("Kirkuk", "admin1=Kirkuk", "editor")
    assert f"/alerts/{saved.feed_token}/feed.atom" in response.content.decode()
    client.logout()
    assert client.get("/alerts/").status_code == 302, "alerts need a login"
    assert timezone.now() >= saved.created_at
    assert json.dumps(saved.channels()) == '["email"]'
