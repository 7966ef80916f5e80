import datetime as dt
from pathlib import Path

import pytest

from incidents.models import Article, Source
from ingest.feeds import FeedError, parse_feed
from ingest.tasks import poll_due_sources, poll_source
from tests.factories import SourceFactory

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
DEMO_FEED = Path(__file__).parent.parent / "ingest" / "demo" / "iraqwarnews_iraqi_militias.xml"


def test_it_reads_every_item_of_the_demo_feed_with_its_own_date_and_full_text():
    feed = parse_feed(DEMO_FEED.read_bytes())
    assert feed.title == "Iraqi militias – Iraq War News" and len(feed.entries) == 10
    first, eighth = feed.entries[0], feed.entries[7]
    assert first.url == "https://iraqwarnews.net/iraqi-militias-launch-smear-campaign-against-us-and-uk/"
    assert first.published == dt.datetime(2022, 6, 2, 7, 0, tzinfo=dt.UTC)
    assert eighth.title == "IS kills 3 Iraqi militias"
    assert "Tarmiya" in eighth.text and "<p>" not in eighth.text
    assert all(len(e.text) > 1000 for e in feed.entries)


def test_an_atom_feed_gives_relative_links_resolved_dates_in_utc_and_teasers_left_for_fetching():
    feed = parse_feed((FEEDS / "atom.xml").read_bytes(), base_url="https://atom.example.org/feed.xml")
    teaser, full = feed.entries
    assert teaser.url == "https://atom.example.org/2021/08/is-kills-3"
    assert teaser.published == dt.datetime(2021, 8, 22, 4, 0, tzinfo=dt.UTC)
    assert teaser.text == ""  # a teaser: the page will be fetched
    assert full.text.startswith("Islamic State militants attacked a base")
    assert "alert(1)" not in full.text and "Share this article" not in full.text


@pytest.mark.parametrize("name", ["malformed.xml", "not_a_feed.html"])
def test_it_rejects_a_document_that_is_not_a_readable_feed(name):
    with pytest.raises(FeedError, match="Not a readable feed"):
        parse_feed((FEEDS / name).read_bytes())


def test_a_broken_feed_still_gives_the_items_it_holds_with_a_warning():
    feed = parse_feed((FEEDS / "malformed_recoverable.xml").read_bytes())
    assert [e.url for e in feed.entries] == ["https://broken.example.org/a"]
    assert "SAXParseException" in feed.warning


def test_it_rejects_an_empty_feed_body():
    with pytest.raises(FeedError, match="empty"):
        parse_feed(b"  ")


@pytest.mark.django_db
def test_polling_stores_new_entries_once_and_queues_them(page_server, django_capture_on_commit_callbacks):
    url = page_server.add("/feed.xml", DEMO_FEED.read_bytes(), content_type="application/rss+xml", etag='"abc"')
    source = SourceFactory(url=url)
    with django_capture_on_commit_callbacks() as queued:
        assert poll_source(source.pk) == {"new": 10, "entries": 10}
    assert len(queued) == 10
    assert Article.objects.filter(source=source, status="queued").count() == 10
    article = Article.objects.get(url="https://iraqwarnews.net/is-kills-3-iraqi-militias/")
    assert article.published == dt.datetime(2021, 8, 22, 7, 0, tzinfo=dt.UTC) and article.content_hash
    source.refresh_from_db()
    assert (source.etag, source.last_error, source.error_count) == ('"abc"', "", 0)
    assert source.last_success_at is not None


@pytest.mark.django_db
def test_a_second_poll_sends_the_etag_and_a_304_adds_nothing(page_server):
    url = page_server.add("/feed.xml", DEMO_FEED.read_bytes(), content_type="application/rss+xml", etag='"abc"')
    source = SourceFactory(url=url)
    poll_source(source.pk)
    assert poll_source(source.pk, force=True) == {"skipped": "not due"}  # polled seconds ago
    Source.objects.filter(pk=source.pk).update(last_polled_at=None)
    assert poll_source(source.pk) == {"new": 0, "not_modified": True}
    assert page_server.hits("/feed.xml")[-1]["if-none-match"] == '"abc"'
    assert Article.objects.count() == 10


@pytest.mark.django_db
def test_a_changed_feed_yields_only_its_new_entries(page_server):
    xml = DEMO_FEED.read_text()
    head, items = xml.split("<item>", 1)
    first_item, rest = items.split("</item>", 1)
    url = page_server.add("/feed.xml", head + "<item>" + rest.split("<item>", 1)[1], content_type="text/xml")
    source = SourceFactory(url=url)
    assert poll_source(source.pk)["new"] == 9
    page_server.add("/feed.xml", xml, content_type="text/xml")
    Source.objects.filter(pk=source.pk).update(last_polled_at=None)
    assert poll_source(source.pk) == {"new": 1, "entries": 10}


@pytest.mark.django_db
def test_a_malformed_feed_is_recorded_on_the_source_and_keeps_earlier_articles(page_server):
    url = page_server.add("/feed.xml", DEMO_FEED.read_bytes(), content_type="application/rss+xml")
    source = SourceFactory(url=url)
    poll_source(source.pk)
    page_server.add("/feed.xml", (FEEDS / "malformed.xml").read_bytes(), content_type="application/rss+xml")
    Source.objects.filter(pk=source.pk).update(last_polled_at=None)
    result = poll_source(source.pk)
    source.refresh_from_db()
    assert "Not a readable feed" in result["failed"] and "Not a readable feed" in source.last_error
    assert source.error_count == 1
    assert Article.objects.count() == 10


@pytest.mark.django_db
def test_a_broken_feed_is_flagged_on_the_source_but_its_readable_items_are_kept(page_server):
    url = page_server.add("/feed.xml", (FEEDS / "malformed_recoverable.xml").read_bytes(), content_type="text/xml")
    source = SourceFactory(url=url)
    assert poll_source(source.pk)["new"] == 1
    source.refresh_from_db()
    assert source.last_error.startswith("Malformed feed, read what could be read: SAXParseException")
    assert source.error_count == 0 and Article.objects.get().url == "https://broken.example.org/a"


@pytest.mark.django_db
def test_a_feed_that_times_out_is_a_transient_error_on_the_source(page_server, settings):
    settings.FETCH_TIMEOUT = 0.3
    source = SourceFactory(url=page_server.add("/feed.xml", "<rss/>", delay=1.5, content_type="text/xml"))
    with pytest.raises(Exception, match="Timed out"):
        poll_source(source.pk)  # called directly, a retry re-raises
    source.refresh_from_db()
    assert "Timed out" in source.last_error and source.error_count == 1


@pytest.mark.django_db
def test_only_active_due_sources_are_polled_by_beat(django_capture_on_commit_callbacks, monkeypatch):
    from django.utils import timezone

    now = timezone.now()
    due = SourceFactory(last_polled_at=now - dt.timedelta(minutes=31), poll_interval_minutes=30)
    SourceFactory(last_polled_at=now - dt.timedelta(minutes=5), poll_interval_minutes=30)
    SourceFactory(active=False)
    never = SourceFactory()
    sent = []
    monkeypatch.setattr(poll_source, "apply_async", lambda args, **options: sent.append(args[0]))
    assert poll_due_sources() == 2
    assert sorted(sent) == sorted([due.pk, never.pk])
