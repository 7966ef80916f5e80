"""process_article run in-process against real pages served locally; the worker path is in test_worker.py."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from incidents import services
from incidents.models import Article, Incident, IncidentSource, UnresolvedPlace
from incidents.text import content_hash
from ingest import extract
from ingest.fetch import TransientFetchError
from ingest.tasks import MAX_RETRIES, process_article
from ingest.types import ExtractedIncident, Extraction, FoundPlace, UnresolvedMention
from tests.factories import ArticleFactory, PlaceFactory
from tests.fixtures.broker import purge_queue, queued_article_ids

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_extractor_index")]
PAGES = Path(__file__).parent / "fixtures" / "pages"


def queued_article(url="", text="", title=""):
    article, _ = services.article_create_or_get(
        url=url, title=title, text=text, content_hash=content_hash(text) if text else None
    )
    return article


def test_a_page_is_fetched_cleaned_and_marked_processed(page_server):
    article = queued_article(url=page_server.add("/a", (PAGES / "article_with_boilerplate.html").read_bytes()))
    result = process_article(article.pk)
    article.refresh_from_db()
    assert article.status == "processed" and article.attempts == 1 and article.error == ""
    assert article.title == "Militants attack checkpoint near Kirkuk"
    assert article.published == dt.datetime(2016, 3, 14, tzinfo=dt.UTC)
    assert article.text.startswith("Islamic State militants attacked") and "Subscribe" not in article.text
    assert article.content_hash == content_hash(article.text)
    assert result == {"created": 1, "matched": 0, "skipped": 0, "unresolved": 0}


def test_a_page_in_a_legacy_arabic_encoding_is_decoded(page_server):
    url = page_server.add("/ar", (PAGES / "windows1256.html").read_bytes(), content_type="text/html")
    article = queued_article(url=url)
    process_article(article.pk)
    article.refresh_from_db()
    assert article.status == "processed"
    assert "الزنجيلي" in article.text and "western Mosul" in article.text


def test_a_page_mislabelled_as_utf8_is_still_read(page_server):
    url = page_server.add(
        "/latin", (PAGES / "latin1_claims_utf8.html").read_bytes(), content_type="text/html; charset=utf-8"
    )
    article = queued_article(url=url)
    process_article(article.pk)
    article.refresh_from_db()
    assert "A bomb exploded in a café in the Karrada district" in article.text


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"", "no article text"), (b"<html><body><nav>Home | World</nav></body></html>", "no article text")],
)
def test_an_empty_page_fails_with_a_clear_error_and_keeps_the_article(page_server, body, message):
    article = queued_article(url=page_server.add("/empty", body))
    result = process_article(article.pk)
    article.refresh_from_db()
    assert article.status == "failed" and message in article.error and message in result["failed"]
    assert article.url.endswith("/empty")


def test_a_huge_page_fails_without_being_read_whole(page_server, settings):
    settings.FETCH_MAX_BYTES = 100_000
    article = queued_article(url=page_server.add("/huge", b"<p>" + b"word " * 100_000 + b"</p>"))
    process_article(article.pk)
    article.refresh_from_db()
    assert article.status == "failed" and article.error.startswith("Too large")


def test_a_timeout_is_retried_and_after_the_last_retry_recorded_as_failed(page_server, settings):
    settings.FETCH_TIMEOUT = 0.3
    article = queued_article(url=page_server.add("/slow", "<p>late</p>", delay=1.5))
    with pytest.raises(TransientFetchError):
        process_article(article.pk)  # called directly, Celery's retry re-raises
    article.refresh_from_db()
    assert (article.status, article.attempts) == ("queued", 1) and "Timed out" in article.error
    result = process_article.apply(args=[article.pk], retries=MAX_RETRIES).get()
    article.refresh_from_db()
    assert (article.status, article.attempts) == ("failed", 2) and "Timed out" in result["failed"]


def test_html_pasted_as_text_is_stored_as_plain_text():
    html = (PAGES / "article_with_boilerplate.html").read_text()
    article = queued_article(text=html)
    process_article(article.pk)
    article.refresh_from_db()
    assert article.status == "processed" and "<p>" not in article.text and "checkpoint near Kirkuk" in article.text


def test_the_same_url_or_the_same_text_twice_is_one_article():
    text = "Militants attacked a checkpoint near Kirkuk on Monday, killing three soldiers."
    first, created = services.article_create_or_get(
        url="https://a.example.org/x", text=text, content_hash=content_hash(text)
    )
    again, created_again = services.article_create_or_get(url="https://a.example.org/x")
    copy, created_copy = services.article_create_or_get(
        url="https://b.example.org/copy", text=text.upper(), content_hash=content_hash(text.upper())
    )
    assert created and not created_again and not created_copy and first == again == copy
    assert Article.objects.count() == 1


def test_a_fetched_page_that_copies_another_article_is_kept_as_its_duplicate(page_server):
    page = (PAGES / "article_with_boilerplate.html").read_bytes()
    first = queued_article(url=page_server.add("/original", page))
    second = queued_article(url=page_server.add("/syndicated-copy", page))
    process_article(first.pk)
    assert process_article(second.pk) == {"duplicate": True}
    second.refresh_from_db()
    assert (second.status, second.duplicate_of_id, second.text) == ("duplicate", first.pk, "")
    assert second.url.endswith("/syndicated-copy") and not second.incidents.exists()


def test_two_workers_cannot_claim_one_article_but_a_dead_workers_claim_expires(settings):
    article = ArticleFactory(status="queued")
    assert services.article_claim(article_id=article.pk)
    assert not services.article_claim(article_id=article.pk)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert services.article_claim(article_id=article.pk)


def test_a_processed_article_is_not_processed_again_unless_forced(monkeypatch):
    article = ArticleFactory(status="processed")
    assert process_article(article.pk) == {"skipped": "not claimable (already processed, being processed, or gone)"}
    calls = []
    monkeypatch.setattr(extract, "extract_article", lambda **kw: calls.append(kw) or Extraction())
    process_article(article.pk, force=True)
    assert len(calls) == 1


def test_an_unexpected_extraction_error_is_recorded_not_raised(monkeypatch):
    article = ArticleFactory(status="queued")

    def broken(**kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(extract, "extract_article", broken)
    assert process_article(article.pk) == {"failed": "ZeroDivisionError: division by zero"}
    article.refresh_from_db()
    assert (article.status, article.error) == ("failed", "ZeroDivisionError: division by zero")


def test_rerunning_an_article_never_duplicates_incidents_or_sources(monkeypatch):
    place = PlaceFactory(name="Kirkuk", point=Point(44.39, 35.47, srid=4326))
    found = FoundPlace("Kirkuk", place.pk, "Kirkuk", 35.47, 44.39, "IQ", "Kirkuk", "populated_place")
    incident = ExtractedIncident("battles", "armed_clash", dt.date(2016, 3, 14), "day", found, "near", fatalities=3,
                                 evidence="Militants attacked a checkpoint near Kirkuk.")  # fmt: skip
    # A stand-in for the extractor: this test is about the pipeline around it.
    monkeypatch.setattr(extract, "extract_article", lambda **kw: Extraction(places=[found], incidents=[incident]))
    article = ArticleFactory(status="queued")
    process_article(article.pk)
    process_article(article.pk, force=True)
    process_article(article.pk, force=True)
    assert Incident.objects.count() == 1 and IncidentSource.objects.count() == 1


def test_adding_a_missing_place_requeues_the_articles_that_named_it(django_capture_on_commit_callbacks):
    article = ArticleFactory(status="processed")
    services.unresolved_place_record(article=article, name="Qaryat Zuhayr", sentence="the village of Qaryat Zuhayr")
    place = PlaceFactory(name="Qaryat Zuhayr")
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.unresolved_place_resolve(place=place) == [article.pk]
    assert len(callbacks) == 1
    article.refresh_from_db()
    assert article.status == "queued"
    assert UnresolvedPlace.objects.get().resolved_place == place
    assert services.unresolved_place_resolve(place=place) == []


def test_unresolved_names_from_extraction_are_recorded(monkeypatch):
    mention = UnresolvedMention(name="Tal Khudair", sentence="the village of Tal Khudair was shelled")
    monkeypatch.setattr(extract, "extract_article", lambda **kw: Extraction(unresolved=[mention]))
    article = ArticleFactory(status="queued")
    assert process_article(article.pk)["unresolved"] == 1
    assert UnresolvedPlace.objects.get().articles.get() == article


def test_adding_the_missing_village_re_reads_the_article_and_moves_its_incident_there(
    django_capture_on_commit_callbacks,
):
    from django.core.management import call_command

    from incidents.models import Place

    call_command("load_actors", verbosity=0)
    PlaceFactory(name="Kirkuk", admin1="Kirkuk", feature_code="PPLA", population=600000,
                 point=Point(44.3922, 35.4681, srid=4326))  # fmt: skip
    text = ("Islamic State militants attacked the village of Qaryat Zuhayr, south of Kirkuk, on Monday, killing four "
            "villagers, police said.")  # fmt: skip
    article = queued_article(title="Villagers killed", text=text)
    Article.objects.filter(pk=article.pk).update(published=dt.datetime(2016, 3, 16, tzinfo=dt.UTC))
    process_article(article.pk)
    unresolved = UnresolvedPlace.objects.get()
    assert unresolved.name == "Qaryat Zuhayr" and unresolved.mention_count == 1
    before = Incident.objects.get()
    assert before.location_name != "Qaryat Zuhayr" and before.fatalities == 4  # the country, or Kirkuk nearby

    village = Place(name="Qaryat Zuhayr", country="IQ", admin1="Kirkuk", point=Point(44.35, 35.33, srid=4326))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.place_save(place=village)  # what the Place admin's save does
    assert len(callbacks) == 1 and Article.objects.get(pk=article.pk).status == "queued"
    process_article(article.pk, force=True)  # what the requeued task runs

    after = Incident.objects.get()
    assert (after.place, after.location_name, after.fatalities) == (village, "Qaryat Zuhayr", 4)
    assert Incident.objects.count() == 1  # moved, not duplicated
    assert UnresolvedPlace.objects.get().resolved_place == village


def test_a_lapsed_claim_is_queued_again_and_an_article_that_keeps_killing_its_worker_fails():
    from ingest import tasks

    lapsed = timezone.now() - dt.timedelta(hours=1)
    killed_once = ArticleFactory(status="processing", attempts=1)
    killed_often = ArticleFactory(status="processing", attempts=tasks.MAX_CLAIMS)
    running = ArticleFactory(status="processing", attempts=1)
    Article.objects.filter(pk__in=[killed_once.pk, killed_often.pk]).update(updated_at=lapsed)
    purge_queue()
    assert tasks.recover_stale_articles() == {"requeued": 1, "failed": 1}
    assert queued_article_ids() == [killed_once.pk]
    purge_queue()
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses == {killed_once.pk: "queued", killed_often.pk: "failed", running.pk: "processing"}
    assert "stopped" in Article.objects.get(pk=killed_often.pk).error
    assert tasks.recover_stale_articles() == {"requeued": 0, "failed": 0}


def test_an_article_left_queued_whose_message_never_ran_is_sent_again_once_per_period(settings):
    from ingest import tasks

    settings.ARTICLE_REQUEUE_AFTER_SECONDS = 600
    orphan = ArticleFactory(status="queued")  # its message was lost with the broker, or never sent
    fresh = ArticleFactory(status="queued")  # its message is still waiting
    done = ArticleFactory(status="processed")
    Article.objects.filter(pk__in=[orphan.pk, done.pk]).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    purge_queue()
    assert tasks.recover_stale_articles() == {"requeued": 1, "failed": 0}
    assert queued_article_ids() == [orphan.pk]
    assert tasks.recover_stale_articles() == {"requeued": 0, "failed": 0}, "not again before the period ends"
    purge_queue()
    assert {a.pk: a.status for a in Article.objects.all()} == {
        orphan.pk: "queued",
        fresh.pk: "queued",
        done.pk: "processed",
    }


def test_a_message_sent_twice_processes_the_article_once(page_server):
    article = queued_article(url=page_server.add("/a", (PAGES / "article_with_boilerplate.html").read_bytes()))
    process_article(article.pk)
    assert process_article(article.pk) == {"skipped": "not claimable (already processed, being processed, or gone)"}
    article.refresh_from_db()
    assert (article.status, article.attempts, len(page_server.hits("/a"))) == ("processed", 1, 1)


def test_the_claim_expiry_tells_a_redelivered_task_how_long_to_wait(settings):
    settings.ARTICLE_CLAIM_LEASE_SECONDS = 30
    article = ArticleFactory(status="queued")
    assert services.article_claim_expiry(article_id=article.pk) is None
    assert services.article_claim(article_id=article.pk)
    remaining = (services.article_claim_expiry(article_id=article.pk) - timezone.now()).total_seconds()
    assert 25 < remaining <= 30
