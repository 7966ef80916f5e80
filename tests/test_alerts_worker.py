"""Alerts end to end through a real Celery worker: a saved view, a new article, the Atom entry and one webhook POST
received by a local server, exactly once."""

from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from alerts.models import AlertDelivery
from alerts.services import saved_view_create, signature
from alerts.tasks import scan_alerts
from incidents.models import Article, Incident
from ingest.tasks import process_article
from tests.fixtures.webhook import BASE_PORT, WebhookReceiver
from tests.fixtures.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ATOM = "{http://www.w3.org/2005/Atom}"
TEXT = (
    "Islamic State militants attacked a checkpoint in Tarmiya on Monday night, killing two soldiers of the Iraqi "
    "army, security officials said."
)


def test_a_new_article_reaches_the_saved_views_feed_and_webhook_exactly_once(worker, client, tarmiya):
    call_command("load_actors", verbosity=0)
    # The receiver fails once: the worker retries, and the incident still arrives once.
    with WebhookReceiver(BASE_PORT + 10, statuses=[503]) as receiver:
        saved = saved_view_create(
            name="Baghdad province", query="admin1=Baghdad", webhook_url=receiver.url, webhook_secret="k"
        )
        article = Article.objects.create(
            title="Checkpoint attacked in Tarmiya", text=TEXT, published="2021-08-24T08:00Z"
        )
        process_article.delay(article.pk)
        wait_for(lambda: len(receiver.delivered()) == 1, timeout=60, what="the webhook")
        incident = Incident.objects.get()

        # More scans (beat's, another article's) deliver nothing again.
        scan_alerts.delay().get(timeout=30)
        process_article.delay(article.pk).get(timeout=30)
        wait_for(lambda: not AlertDelivery.objects.exclude(status="delivered").exists(), what="deliveries to settle")

    assert [r["status"] for r in receiver.received] == [503, 200]
    hit = receiver.delivered()[0]
    assert hit["json"]["incident"]["id"] == incident.pk
    assert hit["headers"]["x-atlas-signature"] == signature("k", hit["body"])
    delivery = AlertDelivery.objects.get()
    assert (delivery.incident_id, delivery.status, delivery.attempts) == (incident.pk, "delivered", 2)

    feed = ElementTree.fromstring(client.get(f"/alerts/{saved.feed_token}/feed.atom").content)
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    assert [link.rsplit("/incidents/", 1)[1] for link in links] == [f"{incident.pk}/"]
