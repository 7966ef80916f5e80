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
