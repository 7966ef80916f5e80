from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from incidents.models import Article, Incident, Source
from tests.factories import PlaceFactory
from tests.fixtures.http import LocalServer

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).parent.parent
DEMO = ROOT / "ingest" / "demo"
PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.fixture(autouse=True)
def fresh_extractor_index():
    """Each test has its own gazetteer; the extractor's in-process index must not outlive it."""
    from ingest import extract, tasks

    extract.reset_caches()
    tasks._gazetteer_state, tasks._gazetteer_checked = None, float("-inf")


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_ingests_text_html_and_feed_files_in_process_and_reports_bad_items(tmp_path):
    PlaceFactory(name="Kirkuk", admin1="Kirkuk", feature_code="PPLA", population=600000,
                 point=Point(44.3922, 35.4681, srid=4326))  # fmt: skip
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    out, err = run(
        str(DEMO / "000_a1a8ec7b970dcd6e.txt"), str(PAGES / "article_with_boilerplate.html"),
        str(DEMO / "iraqwarnews_iraqi_militias.xml"), str(empty), str(tmp_path / "missing.txt"), "--sync",
    )  # fmt: skip
    assert "empty.txt: The text is empty" in err and "missing.txt: no such file" in err
    assert "12 new articles processed; 2 failed" in out
    assert Article.objects.filter(status="processed").count() == 12
    assert Incident.objects.filter(location_name="Kirkuk").exists()  # the checkpoint attack of the HTML page
    out, _ = run(str(DEMO / "000_a1a8ec7b970dcd6e.txt"), "--sync")
    assert "0 new articles processed" in out and Article.objects.count() == 12


def test_a_feed_url_becomes_a_source_and_its_entries_are_queued(django_capture_on_commit_callbacks):
    with LocalServer() as server:
        url = server.add("/feed", (DEMO / "iraqwarnews_iraqi_militias.xml").read_bytes(), content_type="text/xml")
        with django_capture_on_commit_callbacks() as queued:
            out, _ = run(url)
    assert f"{url}: 10 read, 10 new" in out
    assert Source.objects.get().name == "Iraqi militias – Iraq War News"
    assert Article.objects.filter(status="queued", source__url=url).count() == 10 and len(queued) == 10


def test_an_unreachable_url_is_reported_and_the_rest_goes_on():
    out, err = run("http://127.0.0.1:9/nothing", str(DEMO / "004_8fca70f8f63a49e2.txt"))
    assert "http://127.0.0.1:9/nothing: Connection failed" in err
    assert "1 new articles queued; 1 failed" in out


def test_a_page_url_is_fetched_once_and_stored_as_clean_text(django_capture_on_commit_callbacks):
    with LocalServer() as server:
        url = server.add("/story?utm_source=rss", (PAGES / "article_with_boilerplate.html").read_bytes())
        with django_capture_on_commit_callbacks() as queued:
            run(url)
            out, _ = run(url)
    article = Article.objects.get()
    assert article.url == url.replace("?utm_source=rss", "") and len(queued) == 1
    assert article.title == "Militants attack checkpoint near Kirkuk" and "Skip to Content" not in article.text
    assert "0 new articles queued" in out
