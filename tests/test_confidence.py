"""Confidence: extracted incidents carry how sure extraction is and why; the API filters on it, admin's review queue
puts the deadliest doubtful incidents first, the dashboard can hide doubtful ones."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from incidents.models import Incident
from ingest.tasks import ingest_article
from tests.factories import ArticleFactory, IncidentFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"


def _article(text, **kw):
    return ArticleFactory(
        text=text, title=kw.pop("title", ""), published=dt.datetime(2021, 12, 3, 12, tzinfo=dt.UTC), **kw
    )


def test_an_extracted_incident_stores_its_confidence_and_reasons(extraction_index):
    ingest_article(_article("A roadside bomb exploded near a patrol in Kirkuk on Tuesday, killing two policemen."))
    incident = Incident.objects.get()
    assert 0 < incident.confidence < 1
    assert "a named means of violence" in incident.confidence_reasons
    assert "day named in the text" in incident.confidence_reasons


def test_a_clearer_second_report_raises_the_confidence_and_a_reread_changes_nothing(extraction_index):
    vague = _article("Gunmen attacked in Kirkuk.", title="Attack in Kirkuk", url="https://a.example/1")
    ingest_article(vague)
    first = Incident.objects.get().confidence
    clear = _article(
        "Gunmen attacked a police checkpoint in Kirkuk on Friday, killing three policemen, police said.",
        url="https://b.example/2",
    )
    ingest_article(clear)
    raised = Incident.objects.get().confidence
    assert raised > first
    ingest_article(vague)
    assert Incident.objects.get().confidence == raised


def test_the_api_gives_confidence_and_filters_on_it(api_client):
    sure = IncidentFactory(confidence=0.93, confidence_reasons=["a named means of violence"])
    doubtful = IncidentFactory(confidence=0.31)
    by_hand = IncidentFactory(confidence=None)
    rows = {row["id"]: row["confidence"] for row in api_client.get(URL).json()["results"]}
    assert rows == {sure.pk: 0.93, doubtful.pk: 0.31, by_hand.pk: None}
    kept = {row["id"] for row in api_client.get(URL, {"min_confidence": "0.5"}).json()["results"]}
    assert kept == {sure.pk, by_hand.pk}
    detail = api_client.get(f"{URL}{sure.pk}/").json()
    assert detail["confidence_reasons"] == ["a named means of violence"]
    assert api_client.get(URL, {"min_confidence": "1.5"}).status_code == 400


def test_admins_review_queue_puts_the_deadliest_doubtful_unreviewed_incidents_first(admin_client):
    small_doubt = IncidentFactory(fatalities=2, confidence=0.4)
    big_doubt = IncidentFactory(fatalities=30, confidence=0.3)
    big_sure = IncidentFactory(fatalities=30, confidence=0.95)
    IncidentFactory(fatalities=50, confidence=0.2, status=Incident.Status.VERIFIED)
    response = admin_client.get("/admin/incidents/incident/", {"review": "queue"})
    assert response.status_code == 200
    shown = [obj.pk for obj in response.context["cl"].result_list]
    # Impact times doubt: 31 x 0.7, then 3 x 0.6, then 31 x 0.05.
    assert shown == [big_doubt.pk, small_doubt.pk, big_sure.pk]


def test_the_extract_command_writes_each_incidents_confidence(extraction_index, tmp_path):
    row = {"id": "a", "title": "", "text": "A car bomb exploded in Kirkuk on Tuesday, killing five people.",
           "published": "2021-12-03", "url": None}  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(row))
    out = io.StringIO()
    call_command("extract", input=str(path), stdout=out)
    (incident,) = json.loads(out.getvalue())["incidents"]
    assert 0 < incident["confidence"] < 1 and incident["confidence_reasons"]
