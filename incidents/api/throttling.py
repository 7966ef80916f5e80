"""The dashboard's pass: pages that call the API give the browser a signed cookie, and the API counts requests that
carry it against the `dashboard` rate, not the anonymous one, so an editor clicking quickly is not throttled like a
scraper. The cookie only moves a browser to another, still limited, budget."""

from __future__ import annotations

import functools

from django.core import signing

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
