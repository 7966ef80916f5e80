import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Article, Incident, Source
from tests.fixtures.broker import purge_queue, queued_article_ids

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_extractor_index")]
ROOT = Path(__file__).parent.parent
DEMO = ROOT / "ingest" / "demo"
PAGES = Path(__file__).parent / "fixtures" / "pages"


def run(*args, failed: int = 0) -> tuple[str, str]:
    """The command's output; `failed`: how many items must fail, which makes the command exit non-zero."""
    out, err = StringIO(), StringIO()
    if failed:
        with pytest.raises(CommandError, match=f"^{failed} item\\(s\\) failed$"):
            call_command("ingest", *args, stdout=out, stderr=err)
    else:
        call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_ingests_text_html_and_feed_files_in_process_and_reports_bad_items(tmp_path, kirkuk):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    out, err = run(
        str(DEMO / "000_a1a8ec7b970dcd6e.txt"), str(PAGES / "article_with_boilerplate.html"),
        str(DEMO / "iraqwarnews_iraqi_militias.xml"), str(empty), str(tmp_path / "missing.txt"), "--sync", failed=2,
    )  # fmt: skip
    assert "empty.txt: The text is empty" in err and "missing.txt: no such file" in err
    assert "12 new articles processed; 2 failed" in out
    assert Article.objects.filter(status="processed").count() == 12
    assert Incident.objects.filter(location_name="Kirkuk").exists()  # the checkpoint attack of the HTML page
    out, _ = run(str(DEMO / "000_a1a8ec7b970dcd6e.txt"), "--sync")
    assert "0 new articles processed" in out and Article.objects.count() == 12


def test_a_feed_url_becomes_a_source_and_its_entries_are_queued(django_capture_on_commit_callbacks, page_server):
    url = page_server.add("/feed", (DEMO / "iraqwarnews_iraqi_militias.xml").read_bytes(), content_type="text/xml")
    purge_queue()
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run(url)
    assert f"{url}: 10 read, 10 new" in out
    assert Source.objects.get().name == "Iraqi militias – Iraq War News"
    stored = set(Article.objects.filter(status="queued", source__url=url).values_list("pk", flat=True))
    queued = queued_article_ids()
    purge_queue()
    assert len(stored) == 10 and sorted(queued) == sorted(stored)


def test_an_unreachable_url_is_reported_and_the_rest_goes_on(fetch_loopback):
    out, err = run("http://127.0.0.1:9/nothing", str(DEMO / "004_8fca70f8f63a49e2.txt"), failed=1)
    assert "http://127.0.0.1:9/nothing: Connection failed" in err
    assert "1 new articles queued; 1 failed" in out


def test_a_page_url_is_fetched_once_and_stored_as_clean_text(django_capture_on_commit_callbacks, page_server):
    url = page_server.add("/story?utm_source=rss", (PAGES / "article_with_boilerplate.html").read_bytes())
    with django_capture_on_commit_callbacks() as queued:
        run(url)
        out, _ = run(url)
    article = Article.objects.get()
    assert article.url == url.replace("?utm_source=rss", "") and len(queued) == 1
    assert article.title == "Militants attack checkpoint near Kirkuk" and "Skip to Content" not in article.text
    assert "0 new articles queued" in out


SEED_000 = DEMO / "000_a1a8ec7b970dcd6e.txt"


def test_the_demo_manifest_dates_every_undated_seed_with_its_basis():
    from ingest.manifest import load_manifest, metadata_for

    manifest = load_manifest(DEMO / "manifest.json")
    assert set(manifest) <= {p.name for p in DEMO.glob("*.txt")}
    assert str(metadata_for(SEED_000).published) == "2016-04-12"
    assert "/2016/04/12/" in metadata_for(SEED_000).url  # the outlet's own page says so
    assert str(metadata_for(DEMO / "004_8fca70f8f63a49e2.txt").published) == "2016-03-22"
    assert str(metadata_for(DEMO / "002_010effc176ed3607.txt").published).startswith("2015-05")


def test_an_article_stored_without_a_date_is_re_dated_by_a_manifest_and_read_again_once(
    tmp_path, kirkuk, bashir, actors
):
    copy = tmp_path / SEED_000.name
    copy.write_bytes(SEED_000.read_bytes())
    out, _ = run(str(copy), "--sync")
    article = Article.objects.get()
    assert article.published is None and "dated by when the article was received" in article.error
    received = Incident.objects.get(location_name="Bashir", fatalities=15)
    assert (received.date, received.date_precision) == (article.created_at.date(), "received")

    entry = {"published": "2016-04-12", "url": "https://example.org/2016/04/12/bashir"}
    (tmp_path / "manifest.json").write_text(json.dumps({"articles": {copy.name: entry}}))
    out, _ = run(str(copy), "--sync")
    assert "1 new articles processed; 0 failed" in out
    article.refresh_from_db()
    assert (str(article.published.date()), article.url, article.status) == (
        "2016-04-12", "https://example.org/2016/04/12/bashir", "processed"
    )  # fmt: skip
    battle = Incident.objects.get(location_name="Bashir", fatalities=15)
    assert (battle.date.strftime("%Y-%m"), battle.event_type) == ("2016-04", "battles")
    assert list(battle.source_links.values_list("article_id", flat=True)) == [article.pk]
    counts = (Incident.objects.count(), article.incidents.count(), article.attempts)

    out, _ = run(str(copy), "--sync")
    assert "0 new articles processed" in out
    article.refresh_from_db()
    assert (Incident.objects.count(), article.incidents.count(), article.attempts) == counts


def test_published_on_the_command_line_wins_over_the_manifest_and_a_bad_manifest_is_reported(
    tmp_path, kirkuk, bashir, actors
):
    first, second = tmp_path / "a" / SEED_000.name, tmp_path / "b" / "004.txt"
    for path, seed in ((first, SEED_000), (second, DEMO / "004_8fca70f8f63a49e2.txt")):
        path.parent.mkdir()
        path.write_bytes(seed.read_bytes())
    (first.parent / "manifest.json").write_text(json.dumps({"articles": {first.name: {"published": "2016-04-12"}}}))
    (second.parent / "manifest.json").write_text('{"articles": {"004.txt": {"published": "22 March"}}}')
    out, err = run(str(first), str(second), "--published", "2016-04-13", "--sync", failed=1)
    assert "'published' must be YYYY-MM-DD, not '22 March'" in err
    assert "1 new articles processed; 1 failed" in out
    assert str(Article.objects.get().published.date()) == "2016-04-13"
