from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Article, Source
from tests.factories import ArticleFactory, SourceFactory
from tests.fixtures.broker import purge_queue, queued_article_ids

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).parent.parent / "ingest" / "demo"


def test_the_article_list_links_to_the_submit_form_and_filters_by_status(admin_client):
    ArticleFactory(status="failed", error="HTTP 404 from https://x.example.org/", title="A failed one")
    ArticleFactory(status="processed", title="A processed one")
    response = admin_client.get(reverse("admin:incidents_article_changelist"), {"status__exact": "failed"})
    assert response.status_code == 200
    assert reverse("admin:ingest_article_submit").encode() in response.content
    assert b"A failed one" in response.content and b"A processed one" not in response.content


def test_pasted_text_becomes_a_queued_article(admin_client, django_capture_on_commit_callbacks):
    text = (DEMO / "004_8fca70f8f63a49e2.txt").read_text()
    with django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(reverse("admin:ingest_article_submit"), {"text": text})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Iran-backed Shia militia says it will fight US Marines deployed to Iraq"
    assert (article.status, len(queued)) == ("queued", 1)
    again = admin_client.post(reverse("admin:ingest_article_submit"), {"text": text}, follow=True)
    assert b"Already stored as article" in again.content and Article.objects.count() == 1


def test_an_uploaded_feed_stores_every_entry(admin_client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("feed.xml", (DEMO / "iraqwarnews_iraqi_militias.xml").read_bytes())
    purge_queue()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:ingest_article_submit"), {"file": upload})
    queued = queued_article_ids()
    purge_queue()
    assert Article.objects.count() == 10 and sorted(queued) == sorted(Article.objects.values_list("pk", flat=True))


def test_the_form_asks_for_the_publication_date_with_today_filled_in(admin_client):
    from django.utils import timezone

    page = admin_client.get(reverse("admin:ingest_article_submit")).content.decode()
    assert 'name="published"' in page and f'value="{timezone.localdate():%Y-%m-%d}"' in page


def test_a_pasted_article_without_a_dateline_takes_the_date_given_in_the_form(admin_client):
    text = "Mortar fire on Tuz Khurmatu\n\nThree people were killed when mortar rounds hit Tuz Khurmatu on Friday."
    admin_client.post(reverse("admin:ingest_article_submit"), {"text": text, "published": "2017-06-04"})
    assert str(Article.objects.get().published.date()) == "2017-06-04"


def test_a_dateline_in_pasted_text_wins_over_the_form_left_at_today(admin_client):
    from django.utils import timezone

    text = "March 22, 2016\nClashes in Makhmour\n\nFighters clashed near Makhmour on Monday, a local official said."
    today = f"{timezone.localdate():%Y-%m-%d}"
    admin_client.post(reverse("admin:ingest_article_submit"), {"text": text, "published": today})
    assert str(Article.objects.get().published.date()) == "2016-03-22"


def test_an_uploaded_text_file_without_a_date_takes_the_form_date(admin_client):
    upload = SimpleUploadedFile("a.txt", b"Shelling in Sinjar\n\nArtillery shells fell on Sinjar on Tuesday night.")
    admin_client.post(reverse("admin:ingest_article_submit"), {"file": upload, "published": "2018-02-01"})
    assert str(Article.objects.get().published.date()) == "2018-02-01"


def test_the_form_wants_exactly_one_input_and_says_so(admin_client):
    response = admin_client.post(
        reverse("admin:ingest_article_submit"), {"url": "https://a.example.org/x", "text": "t"}
    )
    assert b"Give exactly one of a URL, pasted text or a file." in response.content
    response = admin_client.post(reverse("admin:ingest_article_submit"), {"url": "ftp://a.example.org/x"})
    assert b"Enter a valid URL" in response.content
    response = admin_client.post(reverse("admin:ingest_article_submit"), {"text": "\n\n"})
    assert b"Give exactly one" in response.content
    assert Article.objects.count() == 0


def test_retry_queues_failed_articles_again(admin_client, django_capture_on_commit_callbacks):
    failed = ArticleFactory(status="failed", error="Timed out")
    with django_capture_on_commit_callbacks() as queued:
        admin_client.post(
            reverse("admin:incidents_article_changelist"), {"action": "retry", "_selected_action": [failed.pk]}
        )
    failed.refresh_from_db()
    assert (failed.status, failed.error, len(queued)) == ("queued", "", 1)


def test_poll_now_queues_the_selected_sources(admin_client, django_capture_on_commit_callbacks):
    source = SourceFactory()
    with django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(
            reverse("admin:incidents_source_changelist"), {"action": "poll_now", "_selected_action": [source.pk]}
        )
    assert response.status_code == 302 and len(queued) == 1
    assert Source.objects.get().pk == source.pk


def test_an_unresolved_place_links_to_a_prefilled_new_place(admin_client):
    from incidents import services

    services.unresolved_place_record(
        article=ArticleFactory(), name="Qaryat Zuhayr", sentence="the village of Qaryat Zuhayr"
    )
    response = admin_client.get(reverse("admin:incidents_unresolvedplace_changelist"))
    assert b"Qaryat Zuhayr" in response.content and b"name=Qaryat+Zuhayr" in response.content
    add = admin_client.get(reverse("admin:incidents_place_add"), {"name": "Qaryat Zuhayr"})
    assert add.status_code == 200 and b'value="Qaryat Zuhayr"' in add.content


def test_every_ingest_admin_page_renders(admin_client):
    from incidents import services
    from tests.factories import IncidentSourceFactory

    link = IncidentSourceFactory()
    source = SourceFactory(last_error="HTTP 503 from https://news.example.org/feed.xml", error_count=2)
    unresolved = services.unresolved_place_record(article=link.article, name="Tal Khudair", sentence="near Tal Khudair")
    pages = [
        reverse("admin:incidents_source_changelist"),
        reverse("admin:incidents_source_change", args=[source.pk]),
        reverse("admin:incidents_article_change", args=[link.article.pk]),
        reverse("admin:incidents_unresolvedplace_change", args=[unresolved.pk]),
        reverse("admin:ingest_article_submit"),
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
    article_page = admin_client.get(reverse("admin:incidents_article_change", args=[link.article.pk]))
    assert b"Militants attacked a checkpoint near Kirkuk" in article_page.content  # the read-only text
    assert b"HTTP 503" in admin_client.get(reverse("admin:incidents_source_changelist")).content
