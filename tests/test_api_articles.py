"""POST articles/ -> 202 with a status URL; the article is queued for ingest by task name, once, on commit."""

import time

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from incidents.models import Article
from tests.factories import ArticleFactory, IncidentFactory, IncidentSourceFactory
from tests.fixtures.broker import drop_queued, queued_article_ids

URL = "/api/v1/articles/"
TEXT = (
    "A roadside bomb killed three Iraqi soldiers in Tarmiyah, north of Baghdad, on March 12, 2016, "
    "security sources said."
)


@pytest.fixture
def submitter(db, django_user_model):
    user = django_user_model.objects.create_user(username="newsroom", password="newsroom-pw-1")
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


@pytest.mark.django_db
def test_submitting_text_returns_202_with_a_status_url_and_queues_the_article_on_commit(
    api_client, submitter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_client.post(URL, {"title": "Bomb in Tarmiyah", "text": TEXT}, format="json", **submitter)
    assert response.status_code == 202, response.content
    body = response.json()
    article = Article.objects.get(pk=body["id"])
    try:
        assert (article.title, article.text, article.status) == ("Bomb in Tarmiyah", TEXT, "queued")
        assert len(article.content_hash) == 64
        assert body["status_url"].endswith(f"/api/v1/articles/{article.pk}/")
        assert response["Location"] == body["status_url"]
        assert len(callbacks) == 1
        assert queued_article_ids().count(article.pk) == 1
    finally:
        drop_queued([article.pk])


@pytest.mark.django_db
def test_a_submission_may_give_the_publication_date(api_client, submitter):
    body = {"text": TEXT, "published": "2019-11-02"}
    response = api_client.post(URL, body, format="json", **submitter)
    assert response.status_code == 202, response.content
    article = Article.objects.get(pk=response.json()["id"])
    drop_queued([article.pk])
    assert str(article.published.date()) == "2019-11-02" and response.json()["published"].startswith("2019-11-02")
    bad = api_client.post(URL, {"text": TEXT + " again", "published": "yesterday"}, format="json", **submitter)
    assert bad.status_code == 400 and "published" in str(bad.json())


@pytest.mark.django_db
def test_the_same_url_or_text_again_returns_the_stored_article_without_queueing_it_twice(
    api_client, submitter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as first:
        by_url = api_client.post(URL, {"url": "https://news.example.org/story#comments"}, format="json", **submitter)
        by_text = api_client.post(URL, {"text": TEXT}, format="json", **submitter)
    with django_capture_on_commit_callbacks() as again:
        same_url = api_client.post(URL, {"url": "https://news.example.org/story"}, format="json", **submitter)
        same_text = api_client.post(URL, {"text": "  " + TEXT.upper() + "\n"}, format="json", **submitter)
    assert by_url.json()["id"] == same_url.json()["id"]
    assert by_text.json()["id"] == same_text.json()["id"]
    assert Article.objects.count() == 2
    assert len(first) == 2 and len(again) == 0
    assert Article.objects.get(pk=by_url.json()["id"]).url == "https://news.example.org/story"


@pytest.mark.django_db
def test_a_failed_article_submitted_again_is_queued_again(api_client, submitter, django_capture_on_commit_callbacks):
    failed = ArticleFactory(url="https://news.example.org/broken", status="failed", error="HTTP 503")
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_client.post(URL, {"url": failed.url}, format="json", **submitter)
    assert response.json()["id"] == failed.pk
    failed.refresh_from_db()
    assert (failed.status, failed.error, len(callbacks)) == ("queued", "", 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"text": "   "}, "non_field_errors"),
        ({"url": "ftp://example.org/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://example.org/" + "a" * 2100}, "url"),
    ],
)
def test_a_bad_submission_is_a_400_that_says_why(api_client, submitter, body, field):
    response = api_client.post(URL, body, format="json", **submitter)
    assert response.status_code == 400
    assert field in response.json()
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_the_status_url_shows_status_error_and_the_incidents_produced(api_client):
    article = ArticleFactory(status="processed")
    incident = IncidentFactory()
    IncidentSourceFactory(incident=incident, article=article)
    hidden = IncidentFactory(status="rejected")
    IncidentSourceFactory(incident=hidden, article=article)
    body = api_client.get(f"{URL}{article.pk}/").json()
    assert body["status"] == "processed" and body["error"] == ""
    assert [i["id"] for i in body["incidents"]] == [incident.pk]
    assert body["incidents"][0]["url"].endswith(f"/api/v1/incidents/{incident.pk}/")


@pytest.mark.django_db
def test_articles_are_listed_newest_first_and_filter_by_status(api_client):
    old = ArticleFactory(status="failed")
    new = ArticleFactory(status="processed")
    assert [a["id"] for a in api_client.get(URL).json()["results"]] == [new.pk, old.pk]
    assert [a["id"] for a in api_client.get(URL, {"status": "failed"}).json()["results"]] == [old.pk]


@pytest.mark.worker
def test_a_submitted_article_is_processed_by_a_real_worker_and_its_status_lists_the_incident(
    api_client, django_user_model, worker, tarmiya
):
    user = django_user_model.objects.create_user(username="newsroom", password="newsroom-pw-1")
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}
    response = api_client.post(URL, {"title": "Roadside bomb in Tarmiyah", "text": TEXT}, format="json", **auth)
    assert response.status_code == 202
    status_url = response.json()["status_url"]
    deadline = time.monotonic() + 90
    body = {}
    while time.monotonic() < deadline:
        body = api_client.get(status_url).json()
        if body["status"] in ("processed", "failed"):
            break
        time.sleep(0.5)
    assert body.get("status") == "processed", (body, worker.output()[-3000:])
    [incident] = body["incidents"]
    assert incident["location_name"] == "Aţ Ţārmīyah"
    assert incident["fatalities"] == 3
    assert incident["date"] == "2016-03-12"


STORY = (
    "Rockets hit Balad air base\n\n"
    "Three rockets struck Balad air base north of Baghdad on March 14, 2016, wounding two contractors, officials said."
    "\n\nNo group claimed the attack."
)


@pytest.mark.django_db
def test_a_duplicate_keeps_its_status_url_and_answers_with_the_article_it_copies(api_client, submitter, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from ingest.tasks import process_article

    story = tmp_path / "balad.txt"
    story.write_text(STORY)
    call_command("ingest", str(story), "--sync", stdout=StringIO(), stderr=StringIO())
    original = Article.objects.get()
    IncidentSourceFactory(incident=IncidentFactory(), article=original)
    produced = sorted(original.incidents.values_list("pk", flat=True))
    # The same story through the API with the headline apart and other line breaks and spacing: the one hash finds
    # the original at once.
    apart = {"title": "Rockets hit Balad air base", "text": STORY.split("\n\n", 1)[1].replace("\n\n", "\r\n  \r\n")}
    assert api_client.post(URL, apart, format="json", **submitter).json()["id"] == original.pk
    # With its headline on the first line of the text, it is found when read: a duplicate, whose status URL answers.
    copy = api_client.post(URL, {"text": STORY}, format="json", **submitter).json()["id"]
    drop_queued([copy])
    assert copy != original.pk and process_article(copy) == {"duplicate": True}
    body = api_client.get(f"{URL}{copy}/").json()
    assert body["status"] == "duplicate" and body["duplicate_of"]["id"] == original.pk
    assert body["duplicate_of"]["status_url"].endswith(f"/api/v1/articles/{original.pk}/")
    assert sorted(i["id"] for i in body["incidents"]) == produced
    assert Article.objects.filter(status="processed").count() == 1
