"""Anonymous requests are counted once, by the anonymous rate (each count is Redis round trips on every request)."""

import pytest
from django.core.cache import cache

URL = "/api/v1/incidents/"
pytestmark = pytest.mark.django_db


def test_anonymous_requests_spend_only_the_anonymous_budget(api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "1/min"}}
    codes = [api_client.get(URL).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    client = cache._cache.get_client()
    assert list(client.scan_iter(match="*throttle_user_*")) == []
    assert list(client.scan_iter(match="*throttle_anon_*")) != []


def rates(settings, **rates):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def test_a_throttled_answer_says_when_to_retry(api_client, settings):
    rates(settings, anon="1/min", user="1/min", dashboard="1/min")
    api_client.get(URL)
    response = api_client.get(URL)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_dashboards_own_requests_have_their_own_budget(api_client, settings):
    from incidents.api.throttling import COOKIE

    rates(settings, anon="3/min", user="1/min", dashboard="50/min")
    page = api_client.get("/")
    assert page.status_code == 200 and COOKIE in page.cookies
    # The browser sends the pass back: an editor clicking quickly through filters.
    assert {api_client.get(URL, {"_": n}).status_code for n in range(10)} == {200}
    stranger = type(api_client)()
    assert [stranger.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    stranger.cookies[COOKIE] = "forged"
    assert stranger.get(URL).status_code == 429, "a forged pass is an anonymous request"


def test_a_token_mirror_pages_far_beyond_the_anonymous_limit(api_client, settings, user):
    from rest_framework.authtoken.models import Token

    from tests.factories import IncidentFactory

    rates(settings, anon="3/min", user="1200/min", dashboard="3/min")
    IncidentFactory.create_batch(25)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    url, pages = URL + "?page_size=1", 0
    while url:
        response = api_client.get(url)
        assert response.status_code == 200, f"throttled after {pages} pages"
        url, pages = response.json()["next"], pages + 1
    assert pages == 25
