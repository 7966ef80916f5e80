"""Hostile input fails cleanly: control characters removed before storage, size caps with a clear error on every
input path, nesting limits on JSON, zero-width characters removed before matching, link-less feed entries kept,
and the command's exit status and progress."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from incidents.models import Article, Incident
from ingest.feeds import parse_feed
from ingest.tasks import process_article
from tests.conftest import clear_throttles
from tests.factories import IncidentFactory, SourceFactory
from tests.fixtures.http import LocalServer

pytestmark = pytest.mark.django_db
BODY = "A roadside bomb killed three Iraqi soldiers near Tarmiyah, north of Baghdad, on March 12, 2016, police said."


@pytest.fixture
def submitter(django_user_model):
    clear_throttles()
    user = django_user_model.objects.create_user(username="newsroom", password="newsroom-pw-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_article", "change_incident"]))
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def ingest(*args) -> tuple[str, str, str]:
    """(stdout, stderr, the error that made it exit non-zero or "")."""
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), str(exc)
    return out.getvalue(), err.getvalue(), ""


def test_nul_and_control_characters_in_a_file_are_removed_and_the_batch_goes_on(tmp_path):
    hostile, plain = tmp_path / "nul.txt", tmp_path / "plain.txt"
    hostile.write_bytes(b"Bomb in Tar\x00miyah\x07\n\n" + BODY.replace("three", "th\x00ree\x1b").encode())
    plain.write_text("Clashes in Baiji\n\n" + BODY.replace("Tarmiyah", "Baiji"))
    out, err, failure = ingest(str(hostile), str(plain), "--sync")
    assert failure == "" and "2 new articles processed; 0 failed" in out, err
    stored = Article.objects.get(title="Bomb in Tarmiyah")
    assert "\x00" not in stored.text and "\x1b" not in stored.text and "killed three Iraqi" in stored.text


def test_nul_characters_in_admin_paste_and_upload_are_removed_not_a_500(admin_client):
    response = admin_client.post(reverse("admin:ingest_article_submit"), {"text": "Bomb\x00 in Tarmiyah\n\n" + BODY})
    assert response.status_code == 302
    upload = SimpleUploadedFile("a.txt", b"Clashes\x00 in Baiji\n\n" + BODY.replace("Tarmiyah", "Baiji\x00").encode())
    response = admin_client.post(reverse("admin:ingest_article_submit"), {"file": upload})
    assert response.status_code == 302
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Bomb in Tarmiyah", "Clashes in Baiji"]
    assert not any("\x00" in text for text in Article.objects.values_list("text", flat=True))


def test_nul_characters_through_the_api_are_removed(api_client, submitter):
    response = api_client.post(
        "/api/v1/articles/", {"title": "Bomb\x00", "text": BODY + "\x00\x01"}, format="json", **submitter
    )
    assert response.status_code == 202, response.content
    article = Article.objects.get()
    assert (article.title, article.text) == ("Bomb", BODY)


def test_a_file_over_the_size_cap_is_refused_with_a_clear_error_and_a_failing_exit(tmp_path, settings):
    settings.INGEST_MAX_FILE_BYTES = 10_000
    huge, fine = tmp_path / "huge.txt", tmp_path / "fine.txt"
    huge.write_text("Headline\n\n" + "x" * 20_000)
    fine.write_text("Clashes in Baiji\n\n" + BODY)
    out, err, failure = ingest(str(huge), str(fine))
    assert "huge.txt: too large: 20,010 bytes (limit 10,000)" in err
    assert failure == "1 item(s) failed" and "1 new articles queued; 1 failed" in out
    assert Article.objects.count() == 1


def test_admin_refuses_an_upload_or_a_paste_over_the_caps(admin_client, settings):
    settings.INGEST_MAX_FILE_BYTES, settings.ARTICLE_MAX_CHARS = 1_000, 500
    upload = SimpleUploadedFile("big.txt", b"Headline\n\n" + b"word " * 400)
    response = admin_client.post(reverse("admin:ingest_article_submit"), {"file": upload})
    assert "The file is 2,010 bytes; the limit is 1,000." in response.content.decode()
    response = admin_client.post(reverse("admin:ingest_article_submit"), {"text": "Headline\n\n" + "word " * 150})
    assert "the limit is 500." in response.content.decode()
    assert not Article.objects.exists()


def test_the_api_refuses_text_over_the_cap(api_client, submitter):
    response = api_client.post("/api/v1/articles/", {"text": "x" * 500_001}, format="json", **submitter)
    assert response.status_code == 400 and "text" in response.json()


def test_a_fetched_page_whose_text_is_over_the_cap_fails_with_a_clear_error(settings, fetch_loopback):
    settings.ARTICLE_MAX_CHARS = 2_000
    with LocalServer() as server:
        paragraphs = "".join(f"<p>{BODY.replace('three', str(n))}</p>" for n in range(40))
        page = f"<html><body><article>{paragraphs}</article></body></html>"
        article = Article.objects.create(url=server.add("/long", page), status="queued")
        process_article(article.pk)
    article.refresh_from_db()
    assert article.status == "failed" and "the limit is 2,000" in article.error


def test_a_feed_entry_over_the_cap_is_left_out_and_reported(settings):
    settings.ARTICLE_MAX_CHARS = 1_000
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>Huge</title><link>https://a.example.org/1</link><description>{'word ' * 400}</description>"
        "</item><item><title>Fine</title><link>https://a.example.org/2</link></item></channel></rss>"
    )
    parsed = parse_feed(feed)
    assert [e.title for e in parsed.entries] == ["Fine"]
    assert "entry 1 (Huge): 1,999 characters of text, over the limit of 1,000" in parsed.skipped


@pytest.mark.parametrize("levels", [40, 5000])
def test_deeply_nested_json_is_a_400_on_post_and_patch(api_client, submitter, levels):
    nested = "[" * levels + "]" * levels
    body = '{"text": ' + nested + "}"
    response = api_client.post("/api/v1/articles/", body, content_type="application/json", **submitter)
    assert response.status_code == 400 and "nested deeper than" in response.json()["detail"]
    incident = IncidentFactory()
    response = api_client.patch(
        f"/api/v1/incidents/{incident.pk}/", '{"status": ' + nested + "}", content_type="application/json",
        **submitter,
    )  # fmt: skip
    assert response.status_code == 400
    assert Incident.objects.get().status == "unreviewed"


def test_zero_width_characters_are_removed_before_matching(extraction_index):
    from incidents import services

    text = "Mortar rounds killed four people in Kir\u200bkuk on March 12, 2016, police said."
    stored, _ = services.article_create_or_get(title="Mortar\u200b fire", text=text)
    assert stored.text == text.replace("\u200b", "") and stored.title == "Mortar fire"
    process_article(stored.pk)
    incident = Incident.objects.get()
    assert incident.location_name == "Kirkuk" and incident.date == dt.date(2016, 3, 12)


def test_an_atom_entry_without_a_link_is_kept_by_its_text_and_one_with_nothing_is_reported(settings):
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        f"<entry><title>No link</title><id>urn:uuid:1</id><summary>{BODY}</summary></entry>"
        "<entry><title>Empty</title><id>urn:uuid:2</id></entry></feed>"
    )
    with LocalServer() as server:
        settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        source = SourceFactory(url=server.add("/atom", atom, content_type="application/atom+xml"))
        from ingest.documents import poll

        result = poll(source, queue=False)
    article = Article.objects.get()
    assert (article.url, article.text, len(article.content_hash)) == ("", BODY, 64)
    assert "entry 2 (Empty): no link and no text" in result["warning"]


def test_a_large_feed_file_shows_progress(tmp_path):
    items = "".join(f"<item><title>Item {n}</title><link>https://a.example.org/{n}</link></item>" for n in range(300))
    feed = tmp_path / "big.xml"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>')
    out, err, failure = ingest(str(feed))
    assert failure == "" and "300 read, 300 new" in out
    assert "storing entries" in err and "300/300" in err
