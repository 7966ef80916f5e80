"""The outbound fetch policy against real local servers: loopback, [::1], IPv4-mapped forms, redirect chains, names
that resolve to loopback, a rebinding resolver, schemes, feeds and the pipeline."""

import ipaddress
import socket

import pytest

from incidents.models import Article, Incident
from ingest import netpolicy
from ingest.documents import poll
from ingest.fetch import FetchError, RefusedFetchError, fetch
from ingest.tasks import process_article
from tests.factories import SourceFactory
from tests.fixtures.http import LocalServer

SECRET = "<html><body><p>" + "The internal secret is hunter2, planted on a loopback server. " * 5 + "</p></body></html>"


@pytest.fixture
def internal():
    with LocalServer() as s:
        s.add("/secret", SECRET)
        yield s


def test_it_refuses_a_loopback_address_and_the_server_never_sees_a_request(internal):
    with pytest.raises(RefusedFetchError, match="127.0.0.1 is a loopback address") as caught:
        fetch(internal.url("/secret"))
    assert not caught.value.transient
    assert "FETCH_ALLOWED_NETWORKS" in str(caught.value)
    assert internal.requests == []


def test_it_refuses_ipv6_loopback():
    with LocalServer(host="::1") as server:
        server.add("/secret", SECRET)
        with pytest.raises(RefusedFetchError, match="::1 is a loopback address"):
            fetch(server.url("/secret"))
        assert server.requests == []


def test_it_refuses_loopback_written_as_an_ipv4_mapped_ipv6_address(internal):
    port = internal.httpd.server_address[1]
    with pytest.raises(RefusedFetchError, match="loopback"):
        fetch(f"http://[::ffff:127.0.0.1]:{port}/secret")
    assert internal.requests == []


def test_a_dns_name_that_resolves_to_loopback_is_refused(internal):
    port = internal.httpd.server_address[1]
    with pytest.raises(RefusedFetchError, match="Refused to fetch from localhost"):
        fetch(f"http://localhost:{port}/secret")
    assert internal.requests == []


def test_a_redirect_from_an_allowed_server_to_loopback_is_refused(internal, settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    with LocalServer(host="127.0.0.2") as outside:
        outside.add("/hop1", status=302, headers={"Location": outside.url("/hop2")})
        outside.add("/hop2", status=301, headers={"Location": internal.url("/secret")})
        with pytest.raises(RefusedFetchError, match="127.0.0.1 is a loopback address"):
            fetch(outside.url("/hop1"))
        assert len(outside.hits("/hop2")) == 1
    assert internal.requests == []


def test_a_redirect_to_another_scheme_is_refused(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    with LocalServer() as server:
        server.add("/to-file", status=302, headers={"Location": "file:///etc/passwd"})
        with pytest.raises(FetchError) as caught:
            fetch(server.url("/to-file"))
    assert not caught.value.transient


def test_a_name_that_rebinds_to_loopback_between_lookups_reaches_only_the_address_checked(
    internal, settings, monkeypatch
):
    # The first answer is an address the deployment allows; every later one is loopback. A policy that checked one
    # lookup and let the connection make another would reach the secret.
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    real = socket.getaddrinfo
    answers = []

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        answers.append(host)
        address = "127.0.0.2" if len(answers) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = internal.httpd.server_address[1]
    with LocalServer(host="127.0.0.2", port=port) as outside:
        outside.add("/secret", "<p>public page</p>")
        assert fetch(f"http://rebind.test:{port}/secret").text() == "<p>public page</p>"
        with pytest.raises(RefusedFetchError, match="loopback"):
            fetch(f"http://rebind.test:{port}/secret")
    assert internal.requests == []
    assert len(answers) == 2, "one lookup per connection, and the connection used it"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1:6379/_INFO"]
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(RefusedFetchError, match="only http and https"):
        fetch(url)


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True), ("169.254.169.254", True),
        ("100.64.0.1", True), ("0.0.0.0", True), ("224.0.0.1", True), ("240.0.0.1", True), ("255.255.255.255", True),
        ("fe80::1", True), ("fc00::1", True), ("ff02::1", True), ("::", True), ("::ffff:10.0.0.1", True),
        ("64:ff9b::7f00:1", True), ("2002:7f00:1::", True), ("8.8.8.8", False), ("2606:4700:4700::1111", False),
        ("::ffff:8.8.8.8", False),
    ],
)  # fmt: skip
def test_the_policy_refuses_every_non_public_address_family(address, refused):
    assert bool(netpolicy.address_problem(ipaddress.ip_address(address))) is refused


def test_a_host_on_the_allow_list_may_resolve_to_loopback(internal, settings):
    settings.FETCH_ALLOWED_HOSTS = ["localhost"]
    port = internal.httpd.server_address[1]
    assert "hunter2" in fetch(f"http://localhost:{port}/secret").text()


@pytest.mark.django_db
def test_a_submitted_url_on_loopback_fails_with_a_clear_error_and_publishes_nothing(internal):
    article = Article.objects.create(url=internal.url("/secret"), status=Article.Status.QUEUED)
    process_article(article.pk)
    article.refresh_from_db()
    assert article.status == "failed"
    assert "Refused to fetch" in article.error and "loopback" in article.error
    assert "hunter2" not in article.text and not Incident.objects.exists()
    assert internal.requests == []


@pytest.mark.django_db
def test_feed_links_go_through_the_same_gate_and_script_links_are_never_stored(internal, settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    with LocalServer(host="127.0.0.2") as feeds:
        rss = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<item><title>Internal</title><link>{internal.url('/secret')}</link></item>"
            "<item><title>Script</title><link>javascript:alert(document.cookie)</link></item>"
            "</channel></rss>"
        )
        source = SourceFactory(url=feeds.add("/feed", rss, content_type="application/rss+xml"))
        result = poll(source, queue=False)
    assert "not an http(s) URL" in result["warning"]
    assert not Article.objects.filter(url__startswith="javascript:").exists()
    (article,) = Article.objects.filter(pk__in=result["ids"])
    process_article(article.pk)
    article.refresh_from_db()
    assert article.status == "failed" and "loopback" in article.error
    assert internal.requests == []
