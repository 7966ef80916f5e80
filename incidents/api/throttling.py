"""The API's request budgets: per address, per user, for submissions, and the dashboard's pass.

Pages that call the API give the browser a signed cookie, and the API counts requests that carry it against the
`dashboard` rate, not the anonymous one, so an editor clicking quickly is not throttled like a scraper. The cookie only
moves a browser to another, still limited, budget."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core import signing
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from incidents import access

COOKIE = "atlas_ui"
SALT = "incidents.api.dashboard-pass"
MAX_AGE = 24 * 3600


def has_dashboard_pass(request) -> bool:
    value = request.COOKIES.get(COOKIE)
    if not value:
        return False
    try:
        signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    return True


def dashboard_pass(view):
    """For page views whose scripts call the API."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not has_dashboard_pass(request):
            response.set_cookie(
                COOKIE, signing.dumps("ui", salt=SALT), max_age=MAX_AGE, httponly=True, samesite="Lax", path="/api/"
            )
        return response

    return wrapped


class _RatesFromSettings:
    # DRF copies the rates at import time; reading them per request lets settings (and tests) change them.
    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_ident(self, request):
        # DRF believes any X-Forwarded-For; only a trusted proxy's counts (incidents.access).
        return access.client_address(request.META)


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    def allow_request(self, request, view):
        # The dashboard's own pages: their own, higher budget (and count).
        if has_dashboard_pass(request):
            self.scope = "dashboard"
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    def get_cache_key(self, request, view):
        # DRF's user throttle also counts anonymous requests by address, which AnonThrottle already does at its
        # lower rate: two Redis round trips per anonymous request for a limit that never binds first.
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class ArticleSubmitThrottle(_RatesFromSettings, ScopedRateThrottle):
    """A separate, lower budget for submissions, which each cost a fetch and an extraction."""

    scope = "article_submit"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super(ScopedRateThrottle, self).allow_request(request, view)
