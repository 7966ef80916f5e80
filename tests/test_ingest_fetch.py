from pathlib import Path

import pytest

from ingest.fetch import FetchError, TransientFetchError, canonical_url, decode_bytes, fetch

PAGES = Path(__file__).parent / "fixtures" / "pages"


def test_it_fetches_a_page_and_reports_the_final_url_after_a_redirect(page_server):
    page_server.add("/final", "<p>hello</p>")
    page_server.add("/start", status=302, headers={"Location": "/final"})
    result = fetch(page_server.url("/start"))
    assert result.url == page_server.url("/final")
    assert result.text() == "<p>hello</p>"


def test_it_stops_after_too_many_redirects(page_server, settings):
    settings.FETCH_MAX_REDIRECTS = 2
    for i in range(5):
        page_server.add(f"/r{i}", status=302, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(FetchError, match="Too many redirects") as caught:
        fetch(page_server.url("/r0"))
    assert not caught.value.transient


def test_a_server_that_sleeps_is_a_transient_timeout(page_server):
    page_server.add("/slow", "late", delay=2)
    with pytest.raises(TransientFetchError, match="Timed out"):
        fetch(page_server.url("/slow"), timeout=0.5)


def test_a_server_that_trickles_bytes_is_cut_at_the_wall_clock_deadline(page_server):
    import time

    page_server.add("/trickle", b"<p>" + b"x" * 200 + b"</p>", trickle=0.05)  # 10 s in all, each byte well in time
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match="deadline"):
        fetch(page_server.url("/trickle"), timeout=5, deadline=1.0)
    assert time.monotonic() - started < 2.5


def test_it_refuses_a_page_larger_than_the_cap_while_streaming(page_server, settings):
    settings.FETCH_MAX_BYTES = 10_000
    page_server.add("/huge", b"x" * 50_000)
    with pytest.raises(FetchError, match="Too large"):
        fetch(page_server.url("/huge"))


def test_it_refuses_an_unexpected_content_type(page_server):
    page_server.add("/pdf", b"%PDF-1.4", content_type="application/pdf")
    with pytest.raises(FetchError, match="Unsupported content type 'application/pdf'"):
        fetch(page_server.url("/pdf"))


@pytest.mark.parametrize(("status", "transient"), [(404, False), (410, False), (503, True), (429, True)])
def test_http_errors_are_transient_only_when_a_retry_can_help(page_server, status, transient):
    page_server.add("/err", "no", status=status)
    with pytest.raises(FetchError) as caught:
        fetch(page_server.url("/err"))
    assert caught.value.transient is transient


def test_a_refused_connection_is_transient(fetch_loopback):
    with pytest.raises(TransientFetchError, match="Connection failed"):
        fetch("http://127.0.0.1:9/nothing-listens-here", timeout=1)


def test_it_sends_the_validators_and_understands_not_modified(page_server):
    page_server.add("/feed", "<rss/>", etag='"v1"', content_type="application/rss+xml")
    result = fetch(page_server.url("/feed"), etag='"v1"', accept=("application/rss+xml",))
    assert result.not_modified and result.etag == '"v1"'
    assert page_server.hits("/feed")[0]["if-none-match"] == '"v1"'


def test_it_decodes_bytes_by_the_declared_charset_or_the_page_meta_or_a_guess():
    arabic = "<meta charset='windows-1256'><p>الموصل</p>".encode("windows-1256")
    assert "الموصل" in decode_bytes(arabic)
    assert decode_bytes("café".encode("latin-1"), "utf-8") == "café"
    page = (PAGES / "latin1_claims_utf8.html").read_bytes()
    assert "A bomb exploded in a café in the Karrada district" in decode_bytes(page, "utf-8")
    assert decode_bytes(b"\xff\xfe\x00broken \xc3", "no-such-charset")  # never raises


def test_canonical_urls_drop_fragments_tracking_and_default_ports():
    assert canonical_url("HTTPS://News.Example.org:443/a?utm_source=x&id=3#top") == "https://news.example.org/a?id=3"
    assert canonical_url("http://example.org") == "http://example.org/"
